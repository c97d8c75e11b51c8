"""Signed statements: Ed25519 over a prefixed RFC 8785 canonical JSON (SPEC §11).

Used to certify keys (a structure admin signs a professional's public keys)
and for proofs of origin (a depositor signs a deposit).
"""

from typing import Any, Final

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from crypto._checks import require_bytes
from crypto.encoding import b64decode, b64encode, canonical_json
from crypto.errors import InvalidInputError, SignatureError, UnsupportedVersionError
from crypto.purposes import STATEMENT_PREFIX

STATEMENT_VERSION: Final = 1
SIGN_KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = 64
_ENVELOPE_FIELDS: Final = frozenset({"statement", "signer", "signature"})


def _check_statement(statement: object) -> dict[str, Any]:
    if not isinstance(statement, dict):
        raise InvalidInputError("statement must be a JSON object")
    version = statement.get("v")
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInputError('statement must contain an integer "v"')
    if version != STATEMENT_VERSION:
        raise UnsupportedVersionError(f"unsupported statement version {version}")
    kind = statement.get("type")
    if not isinstance(kind, str) or kind == "":
        raise InvalidInputError('statement must contain a non-empty string "type"')
    return statement


def signed_message(statement: dict[str, Any]) -> bytes:
    """b"coffre/v1/statement\\n" || canonical_json(statement): the signed bytes (SPEC §11)."""
    return STATEMENT_PREFIX + canonical_json(_check_statement(statement))


def sign_statement(statement: dict[str, Any], sign_seed: bytes) -> dict[str, Any]:
    """Envelope {"statement", "signer", "signature"} with base64url signer key
    and detached Ed25519 signature (SPEC §11). libsodium.js:
    crypto_sign_detached(message, crypto_sign_seed_keypair(seed).privateKey)."""
    signing_key = SigningKey(require_bytes(sign_seed, "sign seed", SIGN_KEY_BYTES))
    signature = signing_key.sign(signed_message(statement)).signature
    return {
        "statement": statement,
        "signer": b64encode(bytes(signing_key.verify_key)),
        "signature": b64encode(signature),
    }


def verify_statement(
    envelope: dict[str, Any], expected_signer: bytes | None = None
) -> dict[str, Any]:
    """Return the statement if the envelope's signature verifies (SPEC §11).

    SignatureError: the signature does not verify, or `expected_signer` is given
    and differs from the envelope's signer. InvalidInputError: malformed envelope.
    Without `expected_signer` this only proves that *someone* holding `signer`
    signed it: callers must decide whether they trust that key.
    """
    if not isinstance(envelope, dict) or set(envelope) != _ENVELOPE_FIELDS:
        raise InvalidInputError("envelope must have exactly statement, signer, signature")
    signer_text, signature_text = envelope["signer"], envelope["signature"]
    if not isinstance(signer_text, str) or not isinstance(signature_text, str):
        raise InvalidInputError("envelope signer and signature must be strings")
    signer = require_bytes(b64decode(signer_text), "signer", SIGN_KEY_BYTES)
    signature = require_bytes(b64decode(signature_text), "signature", SIGNATURE_BYTES)
    message = signed_message(envelope["statement"])
    if expected_signer is not None:
        expected = require_bytes(expected_signer, "expected signer", SIGN_KEY_BYTES)
        if expected != signer:
            raise SignatureError("statement was signed by an unexpected key")
    try:
        VerifyKey(signer).verify(message, signature)
    except BadSignatureError:
        raise SignatureError("statement signature does not verify") from None
    return _check_statement(envelope["statement"])
