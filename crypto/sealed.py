"""Document keys sealed to a recipient's X25519 public key (SPEC §10)."""

from typing import Final

from nacl.bindings import crypto_box_seal, crypto_box_seal_open, crypto_box_SEALBYTES
from nacl.exceptions import CryptoError as NaclCryptoError

from crypto._checks import require_bytes
from crypto.document_key import DOC_KEY_BYTES
from crypto.errors import DecryptionError, InvalidInputError

BOX_KEY_BYTES: Final = 32
SEALED_KEY_BYTES: Final = DOC_KEY_BYTES + crypto_box_SEALBYTES  # 80


def seal_document_key(doc_key: bytes, recipient_box_public: bytes) -> bytes:
    """crypto_box_seal(doc_key, recipient_box_public): 80 bytes (SPEC §10)."""
    key = require_bytes(doc_key, "document key", DOC_KEY_BYTES)
    public = require_bytes(recipient_box_public, "recipient box public key", BOX_KEY_BYTES)
    try:
        return crypto_box_seal(key, public)
    except NaclCryptoError:
        # libsodium refuses a small-order key (an all-zero shared secret): SPEC §18.7.
        raise InvalidInputError("recipient box public key is not a usable X25519 key") from None


def open_sealed_key(sealed: bytes, box_public: bytes, box_secret: bytes) -> bytes:
    """crypto_box_seal_open; DecryptionError if it does not open (SPEC §10)."""
    data = require_bytes(sealed, "sealed key", SEALED_KEY_BYTES)
    public = require_bytes(box_public, "box public key", BOX_KEY_BYTES)
    secret = require_bytes(box_secret, "box secret key", BOX_KEY_BYTES)
    try:
        key = crypto_box_seal_open(data, public, secret)
    except NaclCryptoError:
        raise DecryptionError("sealed key does not open: wrong key or tampered") from None
    if len(key) != DOC_KEY_BYTES:  # unreachable for an 80-byte input; kept as a guard
        raise DecryptionError("sealed key has the wrong length")
    return key
