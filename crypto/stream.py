"""Document contents as a chunked XChaCha20-Poly1305 secretstream (SPEC §8).

Stream layout:

    header = "CFDC" || 0x01 || uint32be(chunk_size) || secretstream header (24)   (33 bytes)
    chunk_i = crypto_secretstream_xchacha20poly1305_push(state, plaintext_i,
                                                         ad = header[0:9], tag)

Every chunk but the last holds exactly chunk_size plaintext bytes and carries
TAG_MESSAGE; the last holds 0..chunk_size-1 bytes and carries TAG_FINAL. Memory
use is one chunk at a time whatever the document size.

`decrypt_stream` yields plaintext before the end of the stream is verified: a
consumer MUST discard everything it received if an error is raised.
`decrypt_to_file` does that for you.
"""

import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

from nacl.bindings import (
    crypto_secretstream_xchacha20poly1305_ABYTES,
    crypto_secretstream_xchacha20poly1305_HEADERBYTES,
    crypto_secretstream_xchacha20poly1305_init_pull,
    crypto_secretstream_xchacha20poly1305_init_push,
    crypto_secretstream_xchacha20poly1305_pull,
    crypto_secretstream_xchacha20poly1305_push,
    crypto_secretstream_xchacha20poly1305_state,
    crypto_secretstream_xchacha20poly1305_TAG_FINAL,
    crypto_secretstream_xchacha20poly1305_TAG_MESSAGE,
)
from nacl.exceptions import CryptoError as NaclCryptoError

from crypto._checks import require_bytes_like, require_int
from crypto.document_key import content_key
from crypto.errors import DecryptionError, InvalidInputError, UnsupportedVersionError

MAGIC: Final = b"CFDC"
VERSION: Final = 0x01
PREFIX_BYTES: Final = 9  # magic (4) || version (1) || chunk_size (4)
HEADER_BYTES: Final = PREFIX_BYTES + crypto_secretstream_xchacha20poly1305_HEADERBYTES  # 33
CHUNK_OVERHEAD: Final = crypto_secretstream_xchacha20poly1305_ABYTES  # 17
DEFAULT_CHUNK_SIZE: Final = 65536
CHUNK_SIZE_MIN: Final = 1024
CHUNK_SIZE_MAX: Final = 4 * 1024 * 1024
TAG_MESSAGE: Final = crypto_secretstream_xchacha20poly1305_TAG_MESSAGE  # 0
TAG_FINAL: Final = crypto_secretstream_xchacha20poly1305_TAG_FINAL  # 3


def _check_chunk_size(chunk_size: object) -> int:
    size = require_int(chunk_size, "chunk_size")
    if not CHUNK_SIZE_MIN <= size <= CHUNK_SIZE_MAX:
        raise InvalidInputError(f"chunk_size must be {CHUNK_SIZE_MIN}..{CHUNK_SIZE_MAX}")
    return size


