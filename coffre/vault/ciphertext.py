"""A structural check of an uploaded content stream, made while it streams through.

The server cannot decrypt (SPEC §8, §21), but it can refuse what is not a stream of
the expected version (v1 or v2): wrong magic or version, an out-of-range chunk
size, a length that no such stream can have, or more bytes than the configured
limit. The check raises inside the stream, so the object store aborts the write and
keeps nothing. It also keeps the stream's header (33 or 65 bytes), whose hash a v2
binding names (SPEC §24.1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from coffre.vault.errors import DocumentTooLarge, InvalidCiphertext

MAGIC = b"CFDC"
VERSION = 1
PREFIX_SIZE = 9  # magic (4) + version (1) + chunk size (4), SPEC §8
HEADER_SIZE = PREFIX_SIZE + 24  # + secretstream header
CHUNK_OVERHEAD = 17  # secretstream ABYTES
MIN_CHUNK_SIZE = 1024
MAX_CHUNK_SIZE = 4 * 1024 * 1024
MIN_STREAM_SIZE = HEADER_SIZE + CHUNK_OVERHEAD  # an empty document
VERSION_V2 = 2
HEADER_SIZE_V2 = PREFIX_SIZE + 32 + 24  # + key commitment + secretstream header, SPEC §21
HEADER_SIZES = {VERSION: HEADER_SIZE, VERSION_V2: HEADER_SIZE_V2}


def parse_prefix(prefix: bytes, version: int = VERSION) -> int:
    """Return the chunk size announced by a stream prefix of ``version``, or raise."""
    if len(prefix) < PREFIX_SIZE or prefix[:4] != MAGIC or prefix[4] != version:
        raise InvalidCiphertext()
    chunk_size = int.from_bytes(prefix[5:9], "big")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise InvalidCiphertext()
    return chunk_size


def is_possible_length(total: int, chunk_size: int, version: int = VERSION) -> bool:
    """Whether ``total`` bytes can be a whole stream of ``version`` with this chunk size
    (v2's padded body is chunked as v1's, SPEC §21.3)."""
    body = total - HEADER_SIZES[version] - CHUNK_OVERHEAD
    if body < 0:
        return False
    return body % (chunk_size + CHUNK_OVERHEAD) <= chunk_size


def checked_stream(
    chunks: Iterable[bytes],
    max_bytes: int,
    *,
    version: int = VERSION,
    header: bytearray | None = None,
) -> Iterator[bytes]:
    """Pass ``chunks`` through, raising as soon as the stream cannot be a valid upload
    of ``version``; ``header``, if given, receives the stream's header bytes."""
    total = 0
    prefix = b""
    chunk_size = 0
    wanted = HEADER_SIZES[version]
    for chunk in chunks:
        if not chunk:
            continue
        if header is not None and len(header) < wanted:
            header += chunk[: wanted - len(header)]
        total += len(chunk)
        if total > max_bytes:
            raise DocumentTooLarge()
        if not chunk_size:
            prefix += chunk[: PREFIX_SIZE - len(prefix)]
            if len(prefix) == PREFIX_SIZE:
                chunk_size = parse_prefix(prefix, version)
        yield chunk
    if not chunk_size or not is_possible_length(total, chunk_size, version):
        raise InvalidCiphertext()
