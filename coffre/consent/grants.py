"""Grants: a person shares documents with one professional, for one purpose, for a time.

The person's client seals each document key to the professional's certified box key
and signs a consent receipt (SPEC §16); ``create`` checks the receipt against the
server's own records and the charter in force, and stores it as sent. A v2 receipt
(SPEC §24.5) arrives as JSON text and is kept as that text; each document it names must
have the binding whose version, key commitment and ciphertext hash it names; a v1
receipt is refused for an account that writes v2. ``pull`` is the
one way a professional reads a granted document: every pull passes the gate
(``coffre.consent.gate``), is recorded, and tells the person, in the same transaction.
Revoking deletes the professional's keys at once; expiry needs no job (a pull after
``not_after`` is refused) and ``clean_expired`` only tidies the keys away.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from coffre import metrics
from coffre.accounts.models import Account
from coffre.audit import refusals
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository
from coffre.consent.charter import Charter
from coffre.consent.errors import (
    GrantExists,
    GrantNotActive,
    GrantNotFound,
    GrantRefused,
    InvalidReceipt,
    ReasonRequired,
    RequestNotFound,
)
from coffre.consent.gate import (
    CLOCK_SKEW,
    STATE_FR,
    GrantState,
    assess,
    charter_in_force,
    charter_of,
    grant_days,
    grant_state,
    refusals_for,
)
from coffre.consent.models import AccessRequest, Grant, GrantDocument, Pull
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.errors import CoffreError
from coffre.ids import is_valid_id, new_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, can
from coffre.relays.grants import check_relay_grant
from coffre.storage import ObjectStore
from coffre.structures import repository as structures
from coffre.structures.certificates import require_live
from coffre.structures.errors import NotAllowed, ProfessionalNotFound
from coffre.structures.models import ProfessionalProfile, Structure
from coffre.vault import formats
from coffre.vault.errors import (
    DocumentChanged,
    DocumentNotFound,
    InvalidSealedKey,
)
from coffre.vault.models import Document
from coffre.webhooks import EventType, emit
from crypto import CryptoError, verify_statement
from crypto.consent import ConsentReceipt, read_receipt
from crypto.consent_v2 import ConsentReceiptV2, SharedDocumentV2, read_receipt_v2
from crypto.jsontext import parse_json
from crypto.statements_v2 import CONSENT_RECEIPT, verify_statement_v2

log = logging.getLogger(__name__)

SEALED_KEY_SIZE = 80
REASON_MIN, REASON_MAX = 3, 300
PULL_CHUNK = 1024 * 1024
# A v2 receipt's text: 20 documents of ~190 bytes, the rest, the envelope.
MAX_RECEIPT_CHARS = 16000

Receipt = ConsentReceipt | ConsentReceiptV2


@dataclass(frozen=True)
class GrantView:
    """A grant as the person or the professional sees it (names, not only ids)."""

    grant: Grant
    state: GrantState
    documents: Sequence[tuple[GrantDocument, Document]]
    professional_name: str
    profession: str
    structure_name: str
    purpose_label: str
    person_login: str
    reason_required: bool
    refusal_fr: str | None = None
    # The key the receipt must verify under (the professional's client compares it with
    # what it remembers for this person and with the person's pin, SPEC §25.3).
    person_sign_public_key: bytes = b""
    # What the grantee reported came of it (coffre/consent/received.py), oldest first:
    # (outcome, reported_at). Filled by the partner routes only.
    outcomes: tuple[tuple[str, datetime], ...] = ()

    @property
    def pulls_left(self) -> int | None:
        if self.grant.max_pulls is None:
            return None
        return max(0, self.grant.max_pulls - self.grant.pulls)


@dataclass(frozen=True)
class Pulled:
    document: Document
    sealed_key: bytes
    pulls_left: int | None
    content: Iterator[bytes]
    # The consent receipt exactly as stored (the text the person signed, SPEC §16/§24.5):
    # the partner's client verifies it before decrypting (header Coffre-Receipt).
    receipt: str = ""


class GrantService:
    def __init__(self, db: Database, store: ObjectStore, clock: Clock) -> None:
        self._db = db
        self._store = store
        self._clock = clock

    # -- the person ---------------------------------------------------------------
    def create(
        self,
        actor: Actor,
        envelope: Mapping[str, Any] | str,
        sealed_keys: Mapping[str, bytes],
        relay_id: str | None = None,
    ) -> GrantView:
        """Record a grant the person's client signed; nothing is stored if anything is off.

        ``envelope``: a v1 receipt's envelope (an object), or a v2 receipt's JSON text.
        ``relay_id``: a grant scoped to a relay, which it must match
        (``coffre.relays.grants``)."""
        if not can(actor, Action.GRANT_CREATE):
            raise NotAllowed()
        now = self._clock.now()
        v1 = not isinstance(envelope, str)
        # A v1 receipt and the person's switch to v2 are decided one after the other
        # (write=True and the lock of formats.refuse_v1_writes).
        with self._db.unit_of_work(write=v1) as db:
            person = db.get(Account, actor.account_id)
            if person is None:
                raise NotAllowed()
            receipt: Receipt
            if isinstance(envelope, str):
                receipt = _verified_receipt_v2(envelope, person)
                stored = envelope  # the text as signed (SPEC §18.1)
            else:
                formats.refuse_v1_writes(db, person.id)
                receipt = _verified_receipt(envelope, person)
                stored = json.dumps(dict(envelope), ensure_ascii=False, sort_keys=True)
            _check_keys(receipt, sealed_keys)
            if receipt.not_before - now > CLOCK_SKEW or now - receipt.not_before > CLOCK_SKEW:
                raise InvalidReceipt(
                    message_fr=(
                        "L'heure de votre appareil semble fausse : le partage commencerait à "
                        "un autre moment que maintenant. Réglez l'heure puis recommencez."
                    )
                )
            if db.get(Grant, receipt.grant) is not None:
                raise GrantExists()
            documents = _own_documents(db, actor, receipt)
            if relay_id is not None:
                check_relay_grant(
                    db,
                    relay_id,
                    person_id=actor.account_id,
                    professional_id=receipt.professional,
                    structure_id=receipt.structure,
                    purpose=receipt.purpose,
                    document_ids=[d.id for d in receipt.documents],
                )
            profile = self._professional(db, receipt)
            charter = self._charter_for(db, receipt, now)
            days = grant_days(receipt.not_before, receipt.not_after)
            for document in documents:
                decision = charter.permits_grant(
                    receipt.purpose, document.category, profile.profession, days
                )
                if not decision:
                    raise GrantRefused(message_fr=decision.reason_fr)
            if receipt.request is not None:
                _answer_request(db, actor, receipt, now)
            grant = Grant(
                id=receipt.grant,
                person_id=actor.account_id,
                professional_id=receipt.professional,
                structure_id=receipt.structure,
                purpose=receipt.purpose,
                charter_version=receipt.charter_version,
                receipt=stored,
                not_before=receipt.not_before,
                not_after=receipt.not_after,
                max_pulls=receipt.max_pulls,
                pulls=0,
                request_id=receipt.request,
                created_at=now,
                relay_id=relay_id,
            )
            db.add(grant)
            try:
                db.flush()
            except IntegrityError as exc:
                # The same receipt sent twice at once: the second one loses.
                raise GrantExists() from exc
            for shared in receipt.documents:
                db.add(
                    GrantDocument(
                        grant_id=grant.id,
                        document_id=shared.id,
                        ciphertext_sha256=shared.ciphertext_sha256,
                        sealed_key=sealed_keys[shared.id],
                    )
                )
            entry = audit.by(
                actor,
                "grant.create",
                structure_id=receipt.structure,
                object_type="grant",
                object_id=grant.id,
                purpose=receipt.purpose,
                details={
                    "professional": receipt.professional,
                    "documents": [d.id for d in receipt.documents],
                    "not_after": receipt.statement()["not_after"],
                    "request": receipt.request,
                    "charter_version": receipt.charter_version,
                    **({"relay": relay_id} if relay_id is not None else {}),
                },
            )
            audit.append(db, entry, now)
            notify(
                db,
                receipt.professional,
                Kind.GRANT_RECEIVED,
                {"grant": grant.id, "person": person.login, "purpose": receipt.purpose},
                now,
            )
            # The grantee's structure's webhooks, in this unit of work (ids and dates only).
            emit(
                db,
                receipt.structure,
                EventType.GRANT_CREATED,
                {
                    "grant_id": grant.id,
                    "professional_id": receipt.professional,
                    "created_at": now,
                    "not_after": receipt.not_after,
                },
                now,
            )
            db.flush()
            return self._view(db, grant, now, everything=True)

    def list_mine(self, actor: Actor) -> list[GrantView]:
        """Every grant the person made, newest first, with its state."""
        if not can(actor, Action.GRANT_LIST_OWN):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            return [
                self._view(db, g, now, everything=True)
                for g in repository.grants_of_person(db, actor)
            ]

    def revoke(self, actor: Actor, grant_id: str) -> GrantView:
        """End a grant now; the professional's keys go in the same transaction."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            grant = db.get(Grant, grant_id) if is_valid_id(grant_id) else None
            if grant is None or not can(actor, Action.GRANT_REVOKE, _Owned(grant.person_id)):
                raise GrantNotFound()
            # Decided by the database: of parallel revocations, one records and tells.
            if grant.revoked_at is None and repository.mark_revoked(db, grant.id, now):
                db.refresh(grant)
                repository.withdraw_keys(db, grant.id, now)
                audit.append(db, _grant_entry(actor, "grant.revoke", grant), now)
                notify(
                    db,
                    grant.professional_id,
                    Kind.GRANT_REVOKED,
                    {
                        "grant": grant.id,
                        "purpose": grant.purpose,
                        "person": _login(db, grant.person_id),
                    },
                    now,
                )
                db.flush()
            elif grant.revoked_at is None:
                db.refresh(grant)  # revoked by a parallel call: show it as it is now
            return self._view(db, grant, now, everything=True)

    # -- the professional ---------------------------------------------------------
    def shared_with_me(self, actor: Actor) -> list[GrantView]:
        """Grants to the professional still in force, each with what may block a pull."""
        if not can(actor, Action.SHARED_WITH_ME):
            raise NotAllowed()
        now = self._clock.now()
        today = now.astimezone(TERRITORY_ZONE).date()
        views = []
        with self._db.unit_of_work() as db:
            for grant in repository.grants_to(db, actor, now):
                if grant_state(grant, now) is not GrantState.ACTIVE:
                    continue
                view = self._view(db, grant, now)
                if not view.documents:
                    continue
                views.append(_with_refusal(view, blocked(db, view, now, today)))
        return views

    def pull(self, actor: Actor, grant_id: str, document_id: str, reason: str | None) -> Pulled:
        """Open one granted document: checked, recorded and told to the person, or refused."""
        now = self._clock.now()
        try:
            pulled = self._pull(actor, grant_id, document_id, reason, now)
        except _RefusedPull as refused:
            metrics.PULLS.labels("refused").inc()
            # The refused attempt is kept (the officer's console looks for them). It
            # changed nothing, so its entry has a transaction of its own.
            with self._db.unit_of_work() as db:
                audit.append(db, refused.entry, now)
            raise refused.error from None
        except (GrantNotFound, DocumentNotFound):
            # Someone else's grant, an unknown one, or a document the grant does not
            # cover: "not found" to the caller, an attempt for the officer
            # (coffre.audit.refusals). The grantee asking for a document of their own
            # grant that is gone (deleted) is no attempt on anyone.
            metrics.PULLS.labels("not_found").inc()
            self._record_refused_pull(actor, grant_id, document_id, now)
            raise
        metrics.PULLS.labels("ok").inc()
        return pulled

    def _record_refused_pull(
        self, actor: Actor, grant_id: str, document_id: str, now: datetime
    ) -> None:
        with self._db.unit_of_work() as db:
            grant = db.get(Grant, grant_id) if is_valid_id(grant_id) else None
            if grant is not None and grant.professional_id == actor.account_id:
                covered = is_valid_id(document_id) and (
                    db.get(GrantDocument, (grant.id, document_id)) is not None
                )
                if covered:
                    return
            refusals.record(
                db,
                actor,
                refusals.PULL,
                now,
                owner_id=grant.person_id if grant is not None else None,
                object_type="grant",
                object_id=grant_id,
            )

    def _pull(
        self, actor: Actor, grant_id: str, document_id: str, reason: str | None, now: datetime
    ) -> Pulled:
        today = now.astimezone(TERRITORY_ZONE).date()
        # write=True: on SQLite the write lock comes first, so the gate reads what the
        # count below will see (docs/RELIABILITY.md, "Limits under concurrency").
        with self._db.unit_of_work(write=True) as db:
            grant = db.get(Grant, grant_id) if is_valid_id(grant_id) else None
            # Only the grant's own professional learns that it exists (and, below, why
            # a pull is refused); anyone else is answered as for an unknown grant.
            if grant is None or not can(actor, Action.GRANT_STATE, _Granted(grant.professional_id)):
                raise GrantNotFound()
            shared = (
                db.get(GrantDocument, (grant.id, document_id)) if is_valid_id(document_id) else None
            )
            document = db.get(Document, document_id) if shared is not None else None
            if shared is None or document is None:
                raise DocumentNotFound()
            verdict = assess(db, grant, document.category, now, today)
            if not can(actor, Action.GRANT_PULL, verdict.access):
                raise _RefusedPull(
                    _pull_entry(actor, grant, document, None, "refused", verdict.state),
                    GrantNotActive(message_fr=verdict.refusal_fr or GrantNotActive.message_fr),
                )
            if shared.sealed_key is None or document.deleted_at is not None:
                raise DocumentNotFound()
            if document.object_key is None:
                raise DocumentNotFound()
            charter = charter_in_force(db, today)
            stated = _checked_reason(reason, charter, grant.purpose)
            # Open the stored object before the pull is recorded: storage down means
            # no pull counted and nothing told to the person.
            content = self._store.open_stream(document.object_key, chunk_size=PULL_CHUNK)
            try:
                # The database decides the limit (parallel pulls may all have passed
                # the gate above): one conditional UPDATE that must change the row.
                if not repository.count_pull(db, grant.id, now):
                    raise _lost_race(db, actor, grant, document, now)
                db.refresh(grant, ["pulls"])
                db.add(
                    Pull(
                        id=new_id(),
                        grant_id=grant.id,
                        document_id=document.id,
                        professional_id=actor.account_id,
                        reason=stated,
                        pulled_at=now,
                    )
                )
                audit.append(db, _pull_entry(actor, grant, document, stated, "ok", None), now)
                profile = db.get(ProfessionalProfile, actor.account_id)
                structure = db.get(Structure, grant.structure_id)
                notify(
                    db,
                    grant.person_id,
                    Kind.DOCUMENT_PULLED,
                    {
                        "grant": grant.id,
                        "document": document.id,
                        "category": document.category,
                        "professional": profile.display_name if profile else "",
                        "structure": structure.name if structure else "",
                        "purpose": grant.purpose,
                        "purpose_label": _purpose_label(charter, grant.purpose),
                        "reason": stated,
                    },
                    now,
                )
                db.flush()
            except BaseException:
                _close(content)
                raise
            left = None if grant.max_pulls is None else max(0, grant.max_pulls - grant.pulls)
            return Pulled(document, shared.sealed_key, left, content, grant.receipt)

    # -- jobs ---------------------------------------------------------------------
    def clean_expired(self, limit: int = 500) -> int:
        """Job: delete the sealed keys of expired grants (pulls are refused already)."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            ids = repository.expired_grants_with_keys(db, now, limit)
            for grant_id in ids:
                repository.withdraw_keys(db, grant_id, now)
            return len(ids)

    # -- internals ----------------------------------------------------------------
    def _professional(self, db: DbSession, receipt: Receipt) -> ProfessionalProfile:
        membership = structures.active_membership(db, receipt.professional, receipt.structure)
        profile = db.get(ProfessionalProfile, receipt.professional)
        if membership is None or membership.certificate is None or profile is None:
            raise ProfessionalNotFound()
        # Nothing new to a key whose certificate ended or was revoked (the server's
        # gate, at once: the root-signed list follows for the clients).
        require_live(membership, self._clock.now())
        return profile

    def _charter_for(self, db: DbSession, receipt: Receipt, now: datetime) -> Charter:
        today = now.astimezone(TERRITORY_ZONE).date()
        charter = charter_in_force(db, today)
        if charter is None:
            raise GrantRefused(
                message_fr="Aucune charte n'est en vigueur sur ce territoire : le partage "
                "n'est pas encore possible."
            )
        if charter.version != receipt.charter_version:
            raise GrantRefused(
                message_fr=(
                    f"La charte du territoire a changé (version {charter.version}). "
                    "Rechargez la page et recommencez le partage."
                )
            )
        structure = db.get(Structure, receipt.structure)
        if structure is None or not charter.adheres(structure.id, today, siret=structure.siret):
            raise GrantRefused(
                message_fr=(
                    "Cette structure n'adhère pas à la charte du territoire : "
                    "vous ne pouvez pas lui partager de document par Coffre."
                )
            )
        return charter

    def view(
        self, db: DbSession, grant: Grant, now: datetime, *, everything: bool = False
    ) -> GrantView:
        """The grant named, in the caller's unit of work (the partner routes')."""
        return self._view(db, grant, now, everything=everything)

    def _view(
        self, db: DbSession, grant: Grant, now: datetime, *, everything: bool = False
    ) -> GrantView:
        """``everything``: every document the grant named (the person's view); otherwise
        only those the professional can still open."""
        profile = db.get(ProfessionalProfile, grant.professional_id)
        structure = db.get(Structure, grant.structure_id)
        person = db.get(Account, grant.person_id)
        row = repository.charter_version(db, grant.charter_version)
        charter = charter_of(row) if row is not None else None
        purpose = charter.purpose(grant.purpose) if charter is not None else None
        return GrantView(
            grant=grant,
            state=grant_state(grant, now),
            documents=(
                repository.all_documents(db, grant.id)
                if everything
                else repository.shared_documents(db, grant.id)
            ),
            professional_name=profile.display_name if profile else "",
            profession=profile.profession if profile else "",
            structure_name=structure.name if structure else "",
            purpose_label=purpose.label if purpose else grant.purpose,
            person_login=person.login if person else "",
            reason_required=purpose.reason_required if purpose else True,
            person_sign_public_key=person.sign_public_key if person else b"",
        )


def blocked(db: DbSession, view: GrantView, now: datetime, today: date) -> str | None:
    """Why no document of the grant can be pulled now (a new charter version may narrow
    one category and not another), or None: the grantee's ``blocked``."""
    categories = [document.category for _, document in view.documents]
    refusals = refusals_for(db, view.grant, categories, now, today)
    return refusals[0] if refusals and all(r is not None for r in refusals) else None


def _login(db: DbSession, account_id: str) -> str:
    account = db.get(Account, account_id)
    return account.login if account is not None else ""


def _grant_entry(actor: Actor, action: str, grant: Grant) -> audit.Entry:
    return audit.by(
        actor,
        action,
        person_id=grant.person_id,
        structure_id=grant.structure_id,
        object_type="grant",
        object_id=grant.id,
        purpose=grant.purpose,
        details={"professional": grant.professional_id},
    )


def _pull_entry(
    actor: Actor,
    grant: Grant,
    document: Document,
    reason: str | None,
    outcome: str,
    state: GrantState | None,
) -> audit.Entry:
    details: dict[str, object] = {"grant": grant.id, "category": document.category}
    if state is not None:
        details["state"] = state.value
    return audit.by(
        actor,
        "grant.pull",
        outcome=outcome,
        person_id=grant.person_id,
        structure_id=grant.structure_id,
        object_type="document",
        object_id=document.id,
        purpose=grant.purpose,
        reason=reason,
        details={**details, "not_after": grant.not_after.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )


def _lost_race(
    db: DbSession, actor: Actor, grant: Grant, document: Document, now: datetime
) -> _RefusedPull:
    """The gate's refusal for a pull that passed it but lost the count to a parallel
    pull or revocation: the grant's state read again, as the gate would give it."""
    db.refresh(grant)
    state = grant_state(grant, now)
    if state is GrantState.ACTIVE:  # not reachable: the count's condition is the state's
        state = GrantState.EXHAUSTED
    return _RefusedPull(
        _pull_entry(actor, grant, document, None, "refused", state),
        GrantNotActive(message_fr=STATE_FR[state]),
    )


class _RefusedPull(Exception):
    """Internal: a pull the gate refused, with the entry that records the attempt."""

    def __init__(self, entry: audit.Entry, error: GrantNotActive) -> None:
        super().__init__(error.code)
        self.entry = entry
        self.error = error


@dataclass(frozen=True)
class _Owned:
    owner_id: str


@dataclass(frozen=True)
class _Granted:
    grantee_id: str


def _with_refusal(view: GrantView, refusal: str | None) -> GrantView:
    return replace(view, refusal_fr=refusal)


def _verified_receipt(envelope: Mapping[str, Any], person: Account) -> ConsentReceipt:
    try:
        statement = verify_statement(dict(envelope), expected_signer=person.sign_public_key)
        receipt = read_receipt(statement)
    except CryptoError as exc:
        raise InvalidReceipt() from exc
    if receipt.person != person.id:
        raise InvalidReceipt()
    return receipt


def _verified_receipt_v2(text: str, person: Account) -> ConsentReceiptV2:
    """A v2 receipt (SPEC §24.5) read strictly from its JSON text, signed by the person."""
    if len(text) > MAX_RECEIPT_CHARS:
        raise InvalidReceipt()
    try:
        envelope = parse_json(text)
        statement = verify_statement_v2(envelope, person.sign_public_key, CONSENT_RECEIPT)
        receipt = read_receipt_v2(statement)
    except CryptoError as exc:
        raise InvalidReceipt() from exc
    if receipt.person != person.id:
        raise InvalidReceipt()
    return receipt


def _check_keys(receipt: Receipt, sealed_keys: Mapping[str, bytes]) -> None:
    if set(sealed_keys) != {d.id for d in receipt.documents}:
        raise InvalidSealedKey()
    if any(len(key) != SEALED_KEY_SIZE for key in sealed_keys.values()):
        raise InvalidSealedKey()


def _own_documents(db: DbSession, actor: Actor, receipt: Receipt) -> list[Document]:
    documents = []
    for shared in receipt.documents:
        document = db.get(Document, shared.id)
        if (
            document is None
            or document.deleted_at is not None
            or not can(actor, Action.DOCUMENT_READ, document)
        ):
            raise DocumentNotFound()
        if isinstance(shared, SharedDocumentV2):
            # What the person consented to share is this version, key and content: the
            # document's binding must name the same (SPEC §24.5).
            parts = formats.stored_parts(document.binding) if document.binding else None
            if (
                parts is None
                or parts.version != shared.version
                or parts.key_commitment != shared.key_commitment
                or parts.ciphertext_sha256 != shared.ciphertext_sha256
            ):
                raise DocumentChanged()
        if document.ciphertext_sha256 != shared.ciphertext_sha256:
            raise GrantRefused(
                message_fr=(
                    "Un des documents a changé pendant le partage. "
                    "Rechargez la page et recommencez."
                )
            )
        documents.append(document)
    return documents


def _answer_request(db: DbSession, actor: Actor, receipt: Receipt, now: datetime) -> None:
    request = db.get(AccessRequest, receipt.request) if receipt.request else None
    if (
        request is None
        or request.person_id != actor.account_id
        or request.status != "pending"
        or request.expires_at <= now
        or request.professional_id != receipt.professional
        or request.purpose != receipt.purpose
    ):
        raise RequestNotFound()
    # Decided by the database: a decline or another share at the same moment loses.
    if not repository.answer_request(
        db, request.id, now, status="approved", grant_id=receipt.grant
    ):
        raise RequestNotFound()
    emit(
        db,
        request.structure_id,
        EventType.REQUEST_ANSWERED,
        {
            "request_id": request.id,
            "answer": "approved",
            "grant_id": receipt.grant,
            "answered_at": now,
        },
        now,
    )


def _checked_reason(reason: str | None, charter: Charter | None, purpose: str) -> str | None:
    text = (reason or "").strip()
    required = charter.reason_required(purpose) if charter is not None else True
    if not text:
        if required:
            raise ReasonRequired()
        return None
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise ReasonRequired()
    return text


def _purpose_label(charter: Charter | None, purpose: str) -> str:
    found = charter.purpose(purpose) if charter is not None else None
    return found.label if found is not None else purpose


def _close(content: Iterator[bytes]) -> None:
    close = getattr(content, "close", None)
    if callable(close):
        try:
            close()
        except CoffreError:
            log.warning("could not close a pull stream")
