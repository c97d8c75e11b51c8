"""A grant's consent receipt, handed back (docs/CONSENT.md, "Receipts the person holds").

The receipt is the statement the person's client signed when sharing (SPEC §16 for
format 1, §24.5 for format 2); ``GrantService.create`` stored it "as stored" means:

- format 2: the JSON text the person's client sent, byte for byte (SPEC §18.1: a v2
  reader parses that text strictly, so it is never re-serialised);
- format 1: the envelope re-serialised once at storage (``json.dumps``, keys sorted);
  its signature covers RFC 8785 of the statement (SPEC §11), so the spelling of the
  JSON does not matter.

This module gives that text back to the three who may hold it (the person, the
grantee, the territory's charter officer; anyone else: "not found", as for an unknown
id), with what a verifier needs besides: the person's sign key and its pin (SPEC §25:
persons have no certificate, so the key is compared face to face), the professional's
keys and certificate chain and the territory's roots (SPEC §15, §26: what the pinned
trust root vouches for). ``client/receipts.py`` verifies all of it offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import console
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository
from coffre.consent.errors import GrantNotFound
from coffre.consent.models import Grant
from coffre.db.engine import Database
from coffre.ids import is_valid_id
from coffre.policy import Action, Actor, can
from coffre.structures import repository as structures
from coffre.structures.errors import NotAllowed
from coffre.structures.models import TrustRootV2
from crypto import CryptoError, b64encode, verify_statement
from crypto.consent import read_receipt
from crypto.consent_v2 import read_receipt_v2
from crypto.jsontext import parse_json
from crypto.pins import pin_qr_payload, pin_spoken
from crypto.statements_v2 import CONSENT_RECEIPT, verify_statement_v2


@dataclass(frozen=True)
class ReceiptHolders:
    """The target the policy decides on: whose grant, to whom."""

    owner_id: str
    grantee_id: str


@dataclass(frozen=True)
class GrantReceipt:
    """A grant's receipt as stored, and what a verifier needs with it."""

    grant_id: str
    format: int  # 1 (SPEC §16) or 2 (SPEC §24.5)
    receipt: str  # as stored (see the module's doc)
    person_id: str
    person_sign_public_key: bytes  # the person's key today (empty once erased)
    verified_by_server: bool  # the receipt verifies under that key and names this grant
    professional_id: str
    professional_box_public_key: bytes
    professional_sign_public_key: bytes
    certificates: list[dict[str, Any]]  # the professional's chain, leaf first ([] if gone)
    root: dict[str, Any] | None  # the v1 trust root (SPEC §15)
    root_chain: dict[str, Any] | None  # the v2 roots: {"first", "links"} (SPEC §26.5)

    @property
    def person_pin(self) -> str | None:
        key = self.person_sign_public_key
        return pin_spoken(key) if len(key) == 32 else None

    @property
    def person_pin_qr(self) -> str | None:
        key = self.person_sign_public_key
        return pin_qr_payload(key) if len(key) == 32 else None


def receipt_format(stored: str) -> int:
    """1 or 2, from the stored text's statement ``v`` (2 only for a v2 statement)."""
    try:
        envelope = json.loads(stored)
    except ValueError:
        return 1
    statement = envelope.get("statement") if isinstance(envelope, dict) else None
    return 2 if isinstance(statement, dict) and statement.get("v") == 2 else 1


def receipt_header(stored: str) -> str:
    """The pull's ``Coffre-Receipt`` header: base64url (no padding, SPEC §1) of the UTF-8
    bytes of the receipt exactly as stored; the same text ``GET .../receipt`` gives."""
    return b64encode(stored.encode("utf-8"))


