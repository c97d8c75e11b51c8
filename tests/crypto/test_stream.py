"""Content streams (SPEC §8): round trips, every way a stream can be damaged,
all-or-nothing files, and constant memory."""

import hashlib
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

import crypto
from crypto.errors import (
    CryptoError,
    DecryptionError,
    InvalidInputError,
    UnsupportedVersionError,
)
from crypto.stream import CHUNK_OVERHEAD, HEADER_BYTES

DOC_KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CHUNK = 1024
PLAINTEXT = bytes(i % 253 for i in range(3 * CHUNK + 500))


def recut(data: bytes, size: int) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def split(stream: bytes) -> tuple[bytes, list[bytes]]:
    step = CHUNK + CHUNK_OVERHEAD
    body = stream[HEADER_BYTES:]
    return stream[:HEADER_BYTES], [body[i : i + step] for i in range(0, len(body), step)]


@pytest.fixture(scope="module")
def stream() -> bytes:
    return crypto.encrypt_bytes(DOC_KEY, PLAINTEXT, CHUNK)


def flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x80
    return bytes(out)


def tampered(s: bytes) -> bytes:
    header, chunks = split(s)
    return header + chunks[0] + flip(chunks[1], 10) + b"".join(chunks[2:])


def truncated(s: bytes) -> bytes:
    header, chunks = split(s)
    return header + b"".join(chunks[:-1])


def reordered(s: bytes) -> bytes:
    header, chunks = split(s)
    return header + chunks[1] + chunks[0] + b"".join(chunks[2:])


def duplicated(s: bytes) -> bytes:
    header, chunks = split(s)
    return header + chunks[0] + b"".join(chunks)


def wrong_version(s: bytes) -> bytes:
    return s[:4] + b"\x02" + s[5:]


def bad_magic(s: bytes) -> bytes:
    return b"PK\x03\x04" + s[4:]


DAMAGE: list[tuple[str, Callable[[bytes], bytes], bytes, type[CryptoError]]] = [
    ("tampered chunk", tampered, DOC_KEY, DecryptionError),
    ("missing final chunk", truncated, DOC_KEY, DecryptionError),
    ("stream cut mid-chunk", lambda s: s[:-5], DOC_KEY, DecryptionError),
    ("reordered chunks", reordered, DOC_KEY, DecryptionError),
    ("duplicated chunk", duplicated, DOC_KEY, DecryptionError),
    ("data after the final chunk", lambda s: s + b"\x00" * 40, DOC_KEY, DecryptionError),
    ("wrong key", lambda s: s, OTHER_KEY, DecryptionError),
    ("wrong version", wrong_version, DOC_KEY, UnsupportedVersionError),
    ("bad magic", bad_magic, DOC_KEY, UnsupportedVersionError),
]
DAMAGE_IDS = [d[0] for d in DAMAGE]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5000])
def test_plaintext_of_any_size_round_trips(size: int) -> None:
    plaintext = bytes(i % 7 for i in range(size))
    stream = crypto.encrypt_bytes(DOC_KEY, plaintext, CHUNK)
    assert len(stream) == crypto.ciphertext_size(size, CHUNK)
    assert crypto.decrypt_bytes(DOC_KEY, stream) == plaintext


def test_default_chunk_size_is_64_kib_and_written_in_the_header() -> None:
    stream = crypto.encrypt_bytes(DOC_KEY, b"x")
    assert stream[:9] == b"CFDC\x01\x00\x01\x00\x00"
    assert crypto.DEFAULT_CHUNK_SIZE == 65536


def test_chunks_are_cut_at_chunk_size_whatever_the_input_pieces() -> None:
    out = list(crypto.encrypt_stream(DOC_KEY, recut(PLAINTEXT, 333), CHUNK))
    assert [len(c) for c in out] == [33, 1041, 1041, 1041, 517]


def test_a_multiple_of_chunk_size_ends_with_an_empty_final_chunk() -> None:
    out = list(crypto.encrypt_stream(DOC_KEY, [bytes(2 * CHUNK)], CHUNK))
    assert [len(c) for c in out] == [33, 1041, 1041, 17]


@pytest.mark.parametrize("piece", [1, 17, 1041, 4096])
def test_decryption_accepts_the_stream_cut_into_any_pieces(stream: bytes, piece: int) -> None:
    assert b"".join(crypto.decrypt_stream(DOC_KEY, recut(stream, piece))) == PLAINTEXT


def test_input_pieces_may_be_bytearray_or_memoryview() -> None:
    pieces = [bytearray(b"abc"), memoryview(b"def")]
    stream = b"".join(crypto.encrypt_stream(DOC_KEY, pieces))  # type: ignore[arg-type]
    assert crypto.decrypt_bytes(DOC_KEY, stream) == b"abcdef"


def test_a_non_bytes_input_piece_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        list(crypto.encrypt_stream(DOC_KEY, ["text"]))  # type: ignore[list-item]


