"""Requests: a professional asks a person for a kind of document, for a purpose.

The person approves by sharing (a grant whose receipt names the request, see
``coffre.consent.grants``) or declines with an optional word. Requests expire on
their due date, or after ``REQUEST_DAYS`` without one. A professional may send at
most ``requests_per_person_per_day`` requests to one login per day. The answer to
the professional is the same whether or not the login names a person, so a request
never reveals that an account exists (a request to nobody is kept and expires).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session as DbSession

from coffre.accounts import repository as accounts
from coffre.accounts.errors import InvalidLogin
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository
from coffre.consent.errors import (
    InvalidRequest,
    RequestNotFound,
    RequestRefused,
    TooManyRequests,
)
from coffre.consent.gate import charter_in_force
from coffre.consent.models import AccessRequest
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database, hold
from coffre.ids import is_valid_id, new_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, Role, can
from coffre.structures import repository as structures
from coffre.structures.errors import NotAllowed
from coffre.structures.models import ProfessionalProfile, Structure
from coffre.structures.standing import standing_of
from coffre.vault.categories import is_category
from coffre.webhooks import EventType, emit

REQUEST_DAYS = 30
MAX_DUE_DAYS = 90
MESSAGE_MAX = 300


@dataclass(frozen=True)
class NewRequest:
    person_login: str
    structure_id: str
    purpose: str
    category: str
    message: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class RequestView:
    request: AccessRequest
    status: str  # pending | approved | declined | expired
    professional_name: str
    structure_name: str
    purpose_label: str
    person_login: str | None  # shown to the professional who typed it


class RequestService:
    def __init__(self, db: Database, clock: Clock, per_person_per_day: int) -> None:
        self._db = db
        self._clock = clock
        self._per_day = per_person_per_day

    def create(self, actor: Actor, new: NewRequest) -> RequestView:
        now = self._clock.now()
        today = now.astimezone(TERRITORY_ZONE).date()
        message = (new.message or "").strip() or None
        if message is not None and len(message) > MESSAGE_MAX:
            raise InvalidRequest()
        if new.due_on is not None and not today <= new.due_on <= today + timedelta(
            days=MAX_DUE_DAYS
        ):
            raise InvalidRequest()
        if not is_category(new.category) or not is_valid_id(new.structure_id):
            raise InvalidRequest()
        try:
            login = normalise_login(new.person_login)
        except InvalidLogin as exc:
            raise InvalidRequest() from exc
        # write=True and hold(): the day's count is read under a lock kept until commit,
        # so parallel requests cannot all see room for one more (docs/RELIABILITY.md).
        with self._db.unit_of_work(write=True) as db:
            membership = structures.active_membership(db, actor.account_id, new.structure_id)
            if not can(actor, Action.REQUEST_CREATE, standing_of(membership)):
                raise NotAllowed()
            profile = db.get(ProfessionalProfile, actor.account_id)
            charter = charter_in_force(db, today)
            if charter is None or profile is None:
                raise RequestRefused(message_fr="Aucune charte n'est en vigueur sur ce territoire.")
            decision = charter.allows(new.purpose, new.category, profile.profession)
            if not decision:
                raise RequestRefused(message_fr=decision.reason_fr)
            digest = hashlib.sha256(login.encode("utf-8")).hexdigest()
            hold(db, "requests-per-day", actor.account_id, digest)
            since = now - timedelta(days=1)
            if (
                repository.count_recent_requests(db, actor.account_id, digest, since)
                >= self._per_day
            ):
                raise TooManyRequests(retry_after=24 * 3600)
            person = accounts.account_by_login(db, login)
            if person is not None and (
                person.kind != Role.PERSON.value or person.deleted_at is not None
            ):
                person = None
            request = AccessRequest(
                id=new_id(),
                professional_id=actor.account_id,
                structure_id=new.structure_id,
                person_id=person.id if person is not None else None,
                login_digest=digest,
                purpose=new.purpose,
                category=new.category,
                message=message,
                due_on=new.due_on,
                created_at=now,
                expires_at=_expiry(now, new.due_on),
                status="pending",
            )
            db.add(request)
            entry = audit.by(
                actor,
                "request.create",
                person_id=request.person_id,
                structure_id=request.structure_id,
                object_type="request",
                object_id=request.id,
                purpose=request.purpose,
                details={"category": request.category},
            )
            audit.append(db, entry, now)
            if person is not None:
                notify(
                    db,
                    person.id,
                    Kind.REQUEST_RECEIVED,
                    {
                        "request": request.id,
                        "professional": profile.display_name,
                        "category": new.category,
                    },
                    now,
                )
            db.flush()
            return self._view(db, request, now, login)

    def listed(self, actor: Actor) -> list[RequestView]:
        """The caller's requests: a person's inbox, a professional's requests sent."""
        if can(actor, Action.REQUEST_LIST_OWN):
            return self.inbox(actor)
        return self.sent(actor)

    def inbox(self, actor: Actor) -> list[RequestView]:
        """A person's requests still waiting for an answer."""
        if not can(actor, Action.REQUEST_LIST_OWN):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            rows = repository.requests_to(db, actor, now)
            return [self._view(db, r, now, None) for r in rows]

    def sent(self, actor: Actor) -> list[RequestView]:
        """A professional's requests, newest first, with their status."""
        if not can(actor, Action.REQUEST_LIST_SENT):
            raise NotAllowed()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            rows = repository.requests_from(db, actor)
            views = []
            for row in rows:
                person = db.get(Account, row.person_id) if row.person_id else None
                views.append(self._view(db, row, now, person.login if person else None))
            return views

    def decline(self, actor: Actor, request_id: str, word: str | None) -> RequestView:
        now = self._clock.now()
        text = (word or "").strip() or None
        if text is not None and len(text) > MESSAGE_MAX:
            raise InvalidRequest()
        with self._db.unit_of_work() as db:
            request = db.get(AccessRequest, request_id) if is_valid_id(request_id) else None
            if (
                request is None
                or not can(actor, Action.REQUEST_ANSWER, _Owned(request.person_id))
                or request.status != "pending"
                or request.expires_at <= now
            ):
                raise RequestNotFound()
            # Decided by the database: of parallel answers, one is recorded and told.
            if not repository.answer_request(
                db, request.id, now, status="declined", decline_word=text
            ):
                raise RequestNotFound()
            db.refresh(request)
            entry = audit.by(
                actor,
                "request.decline",
                structure_id=request.structure_id,
                object_type="request",
                object_id=request.id,
                purpose=request.purpose,
                details={"professional": request.professional_id},
            )
            audit.append(db, entry, now)
            notify(
                db,
                request.professional_id,
                Kind.REQUEST_DECLINED,
                {
                    "request": request.id,
                    "word": text,
                    "person": _login_of(db, actor.account_id),
                    "category": request.category,
                },
                now,
            )
            # The requesting structure's webhooks (ids and dates only: never the word).
            emit(
                db,
                request.structure_id,
                EventType.REQUEST_ANSWERED,
                {"request_id": request.id, "answer": "declined", "answered_at": now},
                now,
            )
            db.flush()
            return self._view(db, request, now, None)

    def _view(
        self, db: DbSession, request: AccessRequest, now: datetime, login: str | None
    ) -> RequestView:
        profile = db.get(ProfessionalProfile, request.professional_id)
        structure = db.get(Structure, request.structure_id)
        charter = charter_in_force(db, now.astimezone(TERRITORY_ZONE).date())
        purpose = charter.purpose(request.purpose) if charter is not None else None
        status = request.status
        if status == "pending" and request.expires_at <= now:
            status = "expired"
        return RequestView(
            request=request,
            status=status,
            professional_name=profile.display_name if profile else "",
            structure_name=structure.name if structure else "",
            purpose_label=purpose.label if purpose else request.purpose,
            person_login=login,
        )


@dataclass(frozen=True)
class _Owned:
    owner_id: str | None


def _login_of(db: DbSession, account_id: str) -> str:
    account = db.get(Account, account_id)
    return account.login if account is not None else ""


def _expiry(now: datetime, due_on: date | None) -> datetime:
    if due_on is None:
        return now + timedelta(days=REQUEST_DAYS)
    # The end of the due day, in the territory's time.
    end = datetime.combine(due_on + timedelta(days=1), time(0, 0), tzinfo=TERRITORY_ZONE)
    return end.astimezone(now.tzinfo)
