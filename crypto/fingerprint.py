"""Human-comparable fingerprints of public keys (SPEC §12)."""

from typing import Final

from nacl.bindings import crypto_generichash_blake2b_salt_personal

from crypto._checks import require_bytes
from crypto.purposes import FINGERPRINT_PREFIX

PUBLIC_KEY_BYTES: Final = 32
DIGITS: Final = 24
GROUP: Final = 4


def fingerprint(public_key: bytes) -> str:
    """24 decimal digits in 6 groups of 4, e.g. "0123 4567 8901 2345 6789 0123".

    n = big-endian integer of the first 10 bytes of
    BLAKE2b-256(b"coffre/v1/fingerprint\\n" || public_key); digits = n mod 10**24,
    zero-padded to 24 digits (SPEC §12).
    """
    key = require_bytes(public_key, "public key", PUBLIC_KEY_BYTES)
    digest = crypto_generichash_blake2b_salt_personal(FINGERPRINT_PREFIX + key, digest_size=32)
    digits = str(int.from_bytes(digest[:10], "big") % 10**DIGITS).zfill(DIGITS)
    return " ".join(digits[i : i + GROUP] for i in range(0, DIGITS, GROUP))
