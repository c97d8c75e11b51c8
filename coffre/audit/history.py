"""A person's history: the slice of the audit trail about them, in their words.

DESIGN.md "Traceability": the person sees who opened which of their documents, when,
for what and why ("Mme X, CAF du Puy-de-Dôme, a ouvert votre avis d'imposition le 3
mars pour ouverture de droits RSA"). ``History`` reads the trail's entries whose
person concerned is the caller, keeps the actions a person cares about (``SHOWN``),
and names everything the trail names by id: the professional and their structure
(looked up now: the trail never freezes a name), the document's category, the
purpose's label in the charter version the grant was made under. The document's
title is not here: the server cannot read it; the page and the CLI decrypt it from
the document id.

Reading one's own history is not recorded (it is a read of one's own data, and
recording it would make the history grow each time it is looked at); the export is
(``coffre.audit.exports``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import repository
from coffre.audit.models import AuditEntry
from coffre.audit.wording import describe
from coffre.clock import Clock
from coffre.consent import repository as consent
from coffre.consent.charter import Charter
from coffre.consent.gate import charter_of
from coffre.consent.grants import GrantService, GrantView
from coffre.consent.models import AccessRequest, Grant
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.ids import is_valid_id
from coffre.policy import Action, Actor, Role, can
from coffre.structures.errors import NotAllowed
from coffre.structures.models import ProfessionalProfile, Structure
from coffre.vault import repository as vault
from coffre.vault.categories import CATEGORIES
from coffre.vault.models import Document

# Relays: the professional each entry names is in its details (the orienting one, or
# the one of the receiving structure who took, declined or answered).
RELAY_ACTIONS = (
    "relay.proposed",
    "relay.agreed",
    "relay.refused",
    "relay.taken",
    "relay.declined",
    "relay.reminded",
    "relay.expired",
    "relay.closed",
    "relay.returned",
)

# Reminders sent to the person (coffre/reminders/): their own, and the system's about
# a document, a grant or a request (the object the entry names).
REMINDER_ACTIONS = (
    "reminder.own",
    "reminder.document_expiring",
    "reminder.grant_ending",
    "reminder.request_waiting",
)

# What a person cares about (docs/AUDIT.md, "History and export"): every access to
# their documents by someone else, what they consented to or refused, what was put
# into or taken out of their vault, and what happened to their credentials. Log-outs
# and session lists are left out: they are noise next to these.
SHOWN = frozenset(
    {
        "grant.pull",
        "grant.create",
        "grant.revoke",
        # The grantee reported what came of a grant (coffre/consent/received.py).
        "grant.outcome",
        # A professional's key was revoked while it held the person's grants
        # (coffre/structures/certificates.py): the person is told which.
        "grant.key_revoked",
        "document.deposit",
        "request.create",
        "request.decline",
        "document.upload",
        "document.download",
        "document.update",
        "document.reencrypt",
        "document.delete",
        "account.export",
        "account.signup",
        "account.login",
        "account.passphrase",
        "account.recovery_code",
        "account.recover",
        "account.reset_code",
        "account.reset_request",
        "account.reset_cancel",
        "account.reset",
        "account.totp_on",
        "account.totp_off",
        # Recovery through a trusted contact (coffre/contacts/service.py): every step.
        "contact.name",
        "contact.remove",
        "contact.request",
        "contact.refuse",
        "contact.release",
        "account.contact_recover",
        # The référent de parcours (coffre/referents/service.py): every step.
        "referent.proposed",
        "referent.designated",
        "referent.declined",
        "referent.ended",
        "referent.expiry_count_shown",
        "referent.expiry_count_hidden",
        "referent.handover_named",
        "referent.handover_accepted",
        "referent.handover_refused",
        "referent.membership_ended",
        "referent.absence_ended",
        # Relays between structures (coffre/relays/service.py): every change.
        *RELAY_ACTIONS,
        # Each reminder sent (docs/REMINDERS.md).
        *REMINDER_ACTIONS,
    }
)

# Actions where the other party is the actor (a professional acting on the person)…
_BY_PROFESSIONAL = frozenset(
    {
        "grant.pull",
        "grant.outcome",
        "document.deposit",
        "request.create",
        "referent.proposed",
        "referent.handover_named",
    }
)
# … and where the person acted towards a professional named in the entry's details.
_TOWARDS_PROFESSIONAL = frozenset(
    {
        "grant.create",
        "grant.revoke",
        "grant.key_revoked",
        "request.decline",
        "referent.designated",
        "referent.declined",
        "referent.ended",
        "referent.expiry_count_shown",
        "referent.expiry_count_hidden",
        "referent.handover_accepted",
        "referent.handover_refused",
        "referent.membership_ended",
        "referent.absence_ended",
        *RELAY_ACTIONS,
        # The grant's professional, or the one waiting for the answer.
        "reminder.grant_ending",
        "reminder.request_waiting",
    }
)

_ROLE_NAMES = {
    Role.TERRITORY_ADMIN.value: "l'administration du territoire",
    Role.CHARTER_OFFICER.value: "la personne chargée de la charte",
    Role.PROFESSIONAL.value: "un·e professionnel·le",
    "operator": "l'exploitant du service",
}


@dataclass(frozen=True)
class Party:
    """Who did something, or whom the person dealt with.

    ``kind``: ``self`` (the person: named "vous"), ``professional``,
    ``territory_admin``, ``charter_officer``, ``operator`` (at the server's console),
    ``unknown`` (a failed login: whoever typed the wrong passphrase).
    """

    kind: str
    name: str
    account_id: str | None = None
    structure_id: str | None = None
    structure_name: str | None = None


YOU = Party("self", "vous")


@dataclass(frozen=True)
class DocumentRef:
    id: str
    category: str
    category_label: str


@dataclass(frozen=True)
class EntryLeaf:
    """What the person's page needs to recompute an entry's leaf (auditlog/SPEC.md §1)
    and check it is in a cosigned checkpoint: the stored event and its salt."""

    body: str
    salt: bytes


@dataclass(frozen=True)
class HistoryItem:
    """One entry of the person's history, with everything named."""

    seq: int
    at: datetime
    action: str
    outcome: str
    who: Party
    professional: Party | None = None
    documents: tuple[DocumentRef, ...] = ()
    category: str | None = None  # the document's, or the one a request asked for
    category_label: str | None = None
    grant_id: str | None = None
    request_id: str | None = None
    purpose: str | None = None
    purpose_label: str | None = None
    reason: str | None = None  # what the professional stated when pulling
    refusal: str | None = None  # a refused pull: revoked | expired | exhausted | conditions
    until: datetime | None = None  # a grant's end
    # grant.outcome: what the grantee reported (right_opened | document_unreadable |
    # document_missing).
    report: str | None = None
    summary: str = field(default="", compare=False)
    # None once retention removed the body (the entry then leaves the history anyway).
    leaf: EntryLeaf | None = field(default=None, compare=False)


@dataclass(frozen=True)
class ExportedDocument:
    """A live document of the vault with what the client needs to decrypt and check it."""

    document: Document
    sealed_key: bytes
    deposit_envelope: dict[str, Any] | None = None
    depositor: Party | None = None


@dataclass(frozen=True)
class ExportData:
    """Everything the export's manifest holds, but the decrypted contents."""

    account_id: str
    login: str
    exported_at: datetime
    documents: list[ExportedDocument]
    grants: list[GrantView]
    history: list[HistoryItem]
    verifier_key: str = ""
    checkpoint: str = ""


class History:
    def __init__(self, db: Database, clock: Clock, grants: GrantService) -> None:
        self._db = db
        self._clock = clock
        self._grants = grants

    def for_person(
        self,
        actor: Actor,
        document_id: str | None = None,
        professional_id: str | None = None,
    ) -> list[HistoryItem]:
        """The caller's history, newest first, optionally about one document or one
        professional. Persons only (``not_allowed`` otherwise)."""
        if not can(actor, Action.AUDIT_HISTORY):
            raise NotAllowed()
        with self._db.unit_of_work() as db:
            return self.items(db, actor.account_id, document_id, professional_id)

    def for_export(self, actor: Actor) -> ExportData:
        """Documents, grants (as ``GET /grants``) and the whole history of the caller.

        Nothing is recorded here: ``coffre.audit.exports.Exports.record`` is the
        operation, which records one ``account.export`` entry and calls
        ``export_parts`` in the same unit of work."""
        if not can(actor, Action.ACCOUNT_EXPORT):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            login, documents = self.documents(db, actor)
            history = self.items(db, actor.account_id)
        return ExportData(
            account_id=actor.account_id,
            login=login,
            exported_at=now,
            documents=documents,
            grants=self._grants.list_mine(actor),
            history=history,
        )

    def documents(self, db: DbSession, actor: Actor) -> tuple[str, list[ExportedDocument]]:
        """The caller's login and live documents, oldest first, deposits named."""
        account = db.get(Account, actor.account_id)
        if account is None or account.deleted_at is not None:
            raise NotAllowed()
        names = _Names(db)
        exported = []
        for document, sealed in reversed(vault.list_visible(db, actor)):
            envelope = None
            depositor = None
            if document.deposit is not None and document.deposited_by is not None:
                envelope = json.loads(document.deposit)
                statement = envelope.get("statement") if isinstance(envelope, dict) else None
                structure = statement.get("structure") if isinstance(statement, dict) else None
                depositor = names.party(
                    document.deposited_by,
                    Role.PROFESSIONAL.value,
                    structure if isinstance(structure, str) else None,
                    actor.account_id,
                )
            exported.append(ExportedDocument(document, sealed.sealed_key, envelope, depositor))
        return account.login, exported

    def items(
        self,
        db: DbSession,
        person_id: str,
        document_id: str | None = None,
        professional_id: str | None = None,
    ) -> list[HistoryItem]:
        """The history inside the caller's unit of work (the export's, too)."""
        if (document_id is not None and not is_valid_id(document_id)) or (
            professional_id is not None and not is_valid_id(professional_id)
        ):
            return []
        names = _Names(db)
        found = []
        for entry in repository.entries_about_person(db, person_id, SHOWN):
            item = _item(db, names, entry, person_id)
            if document_id is not None and all(d.id != document_id for d in item.documents):
                continue
            if professional_id is not None and (
                item.professional is None or item.professional.account_id != professional_id
            ):
                continue
            found.append(item)
        return found


# -- building an item -------------------------------------------------------------


def _details(entry: AuditEntry) -> Mapping[str, Any]:
    """The event's details; empty once its retention ended (the body is deleted)."""
    if entry.body is None:
        return {}
    try:
        details = json.loads(entry.body).get("details")
    except (ValueError, AttributeError):
        return {}
    return details if isinstance(details, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _item(db: DbSession, names: _Names, entry: AuditEntry, person_id: str) -> HistoryItem:
    details = _details(entry)
    action = entry.action
    grant = _grant(db, entry, details)
    request = (
        db.get(AccessRequest, entry.object_id)
        if entry.object_type == "request" and entry.object_id is not None
        else None
    )
    who = names.party(entry.actor_id, entry.actor_role, entry.structure_id, person_id)
    if action == "account.login" and entry.outcome != "ok":
        who = Party("unknown", "quelqu'un")
    professional: Party | None = None
    if action in _BY_PROFESSIONAL and who.kind != "self":
        professional = who
    elif action in _TOWARDS_PROFESSIONAL:
        pro_id = _text(details.get("professional"))
        pro_id = pro_id or (grant.professional_id if grant is not None else None)
        pro_id = pro_id or (request.professional_id if request is not None else None)
        if pro_id is not None:
            professional = names.party(pro_id, "professional", entry.structure_id, person_id)
    documents = _documents(db, entry, details, grant)
    category = documents[0].category if len(documents) == 1 else None
    if request is not None:
        category = request.category
    category = category or _text(details.get("category"))
    purpose = entry.purpose or (grant.purpose if grant is not None else None)
    version = grant.charter_version if grant is not None else details.get("charter_version")
    until = grant.not_after if grant is not None and action.startswith("grant.") else None
    if action in ("reminder.grant_ending", "reminder.document_expiring"):
        until = _until(details, grant)
    refusal = None
    if action == "grant.pull" and entry.outcome != "ok":
        state = _text(details.get("state"))
        refusal = state if state in ("revoked", "expired", "exhausted") else "conditions"
    item = HistoryItem(
        seq=entry.seq,
        at=entry.at,
        action=action,
        outcome=entry.outcome,
        who=who,
        professional=professional,
        documents=documents,
        category=category,
        category_label=CATEGORIES.get(category, category) if category else None,
        grant_id=grant.id if grant is not None else _text(details.get("grant")),
        request_id=(
            entry.object_id if entry.object_type == "request" else _text(details.get("request"))
        ),
        purpose=purpose,
        purpose_label=(
            names.purpose_label(purpose, version if isinstance(version, int) else None, entry.at)
            if purpose
            else None
        ),
        reason=entry.reason,
        refusal=refusal,
        until=until,
        report=_text(details.get("outcome")) if action == "grant.outcome" else None,
        leaf=(
            EntryLeaf(entry.body, entry.salt)
            if entry.body is not None and entry.salt is not None
            else None
        ),
    )
    return replace(item, summary=describe(item))


def _until(details: Mapping[str, Any], grant: Grant | None) -> datetime | None:
    """A reminder's end: the grant's, or the document's expiry date the reminder named
    (noon in the territory, so the day reads the same in every French time zone)."""
    if grant is not None:
        return grant.not_after
    text = _text(details.get("expires_on"))
    try:
        day = date.fromisoformat(text) if text is not None else None
    except ValueError:
        return None
    return datetime.combine(day, time(12), TERRITORY_ZONE) if day is not None else None


def _grant(db: DbSession, entry: AuditEntry, details: Mapping[str, Any]) -> Grant | None:
    if entry.object_type == "grant" and entry.object_id is not None:
        return db.get(Grant, entry.object_id)
    grant_id = _text(details.get("grant"))
    return db.get(Grant, grant_id) if grant_id is not None and is_valid_id(grant_id) else None


def _documents(
    db: DbSession, entry: AuditEntry, details: Mapping[str, Any], grant: Grant | None
) -> tuple[DocumentRef, ...]:
    ids: Iterable[object]
    if entry.object_type == "document" and entry.object_id is not None:
        ids = [entry.object_id]
    elif isinstance(details.get("documents"), list):
        ids = details["documents"]
    elif grant is not None:
        ids = [shared.document_id for shared in consent.grant_documents(db, grant.id)]
    else:
        return ()
    refs = []
    for document_id in ids:
        if not isinstance(document_id, str) or not is_valid_id(document_id):
            continue
        # Deleted documents stay as tombstones: their category is still known.
        document = db.get(Document, document_id)
        category = document.category if document is not None else _text(details.get("category"))
        if category is None:
            continue
        refs.append(DocumentRef(document_id, category, CATEGORIES.get(category, category)))
    return tuple(refs)


class _Names:
    """Names looked up once per history: professionals, structures, charter versions."""

    def __init__(self, db: DbSession) -> None:
        self._db = db
        self._charters: dict[object, Charter | None] = {}

    def party(
        self,
        account_id: str | None,
        role: str | None,
        structure_id: str | None,
        person_id: str,
    ) -> Party:
        if account_id is not None and account_id == person_id:
            return YOU
        if account_id is None:
            kind = "operator" if role == "operator" else "unknown"
            return Party(kind, _ROLE_NAMES.get(kind, "quelqu'un"))
        profile = self._db.get(ProfessionalProfile, account_id)
        structure = self._db.get(Structure, structure_id) if structure_id else None
        kind = role or Role.PROFESSIONAL.value
        return Party(
            kind=kind,
            name=profile.display_name if profile is not None else _ROLE_NAMES.get(kind, "—"),
            account_id=account_id,
            structure_id=structure.id if structure is not None else None,
            structure_name=structure.name if structure is not None else None,
        )

    def purpose_label(self, code: str, version: int | None, at: datetime) -> str:
        """The purpose's label in the grant's charter version, else the one in force then."""
        key: object = version if version is not None else at.astimezone(TERRITORY_ZONE).date()
        if key not in self._charters:
            if version is not None:
                row = consent.charter_version(self._db, version)
            else:
                day = at.astimezone(TERRITORY_ZONE).date()
                row = consent.charter_in_force(self._db, day) or consent.latest_charter(self._db)
            self._charters[key] = charter_of(row) if row is not None else None
        charter = self._charters[key]
        found = charter.purpose(code) if charter is not None else None
        return found.label if found is not None else code
