"""Relays between structures (prise de relais): the rules (docs/NETWORK.md, "Relais").

A professional orients a person they accompany to a directory service of another
structure, for one purpose the charter's ``[relais]`` block lists, between kinds of
structures it allows, naming the document categories the service needs; the liaison
note (SPEC §29) travels encrypted, the server checks only its size and its author's
signature. The person agrees in their own session (choosing the documents, by
reference) or refuses; only then does the target structure see the relay, and one of
its certified members takes or declines it. The orienting professional stays
responsible until it is taken; ``sweep`` reminds them once after
``rappel_apres_jours`` and expires the relay after ``expire_apres_jours``.

Every change is one conditional UPDATE (``coffre.relays.repository``): of parallel
answers one wins; the others get ``relay_already_answered`` and change nothing. The
winner writes the audit entry (``relay.*``) and the notifications in the same
transaction. A refusal by the policy is ``relay_not_found``, exactly as an unknown id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository as consent
from coffre.consent.charter import Charter
from coffre.consent.errors import PersonNotFound
from coffre.consent.gate import charter_in_force, charter_of
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.directory import repository as directory
from coffre.ids import is_valid_id
from coffre.notifications import preferences
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, PersonLink, Role, can, scope
from coffre.policy.relays import RelayFacts
from coffre.relays import repository
from coffre.relays.errors import (
    RelayAlreadyAnswered,
    RelayDocumentsRefused,
    RelayExists,
    RelayInvalid,
    RelayNoteInvalid,
    RelayNoteTooBig,
    RelayNotFound,
    RelayOutsideCharter,
    ServiceNotFound,
)
from coffre.relays.models import (
    CloseReason,
    NoteKind,
    Relay,
    RelayDocument,
    RelayNoteKey,
    RelayState,
)
from coffre.structures import repository as structures
from coffre.structures.errors import NotAllowed
from coffre.structures.models import ProfessionalProfile, Structure
from coffre.structures.standing import standing_of
from coffre.text import is_clean_text
from coffre.vault.models import Document
from coffre.webhooks import EventType, emit
from crypto import CryptoError
from crypto.relay_note import ENVELOPE_SIZES, SEALED_NOTE_KEY_BYTES, verify_note

log = logging.getLogger(__name__)

MAX_CATEGORIES = 10
MAX_DOCUMENTS = 20
REASON_MIN, REASON_MAX = 3, 300
MAX_NOTE_BYTES = max(ENVELOPE_SIZES)  # SPEC §29.3: 2000 characters at most
SWEEP_BATCH = 200
RELAY_PAGE = 50  # GET /relays: a page at a time (``cursor``), never a silent cap
RELAY_PAGE_MAX = 200
SWEEP_ROUNDS = 50  # at most 10 000 reminders and 10 000 expiries per run; the next run goes on


@dataclass(frozen=True)
class Named:
    id: str
    name: str


@dataclass(frozen=True)
class PublicKeys:
    """An account's public keys, as the server has them (the client verifies them up
    to the territory's root before it trusts them, SPEC §26.4)."""

    account_id: str
    box_public_key: bytes
    sign_public_key: bytes


@dataclass(frozen=True)
class RelayView:
    """A relay as one actor may see it: names, and only that actor's keys. The API
    reads it attribute by attribute (pydantic ``from_attributes``)."""

    relay: Relay
    person: Named
    orienting: Named
    orienting_structure: Named
    responsible: Named
    service: Named
    target_structure: Named
    taker: Named | None
    purpose_label: str
    documents: list[str] | None  # the person and the taker only
    note: bytes | None  # only with the actor's sealed key
    note_key: bytes | None
    return_note: bytes | None
    return_key: bytes | None
    # The public keys a reader checks the notes with, and a writer seals to.
    keys: tuple[PublicKeys, ...] = ()

    id = property(lambda self: self.relay.id)
    purpose = property(lambda self: self.relay.purpose)
    categories = property(lambda self: list(self.relay.categories))
    state = property(lambda self: self.relay.state)
    charter_version = property(lambda self: self.relay.charter_version)
    created_at = property(lambda self: self.relay.created_at)
    agreed_at = property(lambda self: self.relay.agreed_at)
    taken_by = property(lambda self: self.relay.taken_by)
    taken_at = property(lambda self: self.relay.taken_at)
    decline_reason = property(lambda self: self.relay.decline_reason)
    remind_at = property(lambda self: self.relay.remind_at)
    reminded_at = property(lambda self: self.relay.reminded_at)
    expires_at = property(lambda self: self.relay.expires_at)
    closed_at = property(lambda self: self.relay.closed_at)
    close_reason = property(lambda self: self.relay.close_reason)
    returned_at = property(lambda self: self.relay.returned_at)


