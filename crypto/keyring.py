"""An account's two key pairs (X25519 box, Ed25519 sign) and their wrapping
under the master key (SPEC §6)."""

import hmac
from dataclasses import dataclass, field
from typing import Final

from nacl.bindings import crypto_box_keypair, crypto_scalarmult_base, crypto_sign_seed_keypair
from nacl.utils import random

from crypto import aead, purposes
from crypto._checks import require_bytes
from crypto.errors import DecryptionError
from crypto.master_key import MASTER_KEY_BYTES
from crypto.subkeys import subkey

KEY_BYTES: Final = 32
KEYRING_PLAINTEXT_BYTES: Final = 64  # box_secret || sign_seed
WRAPPED_KEYRING_BYTES: Final = aead.OVERHEAD + KEYRING_PLAINTEXT_BYTES  # 105


@dataclass(frozen=True)
class AccountKeys:
    """An account's key pairs (SPEC §6). repr shows only the public keys."""

    box_public: bytes
    box_secret: bytes = field(repr=False)
    sign_public: bytes
    sign_seed: bytes = field(repr=False)


def account_keys_from_secrets(box_secret: bytes, sign_seed: bytes) -> AccountKeys:
    """Rebuild both key pairs from their 32-byte secrets (SPEC §6).

    box_public = crypto_scalarmult_base(box_secret);
    sign_public = crypto_sign_seed_keypair(sign_seed).publicKey.
    """
    box_sk = require_bytes(box_secret, "box secret", KEY_BYTES)
    seed = require_bytes(sign_seed, "sign seed", KEY_BYTES)
    sign_pk, _ = crypto_sign_seed_keypair(seed)
    return AccountKeys(
        box_public=crypto_scalarmult_base(box_sk),
        box_secret=box_sk,
        sign_public=sign_pk,
        sign_seed=seed,
    )


def generate_account_keys() -> AccountKeys:
    """Two independent fresh key pairs: crypto_box_keypair, and an Ed25519 pair
    from 32 random seed bytes (SPEC §6)."""
    _, box_secret = crypto_box_keypair()
    return account_keys_from_secrets(box_secret, random(KEY_BYTES))


def _ad(box_public: bytes, sign_public: bytes) -> bytes:
    box_pk = require_bytes(box_public, "box public key", KEY_BYTES)
    sign_pk = require_bytes(sign_public, "sign public key", KEY_BYTES)
    return purposes.AD_KEYRING_PREFIX + box_pk + sign_pk


def wrap_keyring(keys: AccountKeys, master_key: bytes, *, nonce: bytes | None = None) -> bytes:
    """105-byte blob: 0x01 || nonce || AEAD(box_secret || sign_seed) under
    subkey(master_key, "coffre/v1/keyring"), ad = "coffre/v1/keyring" ||
    box_public || sign_public (SPEC §6)."""
    master = require_bytes(master_key, "master key", MASTER_KEY_BYTES)
    plaintext = require_bytes(keys.box_secret, "box secret", KEY_BYTES) + require_bytes(
        keys.sign_seed, "sign seed", KEY_BYTES
    )
    ad = _ad(keys.box_public, keys.sign_public)
    return aead.seal_blob(subkey(master, purposes.KEYRING), plaintext, ad, nonce=nonce)


def unwrap_keyring(
    blob: bytes, master_key: bytes, box_public: bytes, sign_public: bytes
) -> AccountKeys:
    """Inverse of wrap_keyring; also checks that the secrets match the public
    keys (DecryptionError otherwise) (SPEC §6)."""
    master = require_bytes(master_key, "master key", MASTER_KEY_BYTES)
    ad = _ad(box_public, sign_public)
    plaintext = aead.open_blob(
        subkey(master, purposes.KEYRING), blob, ad, plaintext_bytes=KEYRING_PLAINTEXT_BYTES
    )
    keys = account_keys_from_secrets(plaintext[:KEY_BYTES], plaintext[KEY_BYTES:])
    matches_box = hmac.compare_digest(keys.box_public, bytes(box_public))
    matches_sign = hmac.compare_digest(keys.sign_public, bytes(sign_public))
    if not (matches_box and matches_sign):
        raise DecryptionError("keyring secrets do not match the account's public keys")
    return keys
