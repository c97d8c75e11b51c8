"""Format v2 content stream (SPEC §21): a committed header and padded content.

    header = "CFDC" || 0x02 || uint32be(chunk_size) || key commitment (32)
             || secretstream header (24)                                    (65 bytes)
    body   = uint64be(L) || plaintext (L bytes) || zeros, padme(8 + L) bytes in all
    chunk_i = crypto_secretstream_xchacha20poly1305_push(state, body piece i,
                                                         ad = header[0:41], tag)

Chunking is v1's (SPEC §8): full pieces carry TAG_MESSAGE, the last piece
(0..chunk_size-1 bytes) TAG_FINAL. The reader checks the commitment before
anything else, so a stream opens under one document key only, and yields the
L plaintext bytes, never the padding. As in v1, plaintext yielded before the
end is unverified until iteration ends without error.
"""

from collections.abc import Iterable, Iterator
from typing import Final

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
)
from nacl.exceptions import CryptoError as NaclCryptoError

from crypto._checks import require_bytes, require_bytes_like, require_int
from crypto.commitment import COMMITMENT_BYTES, commits_to, content_key_v2, key_commitment
from crypto.errors import DecryptionError, InvalidInputError, UnsupportedVersionError
from crypto.padding import CONTENT_SIZE_MAX, LENGTH_PREFIX_BYTES, padded_content_size
from crypto.stream import (
    CHUNK_OVERHEAD,
    DEFAULT_CHUNK_SIZE,
    MAGIC,
    TAG_FINAL,
    TAG_MESSAGE,
    _check_chunk_size,
    _Reader,
)

VERSION_V2: Final = 0x02
PREFIX_BYTES_V2: Final = 9 + COMMITMENT_BYTES  # 41: magic, version, chunk size, commitment
SECRETSTREAM_HEADER_BYTES: Final = 24
HEADER_BYTES_V2: Final = PREFIX_BYTES_V2 + SECRETSTREAM_HEADER_BYTES  # 65