@dataclass(frozen=True)
class NewRelay:
    id: str
    person_id: str
    service_id: str
    purpose: str
    categories: Sequence[str]
    note: bytes
    note_keys: Sequence[tuple[str, bytes]]  # (recipient id, sealed note key)
    structure_id: str | None = None  # the orienting structure, if the caller has several


@dataclass(frozen=True)
class SweepReport:
    reminded: int
    expired: int


class RelayService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- the orienting professional ------------------------------------------------
    def propose(self, actor: Actor, new: NewRelay) -> RelayView:
        """Orient a person to a service; nothing is stored if anything is off."""
        if not can(actor, Action.RELAY_ORIENT):
            raise NotAllowed()
        if not is_valid_id(new.id):
            raise RelayInvalid(message_fr="L'identifiant du relais est mal formé.")
        categories = _categories(new.categories)
        now = self._clock.now()
        today = now.astimezone(TERRITORY_ZONE).date()
        with self._db.unit_of_work() as db:
            person = db.get(Account, new.person_id) if is_valid_id(new.person_id) else None
            orienting = self._orienting_structure(db, actor, new.structure_id)
            linked = person is not None and person.kind == Role.PERSON.value
            linked = linked and person is not None and person.deleted_at is None
            linked = linked and _accompanies(db, actor.account_id, new.person_id)
            membership = (
                structures.active_membership(db, actor.account_id, orienting.id)
                if orienting is not None
                else None
            )
            link = PersonLink(standing=standing_of(membership), linked=linked)
            if person is None or orienting is None or not can(actor, Action.RELAY_CREATE, link):
                raise PersonNotFound()
            found = directory.service(db, new.service_id) if is_valid_id(new.service_id) else None
            if found is None:
                raise ServiceNotFound()
            service, entry = found
            target = db.get(Structure, entry.structure_id) if entry.structure_id else None
            if target is None:
                raise RelayOutsideCharter(
                    message_fr=(
                        "La structure de ce service n'est pas inscrite sur Coffre : un relais "
                        "n'est pas possible. Orientez la personne par les contacts du service."
                    )
                )
            if target.id == orienting.id:
                raise RelayOutsideCharter(
                    message_fr=(
                        "Ce service est celui de votre propre structure : un relais se fait "
                        "vers une autre structure."
                    )
                )
            charter = charter_in_force(db, today)
            if charter is None:
                raise RelayOutsideCharter()
            decision = charter.permits_relay(new.purpose, categories, orienting.kind, target.kind)
            if not decision:
                raise RelayOutsideCharter(message_fr=decision.reason_fr)
            for structure in (orienting, target):
                if not charter.adheres(structure.id, today, siret=structure.siret):
                    raise RelayOutsideCharter(
                        message_fr=(
                            f"« {structure.name} » n'adhère pas à la charte du territoire "
                            f"(version {charter.version}) : un relais n'est pas possible."
                        )
                    )
            author = db.get(Account, actor.account_id)
            if author is None:
                raise NotAllowed()
            _check_note(new.note, new.id, NoteKind.NOTE, actor.account_id, author.sign_public_key)
            note_keys = _check_keys(new.note_keys, {actor.account_id, person.id})
            settings = charter.relays
            assert settings is not None  # permits_relay refused a charter without [relais]
            relay = Relay(
                id=new.id,
                person_id=person.id,
                orienting_id=actor.account_id,
                orienting_structure_id=orienting.id,
                responsible_id=actor.account_id,
                service_id=service.id,
                target_structure_id=target.id,
                purpose=new.purpose,
                categories=categories,
                state=RelayState.PROPOSED.value,
                charter_version=charter.version,
                created_at=now,
                remind_at=now + timedelta(days=settings.remind_after_days),
                expires_at=now + timedelta(days=settings.expire_after_days),
                note=new.note,
                updated_at=now,
            )
            if db.get(Relay, new.id) is not None:
                raise RelayExists()
            db.add(relay)
            try:
                db.flush()
            except IntegrityError as exc:  # the same relay sent twice at once
                raise RelayExists() from exc
            for recipient, sealed in note_keys.items():
                db.add(
                    RelayNoteKey(
                        relay_id=relay.id,
                        which=NoteKind.NOTE.value,
                        recipient_id=recipient,
                        sealed_key=sealed,
                    )
                )
            self._record(
                db, actor, relay, "relay.proposed", now, details={"categories": categories}
            )
            db.flush()
            return self._view(db, actor, relay)

    # -- the person ------------------------------------------------------------------
    def agree(self, actor: Actor, relay_id: str, document_ids: Sequence[str]) -> RelayView:
        """The person agrees and names their documents (references, never copies)."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_ANSWER)
            chosen = _own_documents(db, actor, relay, document_ids)
            if not repository.agree(db, relay.id, now):
                raise RelayAlreadyAnswered()
            for document_id in chosen:
                db.add(RelayDocument(relay_id=relay.id, document_id=document_id))
            db.refresh(relay)
            self._record(db, actor, relay, "relay.agreed", now, details={"documents": chosen})
            # The relay reaches its target structure: that structure's webhooks.
            emit(
                db,
                relay.target_structure_id,
                EventType.RELAY_ARRIVED,
                {"relay_id": relay.id, "agreed_at": now, "expires_at": relay.expires_at},
                now,
            )
            db.flush()
            return self._view(db, actor, relay)

    def refuse(self, actor: Actor, relay_id: str) -> RelayView:
        """The person refuses before agreeing: the relay is closed."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_ANSWER)
            if not repository.refuse(db, relay.id, now):
                raise RelayAlreadyAnswered()
            db.refresh(relay)
            self._record(db, actor, relay, "relay.refused", now)
            return self._view(db, actor, relay)

    # -- the receiving structure -----------------------------------------------------
    def take(self, actor: Actor, relay_id: str) -> RelayView:
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_TAKE)
            if not repository.take(db, relay.id, actor.account_id, now):
                raise RelayAlreadyAnswered()
            db.refresh(relay)
            self._record(db, actor, relay, "relay.taken", now)
            return self._view(db, actor, relay)

    def decline(self, actor: Actor, relay_id: str, reason: str) -> RelayView:
        text = _reason(reason)
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_TAKE)
            if not repository.decline(db, relay.id, text, now):
                raise RelayAlreadyAnswered()
            db.refresh(relay)
            self._record(db, actor, relay, "relay.declined", now, reason=text)
            return self._view(db, actor, relay)

    def send_return(
        self, actor: Actor, relay_id: str, note: bytes, note_keys: Sequence[tuple[str, bytes]]
    ) -> RelayView:
        """The taker's short return, to the responsible professional and the person."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_RETURN)
            author = db.get(Account, actor.account_id)
            if author is None:
                raise NotAllowed()
            _check_note(note, relay.id, NoteKind.RETURN, actor.account_id, author.sign_public_key)
            readers = {actor.account_id, relay.person_id, relay.responsible_id}
            referent = _referent_of(db, relay.person_id)
            allowed = readers | {relay.orienting_id} | ({referent} if referent else set())
            keys = _check_keys(note_keys, readers, allowed=allowed)
            if not repository.send_return(db, relay.id, actor.account_id, note, now):
                raise RelayAlreadyAnswered()
            for recipient, sealed in keys.items():
                db.add(
                    RelayNoteKey(
                        relay_id=relay.id,
                        which=NoteKind.RETURN.value,
                        recipient_id=recipient,
                        sealed_key=sealed,
                    )
                )
            db.refresh(relay)
            self._record(db, actor, relay, "relay.returned", now)
            db.flush()
            return self._view(db, actor, relay)

    # -- either side -------------------------------------------------------------------
    def close(self, actor: Actor, relay_id: str, reason: str | None) -> RelayView:
        """The person (``ended_by_person``) or the orienting/responsible professional
        (``ended_by_orienting``, or ``done`` once taken) closes an open relay."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_CLOSE)
            # The person closes as the person (the one who answers for it).
            if can(actor, Action.RELAY_ANSWER, self._facts(db, actor, relay)):
                allowed = {CloseReason.ENDED_BY_PERSON.value}
                chosen = reason or CloseReason.ENDED_BY_PERSON.value
            else:
                allowed = {CloseReason.ENDED_BY_ORIENTING.value, CloseReason.DONE.value}
                chosen = reason or CloseReason.ENDED_BY_ORIENTING.value
            if chosen not in allowed:
                raise RelayInvalid(message_fr="Ce motif de clôture n'est pas possible ici.")
            if not repository.close(db, relay.id, chosen, now):
                raise RelayAlreadyAnswered()
            db.refresh(relay)
            self._record(db, actor, relay, "relay.closed", now, details={"reason": chosen})
            return self._view(db, actor, relay)

    def add_note_key(
        self, actor: Actor, relay_id: str, which: str, recipient_id: str, sealed_key: bytes
    ) -> RelayView:
        """A holder of the note key seals it to one more reader: the taker for the note
        (once taken), a new responsible professional or the référent for the return.
        A key already there stays as it is (the first one written is kept)."""
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_NOTE_KEY)
            if which not in (NoteKind.NOTE.value, NoteKind.RETURN.value):
                raise RelayInvalid(message_fr="« which » vaut « note » ou « return ».")
            referent = _referent_of(db, relay.person_id)
            if which == NoteKind.NOTE.value:
                readers = {relay.person_id, relay.orienting_id, relay.responsible_id}
                readers |= {relay.taken_by} if relay.taken_by else set()
                holders = {relay.person_id, relay.orienting_id}
            else:
                if relay.returned_at is None:
                    raise RelayAlreadyAnswered()
                readers = {relay.person_id, relay.orienting_id, relay.responsible_id}
                holders = {relay.person_id, relay.taken_by or "", relay.responsible_id}
            readers |= {referent} if referent else set()
            if actor.account_id not in holders or recipient_id not in readers:
                raise RelayInvalid(
                    message_fr=(
                        "Cette personne ne peut pas recevoir la clé de cette fiche. Rechargez "
                        "le relais et recommencez."
                    )
                )
            if len(sealed_key) != SEALED_NOTE_KEY_BYTES:
                raise RelayNoteInvalid(message_fr="Une clé de la fiche est mal formée.")
            if repository.note_key(db, relay.id, which, recipient_id) is None:
                db.add(
                    RelayNoteKey(
                        relay_id=relay.id,
                        which=which,
                        recipient_id=recipient_id,
                        sealed_key=sealed_key,
                    )
                )
                try:
                    db.flush()
                except IntegrityError:  # written by a parallel call: the first one stays
                    db.rollback()
                    relay = self._relay(db, actor, relay_id, Action.RELAY_NOTE_KEY)
            return self._view(db, actor, relay)

    # -- reading -------------------------------------------------------------------------
    def get(self, actor: Actor, relay_id: str) -> RelayView:
        with self._db.unit_of_work() as db:
            relay = self._relay(db, actor, relay_id, Action.RELAY_READ)
            return self._view(db, actor, relay)

    def list(
        self,
        actor: Actor,
        box: str | None,
        state: str | None,
        cursor: str | None = None,
        limit: int = RELAY_PAGE,
    ) -> RelayPage:
        """The relays the actor may see (``repository.visible_to``, the read rule as a
        query), each checked again by the rule itself; a page at a time, most recently
        changed first: ``next`` is the cursor of the next page, None after the last."""
        after = _parse_cursor(cursor)
        limit = max(1, min(limit, RELAY_PAGE_MAX))
        if not can(actor, Action.RELAY_LIST):
            raise NotAllowed()
        person_id = scope(actor, Action.RELAY_LIST_MINE)
        professional_id = scope(actor, Action.RELAY_LIST_HELD)
        person = person_id is not None
        if box is not None and box not in (("mine",) if person else _PRO_BOXES):
            raise RelayInvalid(message_fr="Cette boîte de relais n'existe pas.")
        if state is not None and state not in {s.value for s in RelayState}:
            raise RelayInvalid(message_fr="Cet état de relais n'existe pas.")
        with self._db.unit_of_work() as db:
            followed = None if professional_id is None else _followed_by(professional_id)
            rows = repository.visible_to(
                db,
                person_id=person_id,
                professional_id=professional_id,
                box=None if box == "mine" else box,
                state=state,
                followed=followed,
                after=after,
                limit=limit + 1,
            )
            more = len(rows) > limit
            rows = rows[:limit]
            look = _Lookups(db)
            look.prefetch(rows, actor.account_id)
            items = [
                self._view(db, actor, relay, look)
                for relay in rows
                if can(actor, Action.RELAY_READ, self._facts(db, actor, relay, look))
            ]
            return RelayPage(items, _cursor_of(rows[-1]) if more else None)

    # -- jobs ----------------------------------------------------------------------------
    def sweep(self, now: datetime | None = None, *, batch: int = SWEEP_BATCH) -> SweepReport:
        """Job: remind the responsible professional once, then expire relays not taken.

        Idempotent and safe to run in parallel: each relay's reminder and expiry is one
        conditional UPDATE, in a unit of work of its own; a sweep that lost the race
        records and tells nothing."""
        now = now or self._clock.now()
        reminded = expired = 0
        for _ in range(SWEEP_ROUNDS):
            with self._db.unit_of_work() as db:
                reminders = list(repository.due_reminders(db, now, batch))
                expiries = list(repository.due_expiries(db, now, batch))
            for relay_id in reminders:
                with self._db.unit_of_work() as db:
                    if repository.remind(db, relay_id, now):
                        relay = db.get(Relay, relay_id)
                        if relay is not None:
                            self._reminded(db, relay, now)
                            reminded += 1
            for relay_id in expiries:
                with self._db.unit_of_work() as db:
                    if repository.expire(db, relay_id, now):
                        relay = db.get(Relay, relay_id)
                        if relay is not None:
                            self._record(db, None, relay, "relay.expired", now)
                            expired += 1
            # A full batch may leave more due; a parallel sweep may have taken them.
            if len(reminders) < batch and len(expiries) < batch:
                break
        if reminded or expired:
            log.info("relays swept: %d reminded, %d expired", reminded, expired)
        return SweepReport(reminded, expired)

    def run_sweep(self) -> None:
        """The background job's entry (coffre/jobs/registry.py)."""
        self.sweep()

    # -- internals -------------------------------------------------------------------------
    def _orienting_structure(
        self, db: DbSession, actor: Actor, structure_id: str | None
    ) -> Structure | None:
        ids = repository.member_structures(db, actor.account_id)
        if structure_id is not None:
            ids = [i for i in ids if i == structure_id]
        if not ids:
            return None
        return db.get(Structure, sorted(ids)[0] if structure_id is None else ids[0])

    def _relay(self, db: DbSession, actor: Actor, relay_id: str, action: Action) -> Relay:
        relay = db.get(Relay, relay_id) if is_valid_id(relay_id) else None
        if relay is None or not can(actor, action, self._facts(db, actor, relay)):
            raise RelayNotFound()
        return relay

    def _facts(
        self, db: DbSession, actor: Actor, relay: Relay, look: _Lookups | None = None
    ) -> RelayFacts:
        look = look or _Lookups(db)
        # Facts only: the rules (coffre/policy/relays.py) decide who they count for.
        member = relay.target_structure_id in look.members(actor.account_id)
        referent = look.referent(relay.person_id) == actor.account_id
        return RelayFacts(
            owner_id=relay.person_id,
            orienting_id=relay.orienting_id,
            responsible_id=relay.responsible_id,
            taken_by=relay.taken_by,
            agreed=relay.agreed_at is not None,
            target_member=member,
            referent=referent,
        )

    def _reminded(self, db: DbSession, relay: Relay, now: datetime) -> None:
        audit.append(db, _entry(None, relay, "relay.reminded"), now)
        data = _data(relay, "reminded")
        # The responsible professional may turn relay reminders off (docs/REMINDERS.md):
        # the relay is still marked reminded and the entry written; nothing is sent.
        wants = preferences.get(db, relay.responsible_id)
        if preferences.reminder_enabled(wants, "relays_not_taken"):
            notify(db, relay.responsible_id, Kind.RELAY_REMINDER, data, now)
        referent = _referent_of(db, relay.person_id)
        if referent is not None and referent != relay.responsible_id:
            notify(db, referent, Kind.RELAY_CHANGED, data, now)

    def _record(
        self,
        db: DbSession,
        actor: Actor | None,
        relay: Relay,
        action: str,
        now: datetime,
        *,
        details: Mapping[str, object] | None = None,
        reason: str | None = None,
    ) -> None:
        """The audit entry and the notifications of one change, in its transaction."""
        audit.append(db, _entry(actor, relay, action, details=details, reason=reason), now)
        event = action.removeprefix("relay.")
        told = {relay.person_id, relay.orienting_id, relay.responsible_id}
        told |= {relay.taken_by} if relay.taken_by else set()
        referent = _referent_of(db, relay.person_id)
        told |= {referent} if referent else set()
        if actor is not None:
            told.discard(actor.account_id)  # nobody is told of what they just did
        for account_id in sorted(told):
            notify(db, account_id, Kind.RELAY_CHANGED, _data(relay, event), now)

    def _view(
        self, db: DbSession, actor: Actor, relay: Relay, look: _Lookups | None = None
    ) -> RelayView:
        names = look or _Lookups(db)
        mine = actor.account_id
        note_key = names.note_key(relay.id, NoteKind.NOTE.value, mine)
        return_key = names.note_key(relay.id, NoteKind.RETURN.value, mine)
        sees_documents = mine in (relay.person_id, relay.taken_by)
        people = {relay.person_id, relay.orienting_id, relay.responsible_id}
        people |= {relay.taken_by} if relay.taken_by else set()
        keys = [k for k in (names.keys(a) for a in sorted(people)) if k is not None]
        return RelayView(
            relay=relay,
            person=Named(relay.person_id, names.person(relay.person_id)),
            orienting=Named(relay.orienting_id, names.professional(relay.orienting_id)),
            orienting_structure=Named(
                relay.orienting_structure_id, names.structure(relay.orienting_structure_id)
            ),
            responsible=Named(relay.responsible_id, names.professional(relay.responsible_id)),
            service=Named(relay.service_id, names.service(relay.service_id)),
            target_structure=Named(
                relay.target_structure_id, names.structure(relay.target_structure_id)
            ),
            taker=(
                Named(relay.taken_by, names.professional(relay.taken_by))
                if relay.taken_by
                else None
            ),
            purpose_label=names.purpose_label(relay.charter_version, relay.purpose),
            documents=names.documents(relay.id) if sees_documents else None,
            note=relay.note if note_key is not None else None,
            note_key=note_key,
            return_note=relay.return_note if return_key is not None else None,
            return_key=return_key,
            keys=tuple(keys),
        )


