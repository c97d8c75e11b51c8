"""Format v2 trust chain (SPEC §26): a root pinned by 130+ bits, certificates
that end, and a revocation list signed by the root.

* ``coffre/trust-root``: self-signed by the territory admin's key, which the
  client pins (SPEC §25);
* ``coffre/key-certificate``: an account's two public keys, a role and a
  validity window, signed by the root (structure admins, charter officers) or
  by a certified structure admin of the same structure (professionals);
* ``coffre/revocation-list``: the ids of revoked certificates, numbered and
  dated, signed by the root; a client refuses a list older than one it has
  seen, or past its ``next_update``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from crypto._checks import require_bytes
from crypto.encoding import b64encode
from crypto.errors import InvalidInputError, SignatureError, StaleError
from crypto.fields import (
    CLOCK_SKEW,
    V2,
    check_now,
    format_time,
    read_code,
    read_id,
    read_int,
    read_key,
    read_object,
    read_sha256,
    read_text,
    read_time,
)
from crypto.pins import matches_pin
from crypto.statements_v2 import (
    KEY_CERTIFICATE,
    REVOCATION_LIST,
    TRUST_ROOT,
    statement_id,
    verify_statement_v2,
)

KEY_BYTES: Final = 32
NAME_MAX_BYTES: Final = 200
CERTIFICATE_LIFETIME_MAX: Final = timedelta(days=400)
REVOCATION_LIST_LIFETIME_MAX: Final = timedelta(days=31)
REVOKED_MAX: Final = 10000
ROOT_CERTIFIES: Final = frozenset({"structure_admin", "charter_officer"})
ADMIN_CERTIFIES: Final = frozenset({"professional"})
ROLES: Final = ROOT_CERTIFIES | ADMIN_CERTIFIES
_ROOT: Final = frozenset(
    {"v", "type", "territory", "box_public_key", "sign_public_key", "issued_at"}
)
_CERTIFICATE: Final = frozenset(
    {
        "v",
        "type",
        "territory",
        "subject",
        "role",
        "structure",
        "display_name",
        "profession",
        "box_public_key",
        "sign_public_key",
        "issuer",
        "issued_at",
        "not_after",
    }
)
_REVOCATIONS: Final = frozenset(
    {"v", "type", "territory", "sequence", "issued_at", "next_update", "revoked"}
)


def _b64key(key: bytes, name: str) -> str:
    return b64encode(require_bytes(key, name, KEY_BYTES))


def root_statement_v2(
    *, territory: str, box_public: bytes, sign_public: bytes, issued_at: datetime
) -> dict[str, Any]:
    """The trust root (SPEC §26.1), to be signed by `sign_public`'s own seed."""
    return {
        "v": V2,
        "type": TRUST_ROOT,
        "territory": read_code(territory, "territory"),
        "box_public_key": _b64key(box_public, "box public key"),
        "sign_public_key": _b64key(sign_public, "sign public key"),
        "issued_at": format_time(issued_at),
    }


def certificate_statement_v2(
    *,
    territory: str,
    subject: str,
    role: str,
    structure: str | None,
    display_name: str,
    profession: str | None,
    box_public: bytes,
    sign_public: bytes,
    issuer: str,
    issued_at: datetime,
    not_after: datetime,
) -> dict[str, Any]:
    """A key certificate (SPEC §26.2), checked as a reader would check it."""
    statement = {
        "v": V2,
        "type": KEY_CERTIFICATE,
        "territory": territory,
        "subject": subject,
        "role": role,
        "structure": structure,
        "display_name": display_name,
        "profession": profession,
        "box_public_key": _b64key(box_public, "box public key"),
        "sign_public_key": _b64key(sign_public, "sign public key"),
        "issuer": issuer,
        "issued_at": format_time(issued_at),
        "not_after": format_time(not_after),
    }
    _read_certificate(statement)
    return statement


def revocation_list_statement(
    *,
    territory: str,
    sequence: int,
    issued_at: datetime,
    next_update: datetime,
    revoked: list[str],
) -> dict[str, Any]:
    """A revocation list (SPEC §26.3); `revoked` holds certificate ids (statement_id)."""
    statement = {
        "v": V2,
        "type": REVOCATION_LIST,
        "territory": territory,
        "sequence": sequence,
        "issued_at": format_time(issued_at),
        "next_update": format_time(next_update),
        "revoked": sorted(set(revoked)),
    }
    _read_revocations(statement)
    return statement


