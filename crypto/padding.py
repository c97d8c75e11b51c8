"""Format v2 padding (SPEC §21.2, §22): Padmé for content, buckets for metadata.

Content: the stream carries `uint64be(L) || plaintext || zeros` whose length is
padme(8 + L) (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files
and Communication with PURBs", PoPETs 2019, §4): the server learns a length
rounded so that at most O(log log L) bits of L leak, for at most ~12 % more bytes.

Metadata: the canonical JSON is padded with libsodium's `sodium_pad`
(ISO/IEC 7816-4: 0x80 then zeros) to the smallest of 256, 512 or 1024 bytes.
"""

from typing import Final

from nacl.bindings import sodium_pad, sodium_unpad
from nacl.exceptions import CryptoError as NaclCryptoError

from crypto._checks import require_bytes_like, require_int
from crypto.errors import InvalidInputError

LENGTH_PREFIX_BYTES: Final = 8  # uint64be(L) opens the padded content (SPEC §21.2)
CONTENT_SIZE_MAX: Final = 2**50  # 1 PiB: padded sizes stay below 2^53 (JavaScript numbers)
METADATA_BUCKETS: Final = (256, 512, 1024)


def padme(length: int) -> int:
    """Padmé: round `length` (≥ 2) up, clearing its E − S low bits, where
    E = floor(log2 length) and S = floor(log2 E) + 1 (SPEC §21.2)."""
    n = require_int(length, "length")
    if n < 2:
        raise InvalidInputError("padme is defined for lengths of 2 or more")
    e = n.bit_length() - 1  # floor(log2 n)
    s = e.bit_length()  # floor(log2 e) + 1
    mask = (1 << (e - s)) - 1
    return (n + mask) & ~mask


def padded_content_size(plaintext_size: int) -> int:
    """padme(8 + L): the length of the padded content a v2 stream encrypts."""
    size = require_int(plaintext_size, "plaintext_size")
    if not 0 <= size <= CONTENT_SIZE_MAX:
        raise InvalidInputError(f"plaintext size must be 0..{CONTENT_SIZE_MAX}")
    return padme(LENGTH_PREFIX_BYTES + size)


def metadata_bucket(json_size: int) -> int:
    """The smallest bucket holding `json_size` bytes and the 0x80 marker."""
    for bucket in METADATA_BUCKETS:
        if json_size + 1 <= bucket:
            return bucket
    raise InvalidInputError("metadata is too long for the largest bucket (1024 bytes)")


def pad_metadata(plaintext: bytes) -> bytes:
    """sodium_pad(plaintext, bucket): exactly `bucket` bytes (SPEC §22)."""
    data = require_bytes_like(plaintext, "metadata plaintext")
    return bytes(sodium_pad(data, metadata_bucket(len(data))))


def unpad_metadata(padded: bytes) -> bytes:
    """Inverse of pad_metadata; InvalidInputError unless the padded length is
    a bucket, the padding is 0x80 then zeros, and the bucket is the smallest
    that fits (one encoding per value, SPEC §22)."""
    data = require_bytes_like(padded, "padded metadata")
    if len(data) not in METADATA_BUCKETS:
        raise InvalidInputError("padded metadata must be 256, 512 or 1024 bytes")
    try:
        plaintext = bytes(sodium_unpad(data, len(data)))
    except NaclCryptoError:
        raise InvalidInputError("metadata padding is not 0x80 followed by zeros") from None
    if metadata_bucket(len(plaintext)) != len(data):
        raise InvalidInputError("metadata is padded beyond its smallest bucket")
    return plaintext