_PRO_BOXES = ("incoming", "outgoing", "followed")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"([0-9]{1,17})-([0-9a-f]{32})")


@dataclass(frozen=True)
class RelayPage:
    items: list[RelayView]
    next: str | None


def _cursor_of(relay: Relay) -> str:
    """The next page starts after this relay: its last change (microseconds) and id."""
    return f"{(relay.updated_at - _EPOCH) // timedelta(microseconds=1)}-{relay.id}"


def _parse_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    found = _CURSOR.fullmatch(cursor)
    if found is None:
        raise RelayInvalid(
            message_fr="Cette page de relais n'existe pas. Rechargez la liste depuis le début."
        )
    return _EPOCH + timedelta(microseconds=int(found.group(1))), found.group(2)


class _Lookups:
    """What many relays of one answer share, looked up once per unit of work: names,
    public keys, charter versions' purpose labels, the services' names, the caller's
    structures and each person's référent; ``prefetch`` reads them for a whole page
    at once, with the caller's sealed note keys and the relays' documents: a list of
    200 relays is a few grouped queries, whatever the number of persons in it."""

    def __init__(self, db: DbSession) -> None:
        self._db = db
        self._accounts: dict[str, Account | None] = {}
        self._profiles: dict[str, ProfessionalProfile | None] = {}
        self._structures: dict[str, Structure | None] = {}
        self._services: dict[str, str] = {}
        self._charters: dict[int, Charter | None] = {}
        self._members: dict[str, list[str]] = {}
        self._referents: dict[str, str | None] = {}
        self._note_keys: dict[tuple[str, str], bytes] | None = None
        self._documents: dict[str, list[str]] | None = None

    def prefetch(self, relays: Sequence[Relay], account_id: str) -> None:
        db = self._db
        relay_ids = [r.id for r in relays]
        self._note_keys = repository.sealed_keys_of(db, relay_ids, account_id)
        self._documents = repository.documents_of(db, relay_ids)
        persons = {r.person_id for r in relays}
        accounts = persons | {
            a for r in relays for a in (r.orienting_id, r.responsible_id, r.taken_by) if a
        }
        structure_ids = {
            s for r in relays for s in (r.orienting_structure_id, r.target_structure_id)
        }
        found_accounts = repository.by_id(db, Account.id, accounts)
        self._accounts |= dict.fromkeys(accounts) | {a.id: a for a in found_accounts}
        found_profiles = repository.by_id(db, ProfessionalProfile.account_id, accounts - persons)
        self._profiles |= dict.fromkeys(accounts - persons) | {
            p.account_id: p for p in found_profiles
        }
        found_structures = repository.by_id(db, Structure.id, structure_ids)
        self._structures |= dict.fromkeys(structure_ids) | {s.id: s for s in found_structures}
        services = sorted({r.service_id for r in relays})
        self._services |= dict.fromkeys(services, "") | {
            s.id: s.nom for s, _ in directory.services_with_structures(db, services)
        }
        referents = _referents_of(db, persons)
        self._referents |= {p: referents.get(p) for p in persons}

    def note_key(self, relay_id: str, which: str, account_id: str) -> bytes | None:
        if self._note_keys is not None:
            return self._note_keys.get((relay_id, which))
        row = repository.note_key(self._db, relay_id, which, account_id)
        return row.sealed_key if row is not None else None

    def documents(self, relay_id: str) -> list[str]:
        if self._documents is not None:
            return self._documents.get(relay_id, [])
        return repository.documents(self._db, relay_id)

    def _account(self, account_id: str) -> Account | None:
        if account_id not in self._accounts:
            self._accounts[account_id] = self._db.get(Account, account_id)
        return self._accounts[account_id]

    def person(self, account_id: str) -> str:
        account = self._account(account_id)
        return account.login if account is not None else ""

    def professional(self, account_id: str) -> str:
        if account_id not in self._profiles:
            self._profiles[account_id] = self._db.get(ProfessionalProfile, account_id)
        profile = self._profiles[account_id]
        return profile.display_name if profile is not None else ""

    def structure(self, structure_id: str) -> str:
        if structure_id not in self._structures:
            self._structures[structure_id] = self._db.get(Structure, structure_id)
        structure = self._structures[structure_id]
        return structure.name if structure is not None else ""

    def keys(self, account_id: str) -> PublicKeys | None:
        account = self._account(account_id)
        if account is None:
            return None
        return PublicKeys(account_id, account.box_public_key, account.sign_public_key)

    def service(self, service_id: str) -> str:
        if service_id not in self._services:
            found = directory.service(self._db, service_id)
            self._services[service_id] = found[0].nom if found is not None else ""
        return self._services[service_id]

    def purpose_label(self, version: int, code: str) -> str:
        if version not in self._charters:
            row = consent.charter_version(self._db, version)
            self._charters[version] = charter_of(row) if row is not None else None
        charter = self._charters[version]
        purpose = charter.purpose(code) if charter is not None else None
        return purpose.label if purpose is not None else code

    def members(self, account_id: str) -> list[str]:
        if account_id not in self._members:
            self._members[account_id] = repository.member_structures(self._db, account_id)
        return self._members[account_id]

    def referent(self, person_id: str) -> str | None:
        if person_id not in self._referents:
            self._referents[person_id] = _referent_of(self._db, person_id)
        return self._referents[person_id]


