"""The account master key and its two wrappings, by passphrase and by recovery
secret (SPEC §5)."""

from typing import Final, Literal

from nacl.utils import random

from crypto import aead
from crypto._checks import require_bytes
from crypto.errors import InvalidInputError
from crypto.purposes import AD_MASTER_KEY_PASSPHRASE, AD_MASTER_KEY_RECOVERY

MASTER_KEY_BYTES: Final = 32
WRAPPED_MASTER_KEY_BYTES: Final = aead.OVERHEAD + MASTER_KEY_BYTES  # 73

Wrapper = Literal["passphrase", "recovery"]
_AD: Final[dict[str, bytes]] = {
    "passphrase": AD_MASTER_KEY_PASSPHRASE,
    "recovery": AD_MASTER_KEY_RECOVERY,
}


def _ad(which: str) -> bytes:
    try:
        return _AD[which]
    except (KeyError, TypeError):
        raise InvalidInputError('which must be "passphrase" or "recovery"') from None


def new_master_key() -> bytes:
    """32 random bytes (SPEC §5)."""
    return random(MASTER_KEY_BYTES)


def wrap_master_key(
    master_key: bytes, wrap_key: bytes, which: Wrapper, *, nonce: bytes | None = None
) -> bytes:
    """73-byte blob: 0x01 || nonce || AEAD(master_key, ad, nonce, wrap_key) (SPEC §5)."""
    ad = _ad(which)
    key = require_bytes(master_key, "master key", MASTER_KEY_BYTES)
    return aead.seal_blob(wrap_key, key, ad, nonce=nonce)


def unwrap_master_key(blob: bytes, wrap_key: bytes, which: Wrapper) -> bytes:
    """Inverse of wrap_master_key; DecryptionError on a wrong key or tampering (SPEC §5)."""
    return aead.open_blob(wrap_key, blob, _ad(which), plaintext_bytes=MASTER_KEY_BYTES)
