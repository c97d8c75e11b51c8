"""Text encodings of the format (SPEC §1): base64url without padding, RFC 8785 JSON."""

import base64
import binascii
import re
from typing import Any

import rfc8785

from crypto.errors import InvalidInputError

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64encode(data: bytes) -> str:
    """Encode bytes as base64url without padding (RFC 4648 §5; SPEC §1).

    Same output as libsodium.js `to_base64(data, base64_variants.URLSAFE_NO_PADDING)`.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidInputError("b64encode takes bytes")
    return base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode("ascii")


def b64decode(text: str) -> bytes:
    """Decode strict base64url without padding (SPEC §1).

    Rejects padding, characters outside `A-Z a-z 0-9 - _`, impossible lengths
    and non-canonical encodings (non-zero unused trailing bits), as libsodium's
    `sodium_base642bin` does, so every byte string has exactly one text form.
    """
    if not isinstance(text, str):
        raise InvalidInputError("b64decode takes a str")
    if _B64URL.fullmatch(text) is None:
        raise InvalidInputError("invalid base64url: unexpected character or padding")
    if len(text) % 4 == 1:
        raise InvalidInputError("invalid base64url: impossible length")
    padded = text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4)
    try:
        data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInputError("invalid base64url") from exc
    if b64encode(data) != text:
        raise InvalidInputError("invalid base64url: non-canonical encoding")
    return data


def canonical_json(obj: Any) -> bytes:
    """RFC 8785 (JCS) canonical JSON of `obj`, UTF-8 encoded (SPEC §1).

    Raises InvalidInputError for values JSON cannot carry exactly (integers
    beyond ±(2**53-1), NaN, non-string keys, other types).
    """
    try:
        return rfc8785.dumps(obj)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InvalidInputError(f"not canonicalisable as JSON: {type(exc).__name__}") from exc