def _entry(
    actor: Actor | None,
    relay: Relay,
    action: str,
    *,
    details: Mapping[str, object] | None = None,
    reason: str | None = None,
) -> audit.Entry:
    """One ``relay.*`` entry: the person concerned, the structure of the professional
    the person's history names (the orienting one, or the taker's once taken)."""
    by_target = action in ("relay.taken", "relay.declined", "relay.returned")
    professional = relay.taken_by if by_target and relay.taken_by else relay.orienting_id
    if action == "relay.declined" and actor is not None:
        professional = actor.account_id
    entry_details: dict[str, object] = {
        "professional": professional,
        "service": relay.service_id,
        "target_structure": relay.target_structure_id,
        "state": relay.state,
        "charter_version": relay.charter_version,
        **(details or {}),
    }
    fields = {
        "person_id": relay.person_id,
        "structure_id": (relay.target_structure_id if by_target else relay.orienting_structure_id),
        "object_type": "relay",
        "object_id": relay.id,
        "purpose": relay.purpose,
        "reason": reason,
        "details": entry_details,
    }
    if actor is None:
        # The sweep: nobody acted, the time did.
        return audit.Entry(action=action, **fields)  # type: ignore[arg-type]
    return audit.by(actor, action, **fields)


def _data(relay: Relay, event: str) -> dict[str, object]:
    # Ids and codes only: a notification never carries a name or a title (DESIGN.md).
    return {"relay": relay.id, "event": event, "state": relay.state, "purpose": relay.purpose}