def verifies(stored: str, grant_id: str, person_id: str, sign_public_key: bytes) -> bool:
    """Whether the stored receipt verifies under the person's key and names this grant
    and person (the server's own check, shown as ``verified_by_server``)."""
    if len(sign_public_key) != 32:
        return False
    try:
        if receipt_format(stored) == 2:
            statement = verify_statement_v2(parse_json(stored), sign_public_key, CONSENT_RECEIPT)
            receipt: Any = read_receipt_v2(statement)
        else:
            envelope = json.loads(stored)
            receipt = read_receipt(verify_statement(envelope, expected_signer=sign_public_key))
    except (CryptoError, ValueError):
        return False
    return bool(receipt.grant == grant_id and receipt.person == person_id)


class ReceiptService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def receipt(self, actor: Actor, grant_id: str) -> GrantReceipt:
        """The grant's receipt for its person, its grantee or the charter officer;
        GrantNotFound for anyone else, as for an unknown id."""
        with self._db.unit_of_work() as db:
            grant = db.get(Grant, grant_id) if is_valid_id(grant_id) else None
            if grant is None or not can(
                actor,
                Action.GRANT_RECEIPT,
                ReceiptHolders(owner_id=grant.person_id, grantee_id=grant.professional_id),
            ):
                raise GrantNotFound()
            if actor.account_id not in (grant.person_id, grant.professional_id):
                # Neither party: the charter officer (the policy let nobody else here).
                # Their reading is a console view like the others: in the trail
                # (docs/AUDIT.md, "Console"), naming the grant, in the same transaction.
                entry = audit.by(
                    actor,
                    console.ACTION,
                    object_type="console",
                    details={"view": "receipt", "grant": grant.id},
                )
                audit.append(db, entry, self._clock.now())
            return receipt_of(db, grant)

    def receipts_of_person(self, actor: Actor) -> list[GrantReceipt]:
        """Every receipt of the person's own grants, newest first (the full export)."""
        if not can(actor, Action.GRANT_LIST_OWN):
            raise NotAllowed()
        with self._db.unit_of_work() as db:
            return [receipt_of(db, grant) for grant in repository.grants_of_person(db, actor)]


def receipt_of(db: DbSession, grant: Grant) -> GrantReceipt:
    """The receipt of a grant the caller may see (the person's export uses it too)."""
    person = db.get(Account, grant.person_id)
    professional = db.get(Account, grant.professional_id)
    person_key = person.sign_public_key if person is not None else b""
    return GrantReceipt(
        grant_id=grant.id,
        format=receipt_format(grant.receipt),
        receipt=grant.receipt,
        person_id=grant.person_id,
        person_sign_public_key=person_key,
        verified_by_server=verifies(grant.receipt, grant.id, grant.person_id, person_key),
        professional_id=grant.professional_id,
        professional_box_public_key=professional.box_public_key if professional else b"",
        professional_sign_public_key=professional.sign_public_key if professional else b"",
        certificates=_chain(db, grant),
        root=_root_v1(db),
        root_chain=_roots_v2(db),
    )


def _chain(db: DbSession, grant: Grant) -> list[dict[str, Any]]:
    """The professional's certificate for the grant's structure, then their structure
    admin's (a professional's chain, SPEC §15/§26.4); [] when the membership ended."""
    membership = structures.active_membership(db, grant.professional_id, grant.structure_id)
    if membership is None or membership.certificate is None:
        return []
    chain: list[dict[str, Any]] = [json.loads(membership.certificate)]
    if membership.role == "professional" and membership.certified_by is not None:
        admin = structures.active_membership(db, membership.certified_by, grant.structure_id)
        if admin is None or admin.certificate is None:
            return []
        chain.append(json.loads(admin.certificate))
    return chain


def _root_v1(db: DbSession) -> dict[str, Any] | None:
    root = structures.trust_root(db)
    if root is None:
        return None
    statement: dict[str, Any] = json.loads(root.statement)
    return statement


def _roots_v2(db: DbSession) -> dict[str, Any] | None:
    # The same rows GET /trust/root/v2 serves (coffre.structures.certificates.root_chain).
    rows = db.scalars(select(TrustRootV2).order_by(TrustRootV2.sequence)).all()
    if not rows:
        return None
    return {
        "first": json.loads(rows[0].root),
        "links": [json.loads(r.link) for r in rows if r.link is not None],
    }
