"""The versioned AEAD blob shared by SPEC §5, §6 and §9:

    blob = version (1 byte, 0x01) || nonce (24 bytes) || XChaCha20-Poly1305-IETF ciphertext

libsodium.js: crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)
and crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, key).
"""

from typing import Final

from nacl.bindings import (
    crypto_aead_xchacha20poly1305_ietf_ABYTES,
    crypto_aead_xchacha20poly1305_ietf_decrypt,
    crypto_aead_xchacha20poly1305_ietf_encrypt,
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
)
from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.utils import random

from crypto._checks import require_bytes, require_bytes_like
from crypto.errors import DecryptionError, InvalidInputError, UnsupportedVersionError

VERSION: Final = 0x01
VERSION_V2: Final = 0x02  # the same blob with version byte 0x02 (SPEC §22)
KEY_BYTES: Final = 32
NONCE_BYTES: Final = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES  # 24
TAG_BYTES: Final = crypto_aead_xchacha20poly1305_ietf_ABYTES  # 16
OVERHEAD: Final = 1 + NONCE_BYTES + TAG_BYTES  # 41


def seal_blob(
    key: bytes,
    plaintext: bytes,
    ad: bytes,
    *,
    nonce: bytes | None = None,
    version: int = VERSION,
) -> bytes:
    """Encrypt `plaintext` into a blob (version 1, or 2 for SPEC §22). `nonce` is
    for test vectors only: a fixed nonce reused with the same key breaks
    confidentiality."""
    if version not in (VERSION, VERSION_V2):
        raise InvalidInputError("unknown blob version")
    k = require_bytes(key, "key", KEY_BYTES)
    n = random(NONCE_BYTES) if nonce is None else require_bytes(nonce, "nonce", NONCE_BYTES)
    body = crypto_aead_xchacha20poly1305_ietf_encrypt(
        require_bytes_like(plaintext, "plaintext"), ad, n, k
    )
    return bytes([version]) + n + body


def open_blob(
    key: bytes,
    blob: bytes,
    ad: bytes,
    *,
    plaintext_bytes: int | None = None,
    version: int = VERSION,
) -> bytes:
    """Decrypt a blob of the given version (1, or 2 for SPEC §22). If
    `plaintext_bytes` is given, the blob must have exactly that plaintext length
    (checked before decrypting)."""
    k = require_bytes(key, "key", KEY_BYTES)
    data = require_bytes_like(blob, "blob")
    if len(data) < OVERHEAD:
        raise InvalidInputError("blob is too short")
    if data[0] != version:
        raise UnsupportedVersionError(f"unsupported blob version {data[0]}")
    if plaintext_bytes is not None and len(data) != OVERHEAD + plaintext_bytes:
        raise InvalidInputError(f"blob must be {OVERHEAD + plaintext_bytes} bytes")
    nonce, body = data[1 : 1 + NONCE_BYTES], data[1 + NONCE_BYTES :]
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(body, ad, nonce, k)
    except NaclCryptoError:
        raise DecryptionError("blob does not authenticate: wrong key or tampered") from None