def _categories(values: Sequence[str]) -> list[str]:
    out = sorted(set(values))
    if len(out) != len(values) or len(out) > MAX_CATEGORIES:
        raise RelayInvalid(
            message_fr=(
                f"Nommez au plus {MAX_CATEGORIES} catégories de documents, chacune une fois."
            )
        )
    return out


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if not REASON_MIN <= len(text) <= REASON_MAX or not is_clean_text(text, multiline=True):
        raise RelayInvalid(
            message_fr=(
                f"Dites en quelques mots pourquoi ({REASON_MIN} à {REASON_MAX} caractères)."
            )
        )
    return text


def _check_note(note: bytes, relay_id: str, which: NoteKind, author_id: str, sign: bytes) -> None:
    """SPEC §29.4 steps 1-2: a bucket's size and the author's signature. The text
    stays unreadable to the server."""
    if len(note) > MAX_NOTE_BYTES:
        raise RelayNoteTooBig()
    try:
        verify_note(
            note,
            relay_id=relay_id,
            which=which.value,
            author_id=author_id,
            author_sign_public=sign,
        )
    except CryptoError as exc:
        raise RelayNoteInvalid() from exc


def _check_keys(
    pairs: Sequence[tuple[str, bytes]], required: set[str], *, allowed: set[str] | None = None
) -> dict[str, bytes]:
    """Every required reader has one sealed key of 80 bytes, and nobody else."""
    keys = dict(pairs)
    names = set(keys)
    if len(keys) != len(pairs) or not required <= names or not names <= (allowed or required):
        raise RelayNoteInvalid(
            message_fr=(
                "Les clés de la fiche de liaison ne correspondent pas à ses lecteurs. "
                "Rechargez la page et recommencez."
            )
        )
    if any(len(sealed) != SEALED_NOTE_KEY_BYTES for sealed in keys.values()):
        raise RelayNoteInvalid(message_fr="Une clé de la fiche de liaison est mal formée.")
    return keys