@dataclass(frozen=True)
class _Certificate:
    territory: str
    subject: str
    role: str
    structure: str | None
    display_name: str
    profession: str | None
    box_public: bytes
    sign_public: bytes
    issuer: str
    issued_at: datetime
    not_after: datetime


def _read_certificate(statement: object) -> _Certificate:
    s = read_object(statement, _CERTIFICATE, KEY_CERTIFICATE)
    role = s["role"]
    # A list or an object is no role (and is not hashable: checked first).
    if not isinstance(role, str) or role not in ROLES:
        raise InvalidInputError("unknown certificate role")
    structure = s["structure"]
    if role == "charter_officer":
        if structure is not None:
            raise InvalidInputError("a charter officer's certificate names no structure")
    else:
        read_id(structure, "structure")
    profession = s["profession"]
    if profession is not None:
        read_text(profession, "profession", NAME_MAX_BYTES)
    issued_at = read_time(s["issued_at"], "issued_at")
    not_after = read_time(s["not_after"], "not_after")
    if not issued_at < not_after <= issued_at + CERTIFICATE_LIFETIME_MAX:
        raise InvalidInputError("a certificate lasts more than 0 s and at most 400 days")
    return _Certificate(
        territory=read_code(s["territory"], "territory"),
        subject=read_id(s["subject"], "subject"),
        role=role,
        structure=structure,
        display_name=read_text(s["display_name"], "display_name", NAME_MAX_BYTES),
        profession=profession,
        box_public=read_key(s["box_public_key"], "box_public_key"),
        sign_public=read_key(s["sign_public_key"], "sign_public_key"),
        issuer=read_id(s["issuer"], "issuer"),
        issued_at=issued_at,
        not_after=not_after,
    )


@dataclass(frozen=True)
class _Revocations:
    territory: str
    sequence: int
    issued_at: datetime
    next_update: datetime
    revoked: frozenset[str]


def _read_revocations(statement: object) -> _Revocations:
    s = read_object(statement, _REVOCATIONS, REVOCATION_LIST)
    issued_at = read_time(s["issued_at"], "issued_at")
    next_update = read_time(s["next_update"], "next_update")
    if not issued_at < next_update <= issued_at + REVOCATION_LIST_LIFETIME_MAX:
        raise InvalidInputError("a revocation list lasts more than 0 s and at most 31 days")
    revoked = s["revoked"]
    if not isinstance(revoked, list) or len(revoked) > REVOKED_MAX:
        raise InvalidInputError(f"revoked lists at most {REVOKED_MAX} certificate ids")
    ids = [read_sha256(item, "revoked certificate id") for item in revoked]
    if ids != sorted(set(ids)):
        raise InvalidInputError("revoked ids must be sorted, without duplicates")
    return _Revocations(
        territory=read_code(s["territory"], "territory"),
        sequence=read_int(s["sequence"], "sequence", 1),
        issued_at=issued_at,
        next_update=next_update,
        revoked=frozenset(ids),
    )


def verify_root_v2(envelope: dict[str, Any], pin: str) -> dict[str, Any]:
    """The trust root, if it is self-signed by the key `pin` names (a QR
    payload or a spoken pin, SPEC §25); SignatureError otherwise (SPEC §26.4 step 1)."""
    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    s = read_object(statement, _ROOT, TRUST_ROOT)
    read_code(s["territory"], "territory")
    read_key(s["box_public_key"], "box_public_key")
    read_time(s["issued_at"], "issued_at")
    sign_public = read_key(s["sign_public_key"], "sign_public_key")
    if not matches_pin(sign_public, pin):
        raise SignatureError("the trust root is not the pinned one")
    return verify_statement_v2(envelope, sign_public, TRUST_ROOT)


def verify_revocation_list(
    envelope: dict[str, Any],
    *,
    root_sign_public: bytes,
    territory: str,
    now: datetime,
    min_sequence: int = 1,
) -> _Revocations:
    """SPEC §26.4 step 2: signed by the root, this territory's, not older than
    `min_sequence` (the highest the client has kept) and not past next_update."""
    moment = check_now(now)
    revocations = _read_revocations(
        verify_statement_v2(envelope, root_sign_public, REVOCATION_LIST)
    )
    if revocations.territory != territory:
        raise SignatureError("the revocation list is another territory's")
    if revocations.sequence < read_int(min_sequence, "min_sequence", 1):
        raise StaleError("an older revocation list than one already seen")
    if moment + CLOCK_SKEW < revocations.issued_at:
        raise StaleError("the revocation list is not valid yet")
    if moment >= revocations.next_update + CLOCK_SKEW:
        raise StaleError("the revocation list is out of date")
    return revocations


