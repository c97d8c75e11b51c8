"""The recovery secret, its printed code, and the keys it yields (SPEC §4)."""

import base64
from dataclasses import dataclass, field
from typing import Final

from nacl.bindings import crypto_generichash_blake2b_salt_personal
from nacl.utils import random

from crypto import purposes
from crypto._checks import require_bytes
from crypto.errors import InvalidInputError
from crypto.subkeys import subkey

SECRET_BYTES: Final = 16
ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 §6
CODE_CHARS: Final = 27  # 26 Base32 characters + 1 check character
GROUP: Final = 4
# Characters people misread or mistype for letters of the alphabet (SPEC §4).
_FORGIVEN: Final = str.maketrans({"0": "O", "1": "I", "8": "B"})
_IGNORED: Final = frozenset(" \t\r\n-")


@dataclass(frozen=True)
class RecoveryKeys:
    """The two keys derived from the recovery secret (SPEC §4). repr hides them."""

    auth_key: bytes = field(repr=False)
    wrap_key: bytes = field(repr=False)


def new_recovery_secret() -> bytes:
    """16 random bytes (SPEC §4)."""
    return random(SECRET_BYTES)


def derive_recovery_keys(secret: bytes) -> RecoveryKeys:
    """auth_key = subkey(secret, "coffre/v1/recovery-login"),
    wrap_key = subkey(secret, "coffre/v1/recovery-wrap") (SPEC §4)."""
    key = require_bytes(secret, "recovery secret", SECRET_BYTES)
    return RecoveryKeys(
        auth_key=subkey(key, purposes.RECOVERY_LOGIN),
        wrap_key=subkey(key, purposes.RECOVERY_WRAP),
    )


def _check_char(secret: bytes) -> str:
    digest = crypto_generichash_blake2b_salt_personal(secret, digest_size=32)
    return ALPHABET[digest[0] % 32]


def format_recovery_code(secret: bytes) -> str:
    """Printed form: Base32 (26 chars) + check char, groups of 4 joined by "-" (SPEC §4).

    Example shape: "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ2".
    """
    key = require_bytes(secret, "recovery secret", SECRET_BYTES)
    body = base64.b32encode(key).decode("ascii").rstrip("=")
    code = body + _check_char(key)
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def parse_recovery_code(text: str) -> bytes:
    """Recover the 16-byte secret from a typed code (SPEC §4).

    Forgives case, spaces, line breaks and dashes, and reads 0 as O, 1 as I,
    8 as B. Raises InvalidInputError for a wrong length, a character outside
    the alphabet, non-zero padding bits, or a wrong check character.
    """
    if not isinstance(text, str):
        raise InvalidInputError("recovery code must be a str")
    cleaned = "".join(c for c in text if c not in _IGNORED)
    # ASCII-only upper-casing (SPEC §18): str.upper() would read "ß" as "SS" and
    # "ı" as "I", letters libsodium.js's page would not accept the same way.
    if not cleaned.isascii():
        raise InvalidInputError("recovery code contains a character outside A-Z, 2-7")
    cleaned = cleaned.upper().translate(_FORGIVEN)
    if len(cleaned) != CODE_CHARS:
        raise InvalidInputError(f"recovery code must have {CODE_CHARS} characters")
    if any(c not in ALPHABET for c in cleaned):
        raise InvalidInputError("recovery code contains a character outside A-Z, 2-7")
    body, check = cleaned[:-1], cleaned[-1]
    secret = base64.b32decode(body + "======")
    # The last character carries 3 bits of the secret and 2 zero bits: refuse
    # other values so each secret has exactly one code.
    if base64.b32encode(secret).decode("ascii").rstrip("=") != body:
        raise InvalidInputError("recovery code is not canonical")
    if _check_char(secret) != check:
        raise InvalidInputError("recovery code check character does not match")
    return secret
