"""Format v2 signed statements (SPEC §23).

    message   = "coffre/v2/statement\\n" || RFC8785(statement)
    signature = Ed25519 (libsodium crypto_sign_detached) of message, 64 bytes
    envelope  = {"statement", "signer": base64url(32), "signature": base64url(64)}

A v2 statement has "v": 2 and one of the registered types below, nothing else;
its members are checked by the module that owns its type. Verification is
libsodium's crypto_sign_verify_detached, which is strict (SPEC §23.3).
"""

import hashlib
from typing import Any, Final

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from crypto._checks import require_bytes
from crypto.encoding import b64encode, canonical_json
from crypto.errors import InvalidInputError, SignatureError, UnsupportedVersionError
from crypto.fields import V2, read_key
from crypto.purposes import STATEMENT_PREFIX_V2

SIGN_KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = 64

TRUST_ROOT: Final = "coffre/trust-root"
KEY_CERTIFICATE: Final = "coffre/key-certificate"
REVOCATION_LIST: Final = "coffre/revocation-list"
DOCUMENT_BINDING: Final = "coffre/document-binding"
DEPOSIT: Final = "coffre/deposit"
CONSENT_RECEIPT: Final = "coffre/consent-receipt"
ROOT_ROTATION: Final = "coffre/root-rotation"
TYPES: Final = frozenset(
    {
        TRUST_ROOT,
        KEY_CERTIFICATE,
        REVOCATION_LIST,
        DOCUMENT_BINDING,
        DEPOSIT,
        CONSENT_RECEIPT,
        ROOT_ROTATION,
    }
)
_ENVELOPE: Final = frozenset({"statement", "signer", "signature"})


def statement_type(statement: object) -> str:
    """Check "v" (first) then "type" (SPEC §23.1); return the type."""
    if not isinstance(statement, dict):
        raise InvalidInputError("statement must be a JSON object")
    version = statement.get("v")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInputError('statement must contain an integer "v"')
    if version != V2:
        raise UnsupportedVersionError(f"unsupported statement version {version}")
    kind = statement.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise InvalidInputError("statement type is not one of the v2 types")
    return kind


def signed_message_v2(statement: dict[str, Any]) -> bytes:
    """b"coffre/v2/statement\\n" || canonical_json(statement) (SPEC §23.2)."""
    statement_type(statement)
    return STATEMENT_PREFIX_V2 + canonical_json(statement)


def statement_id(statement: dict[str, Any]) -> str:
    """Lowercase hex SHA-256 of the signed message: how revocation lists name a
    certificate (SPEC §26.3)."""
    return hashlib.sha256(signed_message_v2(statement)).hexdigest()


def sign_statement_v2(statement: dict[str, Any], sign_seed: bytes) -> dict[str, Any]:
    """The envelope of `statement` signed with the Ed25519 key of `sign_seed`."""
    key = SigningKey(require_bytes(sign_seed, "sign seed", SIGN_KEY_BYTES))
    signature = key.sign(signed_message_v2(statement)).signature
    return {
        "statement": statement,
        "signer": b64encode(bytes(key.verify_key)),
        "signature": b64encode(signature),
    }


def _envelope(envelope: object) -> dict[str, Any]:
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE:
        raise InvalidInputError("envelope must have exactly statement, signer, signature")
    return envelope


def envelope_signer(envelope: object) -> bytes:
    """The 32-byte signer key an envelope names (not yet verified)."""
    return read_key(_envelope(envelope)["signer"], "signer", SIGN_KEY_BYTES)


def verify_statement_v2(
    envelope: object, expected_signer: bytes | None, expected_type: str
) -> dict[str, Any]:
    """The statement, if it is of `expected_type` and its signature by
    `expected_signer` verifies (SPEC §23.3). Order: envelope shape, then "v",
    then type (InvalidInputError / UnsupportedVersionError); expected signer
    (SignatureError); signature (SignatureError). `expected_signer` None is
    allowed only for a self-signed trust root, whose caller checks the pin."""
    shape = _envelope(envelope)
    signer = read_key(shape["signer"], "signer", SIGN_KEY_BYTES)
    signature = read_key(shape["signature"], "signature", SIGNATURE_BYTES)
    statement: dict[str, Any] = shape["statement"]
    if statement_type(statement) != expected_type:
        raise InvalidInputError(f"expected a {expected_type} statement")
    if expected_signer is not None:
        expected = require_bytes(expected_signer, "expected signer", SIGN_KEY_BYTES)
        if expected != signer:
            raise SignatureError("statement was signed by an unexpected key")
    try:
        VerifyKey(signer).verify(signed_message_v2(statement), signature)
    except BadSignatureError:
        raise SignatureError("statement signature does not verify") from None
    return statement