@dataclass(frozen=True)
class CertifiedKeysV2:
    """What a verified v2 chain proves about an account, and until when."""

    account_id: str
    role: str
    structure_id: str | None
    display_name: str
    profession: str | None
    box_public: bytes
    sign_public: bytes
    not_after: datetime
    revocation_sequence: int


def _valid_at(
    cert: _Certificate, envelope: dict[str, Any], revoked: frozenset[str], now: datetime
) -> None:
    if now + CLOCK_SKEW < cert.issued_at:
        raise StaleError("a certificate is not valid yet")
    if now >= cert.not_after + CLOCK_SKEW:
        raise StaleError("a certificate has expired")
    if statement_id(envelope["statement"]) in revoked:
        raise StaleError("a certificate has been revoked")


def verify_chain_v2(
    *,
    account_id: str,
    box_public: bytes,
    sign_public: bytes,
    certificates: list[dict[str, Any]],
    root: dict[str, Any],
    pin: str,
    revocation_list: dict[str, Any],
    now: datetime,
    min_sequence: int = 1,
) -> CertifiedKeysV2:
    """Check an account's keys up to the pinned root at time `now` (SPEC §26.4).

    SignatureError: a signature, signer, pin, role, subject, key or structure
    that does not match; StaleError: expired, not yet valid, revoked, or a
    revocation list that is out of date or older than `min_sequence`;
    InvalidInputError: malformed statements.
    """
    moment = check_now(now)
    root_statement = verify_root_v2(root, pin)
    territory = root_statement["territory"]
    root_sign = read_key(root_statement["sign_public_key"], "sign_public_key")
    revocations = verify_revocation_list(
        revocation_list,
        root_sign_public=root_sign,
        territory=territory,
        now=moment,
        min_sequence=min_sequence,
    )
    if not isinstance(certificates, list) or not 1 <= len(certificates) <= 2:
        raise SignatureError("a chain holds one or two certificates")
    if len(certificates) == 1:
        leaf = _read_certificate(verify_statement_v2(certificates[0], root_sign, KEY_CERTIFICATE))
        if leaf.role not in ROOT_CERTIFIES:
            raise SignatureError("the root certifies structure admins and charter officers only")
        chain = [leaf]
    else:
        admin = _read_certificate(verify_statement_v2(certificates[1], root_sign, KEY_CERTIFICATE))
        if admin.role != "structure_admin":
            raise SignatureError("the issuer is not a certified structure admin")
        leaf = _read_certificate(
            verify_statement_v2(certificates[0], admin.sign_public, KEY_CERTIFICATE)
        )
        if leaf.role not in ADMIN_CERTIFIES:
            raise SignatureError("a structure admin certifies professionals only")
        if leaf.issuer != admin.subject or leaf.structure != admin.structure:
            raise SignatureError("the certificate was not issued by its structure's admin")
        chain = [leaf, admin]
    for cert in chain:
        if cert.territory != territory:
            raise SignatureError("a certificate is another territory's")
    if leaf.subject != read_id(account_id, "account id"):
        raise SignatureError("the certificate is not about this account")
    if (leaf.box_public, leaf.sign_public) != (
        require_bytes(box_public, "box public key", KEY_BYTES),
        require_bytes(sign_public, "sign public key", KEY_BYTES),
    ):
        raise SignatureError("the keys offered are not the certified keys")
    for cert, envelope in zip(chain, certificates, strict=True):
        _valid_at(cert, envelope, revocations.revoked, moment)
    return CertifiedKeysV2(
        account_id=leaf.subject,
        role=leaf.role,
        structure_id=leaf.structure,
        display_name=leaf.display_name,
        profession=leaf.profession,
        box_public=leaf.box_public,
        sign_public=leaf.sign_public,
        not_after=min(cert.not_after for cert in chain),
        revocation_sequence=revocations.sequence,
    )
