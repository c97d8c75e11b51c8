"""Deposits, the directory of professionals, and a person's box key for a depositor.

A professional deposits a document (attestation de domiciliation, notification CAF)
into the vault of a person they are linked with (the person granted them something
or answered one of their requests): encrypted to the person by the professional's
client, signed by the professional (SPEC §16) as proof of origin. The depositor gets
no key: they cannot read it back unless the person grants it. A v2 deposit (SPEC §24.3)
is also the document's binding: it names the id, version 1, the person, the key
commitment and the three hashes, checked against what was stored; it is kept as the
JSON text the depositor signed. A v1 deposit into (or by) an account that writes v2
is refused.

The directory lists the professionals a person may share with: certified, active
members of structures adhering to the charter in force, optionally for one purpose.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository
from coffre.consent.errors import InvalidDeposit, PersonNotFound
from coffre.consent.gate import charter_in_force
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.ids import is_valid_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, PersonLink, Role, can
from coffre.structures import repository as structures
from coffre.structures.certificates import require_live
from coffre.structures.errors import NotAllowed
from coffre.structures.models import Membership, ProfessionalProfile, Structure
from coffre.structures.standing import standing_of
from coffre.vault import formats
from coffre.vault.errors import FormatV1Refused
from coffre.vault.models import Document
from coffre.vault.service import DocumentView, NewDocument, Origin, VaultService
from crypto import CryptoError, verify_statement
from crypto.consent import read_deposit
from crypto.statements_v2 import DEPOSIT


@dataclass(frozen=True)
class ListedProfessional:
    account_id: str
    display_name: str
    profession: str
    structure: Structure


@dataclass(frozen=True)
class Depositor:
    account_id: str
    display_name: str
    structure_name: str


class DepositService:
    def __init__(self, db: Database, clock: Clock, vault: VaultService) -> None:
        self._db = db
        self._clock = clock
        self._vault = vault

    def directory(self, actor: Actor, purpose: str | None) -> list[ListedProfessional]:
        """Professionals one may share with under the charter in force."""
        if not can(actor, Action.DIRECTORY_READ):
            raise NotAllowed()
        today = self._clock.now().astimezone(TERRITORY_ZONE).date()
        with self._db.unit_of_work() as db:
            charter = charter_in_force(db, today)
            if charter is None:
                return []
            allowed = None
            if purpose is not None:
                found = charter.purpose(purpose)
                if found is None:
                    return []
                allowed = set(found.professions)
            query = (
                select(Membership, ProfessionalProfile, Structure)
                .join(ProfessionalProfile, ProfessionalProfile.account_id == Membership.account_id)
                .join(Structure, Structure.id == Membership.structure_id)
                .join(Account, Account.id == Membership.account_id)
                .where(
                    Membership.left_at.is_(None),
                    Membership.certificate.is_not(None),
                    Account.kind == Role.PROFESSIONAL.value,
                    Account.deleted_at.is_(None),
                )
                .order_by(Structure.name, ProfessionalProfile.display_name)
            )
            listed = []
            for _membership, profile, structure in db.execute(query).all():
                if not charter.adheres(structure.id, today, siret=structure.siret):
                    continue
                if allowed is not None and profile.profession not in allowed:
                    continue
                listed.append(
                    ListedProfessional(
                        profile.account_id, profile.display_name, profile.profession, structure
                    )
                )
            return listed

    def linked_persons(self, actor: Actor) -> list[Account]:
        """The persons a professional may deposit for: those who ever granted them
        something or answered one of their requests."""
        if not can(actor, Action.DEPOSIT_PERSONS):
            raise NotAllowed()
        with self._db.unit_of_work() as db:
            return list(repository.linked_persons(db, actor))

    def person_box_key(self, actor: Actor, person_id: str) -> bytes:
        """The box key of a person the professional is linked with (to deposit)."""
        with self._db.unit_of_work() as db:
            person = self._linked_person(db, actor, person_id)
            return person.box_public_key

    def deposit(
        self,
        actor: Actor,
        person_id: str,
        new: NewDocument,
        envelope_text: str,
        chunks: Iterable[bytes],
    ) -> DocumentView:
        """Store a deposited document; nothing is kept if the statement does not match.

        ``envelope_text``: the deposit envelope's JSON text, v1 (SPEC §16) or v2 (SPEC
        §24.3, with ``new.document_id`` the id it names)."""
        envelope = _envelope(envelope_text)
        with self._db.unit_of_work() as db:
            depositor = db.get(Account, actor.account_id)
            person = self._linked_person(db, actor, person_id)
            if depositor is None:
                raise NotAllowed()
            bound: formats.Bound | None = None
            if _is_v2(envelope):
                bound = formats.verify_envelope(
                    envelope_text,
                    signer=depositor.sign_public_key,
                    kind=DEPOSIT,
                    document_id=new.document_id or "",
                    owner_id=person_id,
                    error=InvalidDeposit,
                )
                structure_id = str(bound.statement["structure"])
                document_id = bound.parts.document
                ciphertext_sha256 = bound.parts.ciphertext_sha256
                mismatch = (
                    bound.statement["depositor"] != actor.account_id
                    or bound.statement["category"] != new.category
                    or bound.parts.version != 1
                )
                statement_json = envelope_text
            else:
                if depositor.crypto_format >= formats.V2 or person.crypto_format >= formats.V2:
                    raise FormatV1Refused()
                try:
                    statement = verify_statement(
                        dict(envelope), expected_signer=depositor.sign_public_key
                    )
                    deposit = read_deposit(statement)
                except CryptoError as exc:
                    raise InvalidDeposit() from exc
                structure_id = deposit.structure
                document_id = deposit.document
                ciphertext_sha256 = deposit.ciphertext_sha256
                mismatch = (
                    deposit.person != person_id
                    or deposit.depositor != actor.account_id
                    or deposit.category != new.category
                )
                statement_json = json.dumps(dict(envelope), ensure_ascii=False, sort_keys=True)
            if mismatch or db.get(Document, document_id) is not None:
                raise InvalidDeposit()
            membership = structures.active_membership(db, actor.account_id, structure_id)
            link = PersonLink(standing=standing_of(membership), linked=True)
            if not can(actor, Action.DEPOSIT_CREATE, link):
                raise NotAllowed()
            # An ended or revoked certificate deposits nothing new (the server's gate).
            require_live(membership, self._clock.now())
            profile = db.get(ProfessionalProfile, actor.account_id)
            structure = db.get(Structure, structure_id)
            names = {
                "professional": profile.display_name if profile else "",
                "structure": structure.name if structure else "",
            }

        def record(db: DbSession, document: Document, now: datetime) -> None:
            entry = audit.by(
                actor,
                "document.deposit",
                person_id=person_id,
                structure_id=structure_id,
                object_type="document",
                object_id=document.id,
                details={"category": document.category},
            )
            audit.append(db, entry, now)
            notify(
                db,
                person_id,
                Kind.DEPOSIT_RECEIVED,
                {"document": document.id, "category": document.category, **names},
                now,
            )

        origin = Origin(
            document_id=document_id,
            depositor_id=actor.account_id,
            statement_json=statement_json,
            ciphertext_sha256=ciphertext_sha256,
            mismatch=InvalidDeposit(),
            record=record,
            bound=bound,
        )
        return self._vault.deposit(actor, link, person_id, new, chunks, origin)

    def depositors(self, document_ids: Iterable[str]) -> dict[str, Depositor]:
        """Who deposited each of these documents (for the person's list)."""
        found: dict[str, Depositor] = {}
        with self._db.unit_of_work() as db:
            for document_id in document_ids:
                document = db.get(Document, document_id)
                if document is None or document.deposited_by is None or document.deposit is None:
                    continue
                profile = db.get(ProfessionalProfile, document.deposited_by)
                statement = json.loads(document.deposit).get("statement", {})
                structure = db.get(Structure, str(statement.get("structure", "")))
                found[document_id] = Depositor(
                    account_id=document.deposited_by,
                    display_name=profile.display_name if profile else "",
                    structure_name=structure.name if structure else "",
                )
        return found

    def _linked_person(self, db: DbSession, actor: Actor, person_id: str) -> Account:
        if not can(actor, Action.DEPOSIT_PERSONS):
            raise NotAllowed()
        person = db.get(Account, person_id) if is_valid_id(person_id) else None
        if (
            person is None
            or person.kind != Role.PERSON.value
            or person.deleted_at is not None
            or not repository.has_link(db, actor.account_id, person.id)
        ):
            raise PersonNotFound()
        return person


def _envelope(text: str) -> dict[str, Any]:
    """The deposit envelope in ``text``: read strictly for v2 (SPEC §18.1), as before for
    v1 (whose text the server re-serialises, as it always did)."""
    try:
        envelope = json.loads(text)
    except ValueError as exc:
        raise InvalidDeposit() from exc
    if not isinstance(envelope, dict):
        raise InvalidDeposit()
    return envelope


def _is_v2(envelope: Mapping[str, Any]) -> bool:
    statement = envelope.get("statement")
    return isinstance(statement, dict) and statement.get("v") == formats.V2
