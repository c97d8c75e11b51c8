"""Recovery through a trusted contact (SPEC §28).

The person's client draws a contact-recovery key ``K`` (32 random bytes) and:

- wraps the master key under ``subkey(K, "coffre/v2/contact-wrap")`` (the §5.1 blob,
  associated data ``"coffre/v2/master-key/contact"``);
- derives the authenticator ``subkey(K, "coffre/v2/contact-auth")``, whose SHA-256 the
  server keeps to check the final reset;
- splits ``K = contact_share XOR server_share`` with ``server_share`` random, seals
  ``contact_share`` (§10 ``crypto_box_seal``) to the X25519 form of the contact's
  pinned Ed25519 sign key (libsodium ``crypto_sign_ed25519_pk_to_curve25519``), and
  hands ``server_share`` to the server, which releases it to the contact only after
  the waiting period passed without a refusal.

Neither share alone says anything about ``K`` (a one-time pad of a random key).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Final

from nacl.bindings import (
    crypto_box_seal,
    crypto_box_seal_open,
    crypto_box_SEALBYTES,
    crypto_sign_ed25519_pk_to_curve25519,
    crypto_sign_ed25519_sk_to_curve25519,
    crypto_sign_seed_keypair,
)
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.utils import random

from crypto import aead
from crypto._checks import require_bytes
from crypto.errors import DecryptionError, InvalidInputError
from crypto.master_key import MASTER_KEY_BYTES
from crypto.purposes import AD_MASTER_KEY_CONTACT_V2, CONTACT_AUTH_V2, CONTACT_WRAP_V2
from crypto.subkeys import subkey

CONTACT_KEY_BYTES: Final = 32
SHARE_BYTES: Final = 32
SEALED_SHARE_BYTES: Final = SHARE_BYTES + crypto_box_SEALBYTES  # 80
WRAPPED_CONTACT_BYTES: Final = aead.OVERHEAD + MASTER_KEY_BYTES  # 73
SIGN_KEY_BYTES: Final = 32


@dataclass(frozen=True)
class ContactArrangement:
    """What naming a contact produces (SPEC §28.2). ``key`` never leaves the person's
    client; the three others go to the server (the sealed share for the contact)."""

    key: bytes = field(repr=False)
    wrapped_master_key: bytes
    auth_key: bytes = field(repr=False)
    server_share: bytes = field(repr=False)
    sealed_share: bytes


def contact_wrap_key(key: bytes) -> bytes:
    """subkey(K, "coffre/v2/contact-wrap") (SPEC §28.1)."""
    return subkey(require_bytes(key, "contact-recovery key", CONTACT_KEY_BYTES), CONTACT_WRAP_V2)


def contact_auth_key(key: bytes) -> bytes:
    """subkey(K, "coffre/v2/contact-auth") (SPEC §28.1)."""
    return subkey(require_bytes(key, "contact-recovery key", CONTACT_KEY_BYTES), CONTACT_AUTH_V2)


def auth_hash(auth_key: bytes) -> bytes:
    """SHA-256 of the authenticator: what the server keeps (SPEC §28.2)."""
    return hashlib.sha256(require_bytes(auth_key, "contact authenticator", 32)).digest()


def contact_seal_public(contact_sign_public: bytes) -> bytes:
    """The X25519 key the contact's share is sealed to: the Montgomery form of their
    pinned Ed25519 sign key (SPEC §28.1). Invalid input for a key libsodium refuses."""
    public = require_bytes(contact_sign_public, "contact sign public key", SIGN_KEY_BYTES)
    try:
        return crypto_sign_ed25519_pk_to_curve25519(public)
    except NaclCryptoError:
        raise InvalidInputError("contact sign key is not a usable Ed25519 key") from None


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def wrap_master_key_for_contact(
    master_key: bytes, key: bytes, *, nonce: bytes | None = None
) -> bytes:
    """73-byte §5.1 blob of the master key under the contact wrap key (SPEC §28.2)."""
    master = require_bytes(master_key, "master key", MASTER_KEY_BYTES)
    return aead.seal_blob(contact_wrap_key(key), master, AD_MASTER_KEY_CONTACT_V2, nonce=nonce)


def name_contact(
    master_key: bytes,
    contact_sign_public: bytes,
    *,
    key: bytes | None = None,
    server_share: bytes | None = None,
    nonce: bytes | None = None,
) -> ContactArrangement:
    """Everything naming a contact needs (SPEC §28.2). ``key``, ``server_share`` and
    ``nonce`` are for test vectors only."""
    k = random(CONTACT_KEY_BYTES) if key is None else require_bytes(key, "key", 32)
    server = (
        random(SHARE_BYTES)
        if server_share is None
        else require_bytes(server_share, "server share", SHARE_BYTES)
    )
    seal_to = contact_seal_public(contact_sign_public)
    try:
        sealed = crypto_box_seal(_xor(k, server), seal_to)
    except NaclCryptoError:
        raise InvalidInputError("contact sign key is not a usable X25519 key") from None
    return ContactArrangement(
        key=k,
        wrapped_master_key=wrap_master_key_for_contact(master_key, k, nonce=nonce),
        auth_key=contact_auth_key(k),
        server_share=server,
        sealed_share=sealed,
    )


def rebuild_contact_key(
    sealed_share: bytes, server_share: bytes, contact_sign_seed: bytes
) -> bytes:
    """K from the contact's sealed share (opened with the X25519 form of their sign
    key) and the share the server released (SPEC §28.3)."""
    sealed = require_bytes(sealed_share, "sealed share", SEALED_SHARE_BYTES)
    server = require_bytes(server_share, "server share", SHARE_BYTES)
    seed = require_bytes(contact_sign_seed, "contact sign seed", 32)
    sign_public, sign_secret = crypto_sign_seed_keypair(seed)
    box_public = crypto_sign_ed25519_pk_to_curve25519(sign_public)
    box_secret = crypto_sign_ed25519_sk_to_curve25519(sign_secret)
    try:
        share = crypto_box_seal_open(sealed, box_public, box_secret)
    except NaclCryptoError:
        raise DecryptionError("sealed share does not open: wrong key or tampered") from None
    if len(share) != SHARE_BYTES:  # unreachable for an 80-byte input; kept as a guard
        raise DecryptionError("sealed share has the wrong length")
    return _xor(share, server)


def open_master_key_for_contact(key: bytes, wrapped_master_key: bytes) -> bytes:
    """The master key from its contact wrapping; DecryptionError for another key
    (a wrong share) or a tampered blob (SPEC §28.3)."""
    return aead.open_blob(
        contact_wrap_key(key),
        wrapped_master_key,
        AD_MASTER_KEY_CONTACT_V2,
        plaintext_bytes=MASTER_KEY_BYTES,
    )


def same_auth(auth_key: bytes, stored_hash: bytes) -> bool:
    """Constant-time check of an authenticator against the kept hash (SPEC §28.3)."""
    return hmac.compare_digest(auth_hash(auth_key), stored_hash)