def _own_documents(
    db: DbSession, actor: Actor, relay: Relay, document_ids: Sequence[str]
) -> list[str]:
    chosen = sorted(set(document_ids))
    if len(chosen) != len(document_ids) or len(chosen) > MAX_DOCUMENTS:
        raise RelayDocumentsRefused()
    needed = set(relay.categories)
    for document_id in chosen:
        document = db.get(Document, document_id) if is_valid_id(document_id) else None
        if (
            document is None
            or document.deleted_at is not None
            or document.owner_id != actor.account_id
            or document.category not in needed
        ):
            raise RelayDocumentsRefused()
    return chosen


def _accompanies(db: DbSession, professional_id: str, person_id: str) -> bool:
    """A grant made to the professional, a request the person answered, or the
    professional is the person's référent."""
    return consent.has_link(db, professional_id, person_id) or (
        _referent_of(db, person_id) == professional_id
    )


def _referent_of(db: DbSession, person_id: str) -> str | None:
    """The person's active référent, if any. INTEGRATION POINT with coffre/referents
    (helper R): imported here so that the relays area does not depend on it at import."""
    from coffre.referents import repository as referents

    link = referents.active_link(db, person_id)
    return link.professional_id if link is not None else None


def _referents_of(db: DbSession, person_ids: set[str]) -> dict[str, str]:
    """Per person of ``person_ids``: their active référent, if any (see ``_referent_of``)."""
    from coffre.referents import repository as referents

    return referents.active_referents(db, person_ids)


def _followed_by(professional_id: str) -> Select[str]:
    """The persons whose active référent the professional is (a subquery)."""
    from coffre.referents import repository as referents

    return referents.followed_persons(professional_id)
