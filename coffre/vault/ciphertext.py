"""A structural check of an uploaded content stream, made while it streams through.

The server cannot decrypt (SPEC §8), but it can refuse what is not a v1 stream:
wrong magic or version, an out-of-range chunk size, a length that no v1 stream
can have, or more bytes than the configured limit. The check raises inside the
stream, so the object store aborts the write and keeps nothing.
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


def parse_prefix(prefix: bytes) -> int:
    """Return the chunk size announced by a v1 stream prefix, or raise."""
    if len(prefix) < PREFIX_SIZE or prefix[:4] != MAGIC or prefix[4] != VERSION:
        raise InvalidCiphertext()
    chunk_size = int.from_bytes(prefix[5:9], "big")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise InvalidCiphertext()
    return chunk_size


def is_possible_length(total: int, chunk_size: int) -> bool:
    """Whether ``total`` bytes can be a whole v1 stream with this chunk size."""
    body = total - HEADER_SIZE - CHUNK_OVERHEAD
    if body < 0:
        return False
    return body % (chunk_size + CHUNK_OVERHEAD) <= chunk_size


def checked_stream(chunks: Iterable[bytes], max_bytes: int) -> Iterator[bytes]:
    """Pass ``chunks`` through, raising as soon as the stream cannot be a valid upload."""
    total = 0
    prefix = b""
    chunk_size = 0
    for chunk in chunks:
        if not chunk:
            continue
        total += len(chunk)
        if total > max_bytes:
            raise DocumentTooLarge()
        if not chunk_size:
            prefix += chunk[: PREFIX_SIZE - len(prefix)]
            if len(prefix) == PREFIX_SIZE:
                chunk_size = parse_prefix(prefix)
        yield chunk
    if not chunk_size or not is_possible_length(total, chunk_size):
        raise InvalidCiphertext()