def ciphertext_size_v2(plaintext_size: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Exact v2 stream length (SPEC §21.3): with T = padme(8 + L),
    65 + T + 17 * (T // chunk_size + 1)."""
    padded = padded_content_size(plaintext_size)
    return HEADER_BYTES_V2 + padded + CHUNK_OVERHEAD * (padded // _check_chunk_size(chunk_size) + 1)


def _body(reader: _Reader, size: int, padded: int) -> Iterator[bytes]:
    yield size.to_bytes(LENGTH_PREFIX_BYTES, "big")
    remaining = size
    while remaining:
        piece = reader.read(min(remaining, 1 << 20))
        if not piece:
            raise InvalidInputError("the plaintext is shorter than plaintext_size")
        remaining -= len(piece)
        yield piece
    if reader.read(1):
        raise InvalidInputError("the plaintext is longer than plaintext_size")
    yield bytes(padded - LENGTH_PREFIX_BYTES - size)


def encrypt_stream_v2(
    doc_key: bytes,
    chunks: Iterable[bytes],
    plaintext_size: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    *,
    secretstream_header: bytes | None = None,
) -> Iterator[bytes]:
    """Encrypt exactly `plaintext_size` bytes given as pieces of any sizes
    (SPEC §21). Yields the 65-byte header, then the chunks. Arguments are
    checked now; the input is read lazily, and a plaintext of another length
    raises InvalidInputError while iterating.

    `secretstream_header` is for test vectors only: libsodium draws it at
    random, and a repeated header under the same key repeats the keystream.
    """
    key = content_key_v2(doc_key)
    size = require_int(plaintext_size, "plaintext_size")
    padded = padded_content_size(size)
    cs = _check_chunk_size(chunk_size)
    fixed = (
        None
        if secretstream_header is None
        else require_bytes(secretstream_header, "secretstream header", SECRETSTREAM_HEADER_BYTES)
    )
    prefix = MAGIC + bytes([VERSION_V2]) + cs.to_bytes(4, "big") + key_commitment(doc_key)
    body = _Reader(_body(_Reader(chunks), size, padded))
    return _encrypt(key, prefix, body, cs, fixed)


def _encrypt(
    key: bytes, prefix: bytes, body: _Reader, chunk_size: int, fixed_header: bytes | None
) -> Iterator[bytes]:
    state = crypto_secretstream_xchacha20poly1305_state()
    if fixed_header is None:
        header = crypto_secretstream_xchacha20poly1305_init_push(state, key)
    else:
        # init_pull sets exactly the state init_push would set for this header
        # (libsodium secretstream: HChaCha20 subkey, counter 1, inonce); vectors only.
        crypto_secretstream_xchacha20poly1305_init_pull(state, fixed_header, key)
        header = fixed_header
    yield prefix + header
    while True:
        piece = body.read(chunk_size)
        tag = TAG_MESSAGE if len(piece) == chunk_size else TAG_FINAL
        yield crypto_secretstream_xchacha20poly1305_push(state, piece, prefix, tag)
        if tag == TAG_FINAL:
            return


class _Unpadder:
    """Reads the padded body as it is decrypted: the 8-byte length, then L
    plaintext bytes (returned), then zeros up to padme(8 + L) (SPEC §21.4)."""

    def __init__(self) -> None:
        self._prefix = b""
        self._size = -1
        self._padded = -1
        self._position = 0  # bytes of the body seen, prefix included

    def feed(self, piece: bytes) -> bytes:
        out = bytearray()
        view = memoryview(piece)
        if self._size < 0:
            take = LENGTH_PREFIX_BYTES - len(self._prefix)
            self._prefix += bytes(view[:take])
            self._position += min(take, len(view))
            view = view[take:]
            if len(self._prefix) < LENGTH_PREFIX_BYTES:
                return b""
            size = int.from_bytes(self._prefix, "big")
            if size > CONTENT_SIZE_MAX:
                raise InvalidInputError("padded content names an impossible length")
            self._size, self._padded = size, padded_content_size(size)
        end = LENGTH_PREFIX_BYTES + self._size
        data = min(len(view), max(0, end - self._position))
        out += view[:data]
        padding = view[data:]
        if self._position + len(view) > self._padded:
            raise InvalidInputError("padded content is longer than padme(8 + L)")
        if any(padding):
            raise InvalidInputError("content padding must be zeros")
        self._position += len(view)
        return bytes(out)

    def finish(self) -> None:
        if self._size < 0 or self._position != self._padded:
            raise InvalidInputError("padded content is shorter than padme(8 + L)")


def _check_version(header: bytes) -> None:
    if header[:4] != MAGIC:
        raise UnsupportedVersionError("not a Coffre content stream (bad magic)")
    if header[4] != VERSION_V2:
        raise UnsupportedVersionError(f"unsupported content stream version {header[4]}")


def read_header_v2(header: bytes) -> int:
    """Check a 65-byte v2 header's magic, version and chunk size (SPEC §21.4
    steps 2 and 4); returns the chunk size."""
    _check_version(header)
    return _check_chunk_size(int.from_bytes(header[5:9], "big"))


def decrypt_stream_v2(doc_key: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decrypt a v2 stream given as pieces of any sizes, yielding plaintext
    (SPEC §21.4). Raises, while iterating: UnsupportedVersionError (magic or
    version), InvalidInputError (chunk size out of range, or authenticated
    content whose padding is not canonical), DecryptionError (a key that is not
    the committed one, tampering, truncation, reordering, splicing, appended
    data). On any error the consumer discards everything it received."""
    key = require_bytes(doc_key, "document key", 32)
    return _decrypt(key, _Reader(chunks))


def _decrypt(doc_key: bytes, reader: _Reader) -> Iterator[bytes]:
    header = reader.read(HEADER_BYTES_V2)
    if len(header) < 5:
        raise DecryptionError("stream is truncated: incomplete header")
    # Magic and version first (SPEC §21.4 step 2), so a v1 stream is named as such.
    _check_version(header)
    if len(header) < HEADER_BYTES_V2:
        raise DecryptionError("stream is truncated: incomplete header")
    chunk_size = read_header_v2(header)
    if not commits_to(doc_key, header[9:PREFIX_BYTES_V2]):
        raise DecryptionError("the stream commits to another document key")
    prefix = header[:PREFIX_BYTES_V2]
    state = crypto_secretstream_xchacha20poly1305_state()
    crypto_secretstream_xchacha20poly1305_init_pull(
        state, header[PREFIX_BYTES_V2:], content_key_v2(doc_key)
    )
    unpadder = _Unpadder()
    full = chunk_size + CHUNK_OVERHEAD
    while True:
        chunk = reader.read(full)
        if len(chunk) < CHUNK_OVERHEAD:
            raise DecryptionError("stream is truncated: no final chunk")
        try:
            piece, tag = crypto_secretstream_xchacha20poly1305_pull(state, chunk, prefix)
        except NaclCryptoError:
            raise DecryptionError("chunk does not authenticate: wrong key or tampered") from None
        if len(chunk) == full:
            if tag != TAG_MESSAGE:
                raise DecryptionError("full-size chunk must carry TAG_MESSAGE")
        elif tag != TAG_FINAL:
            raise DecryptionError("stream is truncated: last chunk is not final")
        plaintext = unpadder.feed(piece)
        if plaintext:
            yield plaintext
        if tag == TAG_FINAL:
            unpadder.finish()
            return


def encrypt_bytes_v2(
    doc_key: bytes,
    data: bytes,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    *,
    secretstream_header: bytes | None = None,
) -> bytes:
    """The whole v2 stream of an in-memory plaintext (SPEC §21)."""
    plaintext = require_bytes_like(data, "data")
    return b"".join(
        encrypt_stream_v2(
            doc_key,
            [plaintext],
            len(plaintext),
            chunk_size,
            secretstream_header=secretstream_header,
        )
    )


def decrypt_bytes_v2(doc_key: bytes, data: bytes) -> bytes:
    """The whole plaintext of an in-memory v2 stream, or an error and nothing."""
    return b"".join(decrypt_stream_v2(doc_key, [require_bytes_like(data, "data")]))
