"""Subkey derivation: one keyed BLAKE2b call per purpose (SPEC §2)."""

from nacl.bindings import crypto_generichash_blake2b_salt_personal

from crypto._checks import require_bytes_like
from crypto.errors import InvalidInputError
from crypto.purposes import ALL_PURPOSES, V2_PURPOSES

SUBKEY_BYTES = 32
PARENT_MIN_BYTES = 16
PARENT_MAX_BYTES = 64
_KNOWN_PURPOSES = frozenset(ALL_PURPOSES + V2_PURPOSES)  # v1 (SPEC §2) and v2 (SPEC §19, §20)


def subkey(parent: bytes, purpose: str) -> bytes:
    """Derive a 32-byte subkey of `parent` for `purpose` (SPEC §2).

    subkey = BLAKE2b-256(key = parent, message = UTF-8(purpose)), i.e. libsodium
    `crypto_generichash(32, purpose, parent)`. Only the purposes listed in
    `crypto.purposes` are accepted, so a typo cannot silently make a new key.
    """
    key = require_bytes_like(parent, "parent key")
    if not PARENT_MIN_BYTES <= len(key) <= PARENT_MAX_BYTES:
        raise InvalidInputError(
            f"parent key must be {PARENT_MIN_BYTES}..{PARENT_MAX_BYTES} bytes, got {len(key)}"
        )
    if purpose not in _KNOWN_PURPOSES:
        raise InvalidInputError("unknown subkey purpose")
    # Empty salt and personalisation are zero-filled, which is exactly
    # crypto_generichash (the BLAKE2b parameter block has zero salt/personal).
    return crypto_generichash_blake2b_salt_personal(
        purpose.encode("utf-8"), digest_size=SUBKEY_BYTES, key=key
    )