def ciphertext_size(plaintext_size: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> int:
    """Exact stream length for a plaintext length (SPEC §8):
    33 + plaintext_size + 17 * (plaintext_size // chunk_size + 1)."""
    size = require_int(plaintext_size, "plaintext_size")
    if size < 0:
        raise InvalidInputError("plaintext_size must not be negative")
    chunks = size // _check_chunk_size(chunk_size) + 1
    return HEADER_BYTES + size + CHUNK_OVERHEAD * chunks


class _Reader:
    """Re-cuts an iterable of byte strings of any sizes into reads of exact sizes."""

    def __init__(self, pieces: Iterable[bytes]) -> None:
        self._pieces = iter(pieces)
        self._pending = memoryview(b"")

    def read(self, n: int) -> bytes:
        """Exactly `n` bytes, or fewer only once the input is exhausted."""
        if len(self._pending) >= n:
            out = bytes(self._pending[:n])
            self._pending = self._pending[n:]
            return out
        buf = bytearray(self._pending)
        self._pending = memoryview(b"")
        while len(buf) < n:
            piece = next(self._pieces, None)
            if piece is None:
                break
            view = memoryview(require_bytes_like(piece, "stream piece"))
            take = n - len(buf)
            buf += view[:take]
            self._pending = view[take:]
        return bytes(buf)


def encrypt_stream(
    doc_key: bytes, chunks: Iterable[bytes], chunk_size: int = DEFAULT_CHUNK_SIZE
) -> Iterator[bytes]:
    """Encrypt plaintext pieces of any sizes (SPEC §8).

    Yields the 33-byte header, then one ciphertext chunk (plaintext + 17 bytes)
    per chunk_size bytes of plaintext, the last one final. Arguments are
    checked now; the input is read lazily.
    """
    key = content_key(doc_key)
    size = _check_chunk_size(chunk_size)
    return _encrypt(key, _Reader(chunks), size)


def _encrypt(key: bytes, reader: _Reader, chunk_size: int) -> Iterator[bytes]:
    prefix = MAGIC + bytes([VERSION]) + chunk_size.to_bytes(4, "big")
    state = crypto_secretstream_xchacha20poly1305_state()
    yield prefix + crypto_secretstream_xchacha20poly1305_init_push(state, key)
    while True:
        plaintext = reader.read(chunk_size)
        # A full chunk is never final: a plaintext that is a multiple of
        # chunk_size (including empty) ends with an empty final chunk.
        tag = TAG_MESSAGE if len(plaintext) == chunk_size else TAG_FINAL
        yield crypto_secretstream_xchacha20poly1305_push(state, plaintext, prefix, tag)
        if tag == TAG_FINAL:
            return


def decrypt_stream(doc_key: bytes, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Decrypt a stream given as pieces of any sizes, yielding plaintext chunk
    by chunk (SPEC §8).

    Raises, while iterating: UnsupportedVersionError (wrong magic or version),
    InvalidInputError (chunk_size out of range), DecryptionError (wrong key,
    tampering, truncation, reordering, duplication, misplaced final tag).
    Plaintext already yielded is unverified until iteration ends without
    error: on an error the consumer must discard all of it.
    """
    return _decrypt(content_key(doc_key), _Reader(chunks))


def _decrypt(key: bytes, reader: _Reader) -> Iterator[bytes]:
    header = reader.read(HEADER_BYTES)
    if len(header) < HEADER_BYTES:
        raise DecryptionError("stream is truncated: incomplete header")
    if header[:4] != MAGIC:
        raise UnsupportedVersionError("not a Coffre content stream (bad magic)")
    if header[4] != VERSION:
        raise UnsupportedVersionError(f"unsupported content stream version {header[4]}")
    chunk_size = _check_chunk_size(int.from_bytes(header[5:PREFIX_BYTES], "big"))
    prefix = header[:PREFIX_BYTES]
    state = crypto_secretstream_xchacha20poly1305_state()
    crypto_secretstream_xchacha20poly1305_init_pull(state, header[PREFIX_BYTES:], key)
    full = chunk_size + CHUNK_OVERHEAD
    while True:
        chunk = reader.read(full)
        if len(chunk) < CHUNK_OVERHEAD:
            raise DecryptionError("stream is truncated: no final chunk")
        try:
            plaintext, tag = crypto_secretstream_xchacha20poly1305_pull(state, chunk, prefix)
        except NaclCryptoError:
            raise DecryptionError("chunk does not authenticate: wrong key or tampered") from None
        if len(chunk) == full:
            if tag != TAG_MESSAGE:
                raise DecryptionError("full-size chunk must carry TAG_MESSAGE")
            yield plaintext
            continue
        if tag != TAG_FINAL:
            raise DecryptionError("stream is truncated: last chunk is not final")
        if plaintext:
            yield plaintext
        return


def encrypt_bytes(doc_key: bytes, data: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> bytes:
    """The whole stream for an in-memory plaintext (SPEC §8)."""
    return b"".join(encrypt_stream(doc_key, [require_bytes_like(data, "data")], chunk_size))


def decrypt_bytes(doc_key: bytes, data: bytes) -> bytes:
    """The whole plaintext of an in-memory stream, or an error and nothing (SPEC §8)."""
    return b"".join(decrypt_stream(doc_key, [require_bytes_like(data, "data")]))


def decrypt_to_file(doc_key: bytes, chunks: Iterable[bytes], dest: Path) -> int:
    """Decrypt into `dest`, which appears only once the whole stream is verified.

    Writes to a temporary file (mode 0600) in dest's directory, fsyncs it, and
    renames it over `dest` only after the final tag has been verified; on any
    error the temporary file is deleted and `dest` is left untouched. Returns
    the plaintext size.
    """
    return write_verified(decrypt_stream(doc_key, chunks), dest)


def write_verified(plaintext: Iterable[bytes], dest: Path) -> int:
    """Write `plaintext` to `dest` only if it ends without error (SPEC §8.2): a
    temporary file (0600) in dest's directory, fsynced and renamed at the end,
    removed on any error. Returns the size written."""
    dest = Path(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=".coffre-", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        total = 0
        with os.fdopen(fd, "wb") as out:
            for piece in plaintext:
                out.write(piece)
                total += len(piece)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_directory(dest.parent)
    return total


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable (POSIX); directories cannot be opened on Windows."""
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
