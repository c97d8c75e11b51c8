"""Key certificates and the trust chain (SPEC §15).

A certificate is a signed statement (SPEC §11) of type ``coffre/key-certificate``
over an account's two public keys, made by the certifier's client:

* the territory admin's self-signed ``coffre/trust-root`` is the root; clients pin
  the fingerprint (SPEC §12) of its signing key, published out of band;
* the root certifies structure admins and charter officers;
* a certified structure admin certifies the professionals of their structure.

``verify_chain`` is what a client runs before sealing anything to a professional:
a server that swaps a public key cannot produce a chain that verifies.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Final

from crypto._checks import require_bytes
from crypto.encoding import b64decode, b64encode
from crypto.errors import InvalidInputError, SignatureError
from crypto.fingerprint import fingerprint
from crypto.pins import matches_pin
from crypto.statements import sign_statement, verify_statement

CERTIFICATE_TYPE: Final = "coffre/key-certificate"
ROOT_TYPE: Final = "coffre/trust-root"
ROOT_CERTIFIES: Final = frozenset({"structure_admin", "charter_officer"})
ADMIN_CERTIFIES: Final = frozenset({"professional"})
KEY_BYTES: Final = 32


@dataclass(frozen=True)
class CertifiedKeys:
    """What a verified chain proves about an account."""

    account_id: str
    role: str
    structure_id: str | None
    display_name: str
    profession: str | None
    box_public: bytes
    sign_public: bytes


def root_statement(
    *, territory: str, box_public: bytes, sign_public: bytes, issued_at: str
) -> dict[str, Any]:
    return {
        "v": 1,
        "type": ROOT_TYPE,
        "territory": territory,
        "box_public_key": b64encode(require_bytes(box_public, "box public key", KEY_BYTES)),
        "sign_public_key": b64encode(require_bytes(sign_public, "sign public key", KEY_BYTES)),
        "issued_at": issued_at,
    }


def certificate_statement(
    *,
    subject: str,
    role: str,
    structure_id: str | None,
    display_name: str,
    profession: str | None,
    box_public: bytes,
    sign_public: bytes,
    issuer: str,
    issued_at: str,
) -> dict[str, Any]:
    return {
        "v": 1,
        "type": CERTIFICATE_TYPE,
        "subject": subject,
        "role": role,
        "structure": structure_id,
        "display_name": display_name,
        "profession": profession,
        "box_public_key": b64encode(require_bytes(box_public, "box public key", KEY_BYTES)),
        "sign_public_key": b64encode(require_bytes(sign_public, "sign public key", KEY_BYTES)),
        "issuer": issuer,
        "issued_at": issued_at,
    }


def sign_root(statement: dict[str, Any], sign_seed: bytes) -> dict[str, Any]:
    return sign_statement(statement, sign_seed)


def sign_certificate(statement: dict[str, Any], sign_seed: bytes) -> dict[str, Any]:
    return sign_statement(statement, sign_seed)


def _keys(statement: dict[str, Any]) -> tuple[bytes, bytes]:
    box, sign = statement.get("box_public_key"), statement.get("sign_public_key")
    if not isinstance(box, str) or not isinstance(sign, str):
        raise InvalidInputError("a certificate names both public keys")
    return (
        require_bytes(b64decode(box), "box public key", KEY_BYTES),
        require_bytes(b64decode(sign), "sign public key", KEY_BYTES),
    )


def _is_v1_fingerprint(pin: str) -> bool:
    """24 digits in 6 groups of 4 (§12): a pin kept from before format v2."""
    return len(pin) == 29 and pin.replace(" ", "").isdigit() and pin.count(" ") == 5


def root_pinned(sign_public: bytes, pin: str) -> bool:
    """True when ``pin`` names the root's sign key: a v2 pin (§25: the QR payload or
    the spoken form), or a v1 fingerprint (§12) kept by a client from before v2."""
    if _is_v1_fingerprint(pin):
        return hmac.compare_digest(fingerprint(sign_public), pin)
    return matches_pin(sign_public, pin)


def verify_root(envelope: dict[str, Any], pinned_fingerprint: str) -> dict[str, Any]:
    """The root statement, if self-signed by the key the pin names (``root_pinned``)."""
    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    if not isinstance(statement, dict) or statement.get("type") != ROOT_TYPE:
        raise InvalidInputError("not a trust root statement")
    _, sign_public = _keys(statement)
    if not root_pinned(sign_public, pinned_fingerprint):
        raise SignatureError("the trust root is not the pinned one")
    return verify_statement(envelope, expected_signer=sign_public)


def verify_chain(
    *,
    account_id: str,
    box_public: bytes,
    sign_public: bytes,
    certificates: list[dict[str, Any]],
    root: dict[str, Any],
    pinned_fingerprint: str,
) -> CertifiedKeys:
    """Check that the account's keys are certified up to the pinned root (SPEC §15).

    ``certificates`` starts with the account's own certificate; a professional's
    chain has a second one, their structure admin's. Raises SignatureError (or
    InvalidInputError for malformed input) on any mismatch.
    """
    root_statement_ = verify_root(root, pinned_fingerprint)
    _, root_sign = _keys(root_statement_)
    if not certificates or len(certificates) > 2:
        raise SignatureError("a chain holds one or two certificates")
    leaf = verify_statement(certificates[0])
    if leaf.get("type") != CERTIFICATE_TYPE or leaf.get("subject") != account_id:
        raise SignatureError("the certificate is not about this account")
    if _keys(leaf) != (box_public, sign_public):
        raise SignatureError("the keys offered are not the certified keys")
    leaf_signer = b64decode(str(certificates[0]["signer"]))
    role = leaf.get("role")
    if leaf_signer == root_sign:
        if role not in ROOT_CERTIFIES or len(certificates) != 1:
            raise SignatureError("the root does not certify this role directly")
    else:
        if role not in ADMIN_CERTIFIES or len(certificates) != 2:
            raise SignatureError("a professional's chain goes through their structure admin")
        admin = verify_statement(certificates[1], expected_signer=root_sign)
        if admin.get("type") != CERTIFICATE_TYPE or admin.get("role") != "structure_admin":
            raise SignatureError("the issuer is not a certified structure admin")
        if _keys(admin)[1] != leaf_signer or admin.get("subject") != leaf.get("issuer"):
            raise SignatureError("the certificate was not signed by its stated issuer")
        if admin.get("structure") != leaf.get("structure"):
            raise SignatureError("the issuer administers another structure")
    structure = leaf.get("structure")
    profession = leaf.get("profession")
    return CertifiedKeys(
        account_id=account_id,
        role=str(role),
        structure_id=structure if isinstance(structure, str) else None,
        display_name=str(leaf.get("display_name", "")),
        profession=profession if isinstance(profession, str) else None,
        box_public=box_public,
        sign_public=sign_public,
    )
