"""Format v2 key pins (SPEC §25): 256 bits to scan, 130 bits to read aloud.

A pin names an Ed25519 public key — the territory's trust root, or a person's
sign key that a professional checks face to face:

    d = BLAKE2b-256("coffre/v2/key-pin\\n" || sign_public_key)      ; unkeyed
    QR payload = "COFFRE:V2:PIN:" || Base32(d)                       ; 52 characters
    spoken     = Base32(d)[0..26] || check, in 9 groups of 3 characters

Base32 is RFC 4648 §6 (A-Z, 2-7), without padding; every character carries 5
uniform bits of d, so neither form is biased. The QR payload uses only QR
alphanumeric-mode characters.
"""

import base64
import hmac
from typing import Final

from nacl.bindings import crypto_generichash_blake2b_salt_personal

from crypto._checks import require_bytes
from crypto.errors import InvalidInputError
from crypto.purposes import KEY_PIN_PREFIX_V2, PIN_QR_PREFIX_V2
from crypto.recovery import ALPHABET

KEY_BYTES: Final = 32
DIGEST_BYTES: Final = 32
QR_BASE32_CHARS: Final = 52  # 256 bits: 51 characters and 1 bit, then 4 zero bits
SPOKEN_BODY_CHARS: Final = 26  # the first 130 bits of d
SPOKEN_GROUP: Final = 3
_IGNORED: Final = frozenset(" \t\r\n-")
_FORGIVEN: Final = str.maketrans({"0": "O", "1": "I", "8": "B"})


def pin_digest(sign_public_key: bytes) -> bytes:
    """d = BLAKE2b-256("coffre/v2/key-pin\\n" || key) (SPEC §25.1)."""
    key = require_bytes(sign_public_key, "sign public key", KEY_BYTES)
    return crypto_generichash_blake2b_salt_personal(KEY_PIN_PREFIX_V2 + key, digest_size=32)


def _base32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _check_char(body: str) -> str:
    """ALPHABET[BLAKE2b-256(ASCII body)[0] mod 32] (SPEC §25.3)."""
    digest = crypto_generichash_blake2b_salt_personal(body.encode("ascii"), digest_size=32)
    return ALPHABET[digest[0] % 32]


def pin_qr_payload(sign_public_key: bytes) -> str:
    """ "COFFRE:V2:PIN:" || Base32(d): what a QR code carries (SPEC §25.2)."""
    return PIN_QR_PREFIX_V2 + _base32(pin_digest(sign_public_key))


def pin_spoken(sign_public_key: bytes) -> str:
    """The 27 characters to read aloud, e.g. "ABC DEF GHI JKL MNO PQR STU VWX YZ2"."""
    body = _base32(pin_digest(sign_public_key))[:SPOKEN_BODY_CHARS]
    code = body + _check_char(body)
    return " ".join(code[i : i + SPOKEN_GROUP] for i in range(0, len(code), SPOKEN_GROUP))


def _ascii_upper(text: str) -> str:
    # ASCII only (SPEC §18): str.upper() would turn "ß" into "SS" or "ı" into "I".
    if not text.isascii():
        raise InvalidInputError("a pin is written with ASCII letters and digits only")
    return text.upper()


def parse_pin_qr(payload: str) -> bytes:
    """The 32-byte digest a QR payload carries (SPEC §25.2): exact prefix, 52
    upper-case Base32 characters, zero trailing bits; InvalidInputError otherwise."""
    if not isinstance(payload, str) or not payload.startswith(PIN_QR_PREFIX_V2):
        raise InvalidInputError("not a Coffre v2 pin")
    body = payload[len(PIN_QR_PREFIX_V2) :]
    if len(body) != QR_BASE32_CHARS or any(c not in ALPHABET for c in body):
        raise InvalidInputError("a pin QR payload holds 52 Base32 characters")
    digest = base64.b32decode(body + "====")
    if _base32(digest) != body:
        raise InvalidInputError("pin QR payload is not canonical")
    return digest


def parse_pin_spoken(text: str) -> str:
    """The 26 body characters of a typed pin (SPEC §25.3): spaces, tabs, line
    breaks and "-" ignored, ASCII upper-casing, 0/1/8 read as O/I/B, then 27
    characters of the alphabet whose last is the check character."""
    if not isinstance(text, str):
        raise InvalidInputError("pin must be a str")
    cleaned = _ascii_upper("".join(c for c in text if c not in _IGNORED)).translate(_FORGIVEN)
    if len(cleaned) != SPOKEN_BODY_CHARS + 1 or any(c not in ALPHABET for c in cleaned):
        raise InvalidInputError("a pin has 27 characters of A-Z and 2-7")
    body, check = cleaned[:-1], cleaned[-1]
    if _check_char(body) != check:
        raise InvalidInputError("pin check character does not match")
    return body


def matches_pin(sign_public_key: bytes, pin: str) -> bool:
    """True when `pin` (a QR payload or a spoken pin) names this key. Malformed
    pins raise InvalidInputError (SPEC §25.4)."""
    digest = pin_digest(sign_public_key)
    if isinstance(pin, str) and pin.startswith(PIN_QR_PREFIX_V2):
        return hmac.compare_digest(parse_pin_qr(pin), digest)
    body = parse_pin_spoken(pin)
    return hmac.compare_digest(body.encode("ascii"), _base32(digest)[:SPOKEN_BODY_CHARS].encode())