@pytest.mark.parametrize("chunk_size", [1023, 4 * 1024 * 1024 + 1, 0, -1])
def test_chunk_size_outside_the_allowed_range_is_refused_before_reading(chunk_size: int) -> None:
    def never_read() -> Iterator[bytes]:
        raise AssertionError("input must not be read")
        yield b""

    with pytest.raises(InvalidInputError):
        crypto.encrypt_stream(DOC_KEY, never_read(), chunk_size)


def test_a_document_key_of_the_wrong_size_is_refused_before_reading() -> None:
    with pytest.raises(InvalidInputError):
        crypto.decrypt_stream(DOC_KEY[:16], [b""])
    with pytest.raises(InvalidInputError):
        crypto.encrypt_stream(DOC_KEY + b"x", [b""])


def test_ciphertext_size_counts_header_and_one_tag_per_chunk() -> None:
    assert crypto.ciphertext_size(0) == 33 + 17
    assert crypto.ciphertext_size(65536) == 33 + 65536 + 2 * 17
    assert crypto.ciphertext_size(50 * 1024 * 1024) == 33 + 50 * 1024 * 1024 + 801 * 17


def test_a_fresh_header_makes_two_encryptions_of_the_same_document_differ() -> None:
    assert crypto.encrypt_bytes(DOC_KEY, b"same") != crypto.encrypt_bytes(DOC_KEY, b"same")


@pytest.mark.parametrize(("label", "damage", "key", "error"), DAMAGE, ids=DAMAGE_IDS)
def test_damaged_stream_raises_one_clear_error_and_returns_nothing(
    stream: bytes,
    label: str,
    damage: Callable[[bytes], bytes],
    key: bytes,
    error: type[CryptoError],
) -> None:
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt_bytes(key, damage(stream))
    assert type(caught.value) is error


@pytest.mark.parametrize(("label", "damage", "key", "error"), DAMAGE, ids=DAMAGE_IDS)
def test_damaged_stream_leaves_no_file_at_all(
    stream: bytes,
    tmp_path: Path,
    label: str,
    damage: Callable[[bytes], bytes],
    key: bytes,
    error: type[CryptoError],
) -> None:
    dest = tmp_path / "avis.pdf"
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt_to_file(key, recut(damage(stream), 500), dest)
    assert type(caught.value) is error
    assert list(tmp_path.iterdir()) == []


def test_failed_decryption_leaves_an_existing_destination_untouched(
    stream: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "avis.pdf"
    dest.write_bytes(b"previous version")
    with pytest.raises(DecryptionError):
        crypto.decrypt_to_file(DOC_KEY, [truncated(stream)], dest)
    assert dest.read_bytes() == b"previous version"
    assert list(tmp_path.iterdir()) == [dest]


def test_decrypt_to_file_writes_the_whole_verified_plaintext(stream: bytes, tmp_path: Path) -> None:
    dest = tmp_path / "avis.pdf"
    assert crypto.decrypt_to_file(DOC_KEY, recut(stream, 700), dest) == len(PLAINTEXT)
    assert dest.read_bytes() == PLAINTEXT
    assert list(tmp_path.iterdir()) == [dest]
    assert dest.stat().st_mode & 0o077 == 0


def test_decrypt_stream_may_yield_unverified_plaintext_before_failing(stream: bytes) -> None:
    received = []
    with pytest.raises(DecryptionError):
        for piece in crypto.decrypt_stream(DOC_KEY, [truncated(stream)]):
            received.append(piece)
    assert received  # why the consumer must discard, and why decrypt_to_file exists


def test_an_input_shorter_than_the_header_is_truncated() -> None:
    with pytest.raises(DecryptionError):
        crypto.decrypt_bytes(DOC_KEY, b"CFDC\x01")


def test_a_chunk_size_outside_the_range_in_a_header_is_refused(stream: bytes) -> None:
    bad = stream[:5] + (8 * 1024 * 1024).to_bytes(4, "big") + stream[9:]
    with pytest.raises(InvalidInputError):
        crypto.decrypt_bytes(DOC_KEY, bad)


def pattern(total: int, piece: int) -> Iterator[bytes]:
    block = bytes(i % 251 for i in range(piece))
    sent = 0
    while sent < total:
        n = min(piece, total - sent)
        yield block[:n]
        sent += n


def sha256_of(pieces: Iterable[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for piece in pieces:
        digest.update(piece)
        size += len(piece)
    return digest.hexdigest(), size


def test_a_50_mb_document_streams_through_in_bounded_memory() -> None:
    total = 50 * 1024 * 1024
    expected = sha256_of(pattern(total, 100_003))
    tracemalloc.start()
    try:
        ciphertext = crypto.encrypt_stream(DOC_KEY, pattern(total, 100_003))
        plaintext = crypto.decrypt_stream(DOC_KEY, ciphertext)
        result = sha256_of(plaintext)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result == expected
    assert peak < 4 * 1024 * 1024
