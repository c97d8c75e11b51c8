"""The partner grants API: the grants made to a professional, one grant, and outcomes.

A partner's integration (a CAF agent's, a SIAO's: docs/PARTNERS.md) works through a
professional's access token or session:

- ``received``: the grants made to the caller, filtered (person, purpose, state,
  ending before) and a page at a time. Pages follow one total order that never changes
  for a grant (its creation time, then its id), oldest first; the cursor is the last
  grant's place in that order, opaque to the partner. A walk from the first page to the
  last gives each grant at most once, every grant that existed when the walk began
  (and still matches the filters), and the grants created since at the end (a grant
  whose creation was committed while the walk was reading the last page may come only
  with the next walk: partners keep polling from the last cursor they got).
- ``get``: one grant, for its person, its grantee and the territory's charter officer;
  anyone else gets the answer for an unknown id (``GRANT_READ``).
- ``report_outcome``: the grantee says what came of the grant (``OUTCOMES``). Each
  outcome is recorded once per grant, decided by the database (the primary key of
  ``grant_outcomes``): a retry, a repeat or 20 identical reports at once record one
  entry in the person's history and tell them once; a different outcome later (a
  document missing, then the right opened) is recorded too. A report reads nothing of
  the person's and is allowed in any state of the grant (the right is often opened
  after the grant ended).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.consent import repository
from coffre.consent.errors import (
    GrantNotFound,
    InvalidCursor,
    InvalidGrantFilter,
    InvalidOutcome,
)
from coffre.consent.gate import charter_of
from coffre.consent.grants import GrantService, GrantView, blocked
from coffre.consent.models import Grant, GrantOutcome
from coffre.consent.service import TERRITORY_ZONE
from coffre.db.engine import Database
from coffre.ids import is_valid_id
from coffre.notifications.service import Kind, notify
from coffre.policy import Action, Actor, can
from coffre.structures.errors import NotAllowed
from coffre.structures.models import ProfessionalProfile, Structure
from crypto import CryptoError, b64decode, b64encode

# What a partner reports came of a grant (the person's words for each: their history,
# coffre/audit/wording.py ``OUTCOME_WORDS``; the page translates its own).
OUTCOMES = ("right_opened", "document_unreadable", "document_missing")
# The states the list filters on: ``ended`` is expired or every pull made.
STATES = ("active", "ended", "revoked")
PAGE = 50
PAGE_MAX = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"g1\.([0-9]{1,17})\.([0-9a-f]{32})")
_MAX_CURSOR = 80


@dataclass(frozen=True)
class GrantParties:
    """The facts ``GRANT_READ`` and ``GRANT_OUTCOME`` decide on: the grant's person
    (``owner_id``) and its grantee (``grantee_id``)."""

    owner_id: str
    grantee_id: str


@dataclass(frozen=True)
class ReceivedFilters:
    person: str | None = None
    purpose: str | None = None
    state: str | None = None
    ending_before: datetime | None = None


@dataclass(frozen=True)
class GrantPage:
    items: list[GrantView]
    next_cursor: str | None


@dataclass(frozen=True)
class ReadGrant:
    """One grant as its reader may see it: ``as_grantee`` carries the keys."""

    view: GrantView
    as_grantee: bool


@dataclass(frozen=True)
class OutcomeReport:
    grant_id: str
    outcome: str
    reported_at: datetime
    # False: this outcome was already reported for the grant (nothing new recorded).
    recorded: bool
    outcomes: tuple[tuple[str, datetime], ...]


def parties(grant: Grant) -> GrantParties:
    return GrantParties(owner_id=grant.person_id, grantee_id=grant.professional_id)


class ReceivedGrants:
    def __init__(self, db: Database, clock: Clock, grants: GrantService) -> None:
        self._db = db
        self._clock = clock
        self._grants = grants

    def received(
        self,
        actor: Actor,
        filters: ReceivedFilters,
        cursor: str | None = None,
        limit: int = PAGE,
    ) -> GrantPage:
        """One page of the grants made to the caller (a professional), oldest first;
        ``next_cursor`` is None after the last page."""
        if not can(actor, Action.GRANTS_RECEIVED):
            raise NotAllowed()
        _check(filters)
        after = parse_cursor(cursor)
        limit = max(1, min(limit, PAGE_MAX))
        now = self._clock.now()
        today = now.astimezone(TERRITORY_ZONE).date()
        with self._db.unit_of_work() as db:
            rows = repository.received_page(
                db,
                actor,
                now,
                person_id=filters.person,
                purpose=filters.purpose,
                state=filters.state,
                ending_before=filters.ending_before,
                after=after,
                limit=limit + 1,
            )
            more = len(rows) > limit
            rows = rows[:limit]
            outcomes = repository.outcomes_of(db, [grant.id for grant in rows])
            held = repository.parties_of(db, rows)  # noqa: F841 (held while building)
            items = []
            for grant in rows:
                view = self._grants.view(db, grant, now)
                items.append(
                    replace(
                        view,
                        refusal_fr=blocked(db, view, now, today),
                        outcomes=_pairs(outcomes[grant.id]),
                    )
                )
            return GrantPage(items, cursor_of(rows[-1]) if more and rows else None)

    def get(self, actor: Actor, grant_id: str) -> ReadGrant:
        """One grant: the grantee's view (with what their client checks and decrypts
        with), the person's (every document the grant named), or the charter officer's
        (the person's view, without the person's login)."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            grant = db.get(Grant, grant_id) if is_valid_id(grant_id) else None
            if grant is None or not can(actor, Action.GRANT_READ, parties(grant)):
                raise GrantNotFound()
            outcomes = _pairs(repository.outcomes_of(db, [grant.id])[grant.id])
            if can(actor, Action.GRANT_STATE, parties(grant)):
                today = now.astimezone(TERRITORY_ZONE).date()
                view = self._grants.view(db, grant, now)
                view = replace(view, refusal_fr=blocked(db, view, now, today), outcomes=outcomes)
                return ReadGrant(view, as_grantee=True)
            view = replace(self._grants.view(db, grant, now, everything=True), outcomes=outcomes)
            if not can(actor, Action.GRANT_REVOKE, parties(grant)):
                # The charter officer: the grant, its documents' categories and dates;
                # the person by id only (the console names persons by pseudonym).
                view = replace(view, person_login="")
            return ReadGrant(view, as_grantee=False)

    def report_outcome(self, actor: Actor, grant_id: str, outcome: str) -> OutcomeReport:
        """Record what came of the grant (once per outcome), in the person's history,
        and tell the person. The outcome is checked before any lookup."""
        if outcome not in OUTCOMES:
            raise InvalidOutcome()
        now = self._clock.now()
        # write=True: on SQLite the write lock comes first (parallel reports queue
        # instead of failing on a lock upgrade); PostgreSQL's primary key decides.
        with self._db.unit_of_work(write=True) as db:
            grant = db.get(Grant, grant_id) if is_valid_id(grant_id) else None
            if grant is None or not can(actor, Action.GRANT_OUTCOME, parties(grant)):
                raise GrantNotFound()
            recorded = repository.add_outcome(db, grant.id, outcome, actor.account_id, now)
            if recorded:
                _record(db, actor, grant, outcome, now)
            rows = repository.outcomes_of(db, [grant.id])[grant.id]
            reported_at = next(row.reported_at for row in rows if row.outcome == outcome)
            return OutcomeReport(grant.id, outcome, reported_at, recorded, _pairs(rows))


def _record(db: DbSession, actor: Actor, grant: Grant, outcome: str, now: datetime) -> None:
    """The history's entry and the person's notification, in the report's transaction."""
    entry = audit.by(
        actor,
        "grant.outcome",
        person_id=grant.person_id,
        structure_id=grant.structure_id,
        object_type="grant",
        object_id=grant.id,
        purpose=grant.purpose,
        details={"outcome": outcome, "professional": grant.professional_id},
    )
    audit.append(db, entry, now)
    profile = db.get(ProfessionalProfile, grant.professional_id)
    structure = db.get(Structure, grant.structure_id)
    row = repository.charter_version(db, grant.charter_version)
    purpose = charter_of(row).purpose(grant.purpose) if row is not None else None
    notify(
        db,
        grant.person_id,
        Kind.GRANT_OUTCOME,
        {
            "grant": grant.id,
            "outcome": outcome,
            "professional": profile.display_name if profile else "",
            "structure": structure.name if structure else "",
            "purpose": grant.purpose,
            "purpose_label": purpose.label if purpose is not None else grant.purpose,
        },
        now,
    )


def _pairs(rows: Sequence[GrantOutcome]) -> tuple[tuple[str, datetime], ...]:
    return tuple((row.outcome, row.reported_at) for row in rows)


def _check(filters: ReceivedFilters) -> None:
    if filters.state is not None and filters.state not in STATES:
        raise InvalidGrantFilter()
    if filters.person is not None and not is_valid_id(filters.person):
        raise InvalidGrantFilter()
    if filters.ending_before is not None and filters.ending_before.tzinfo is None:
        raise InvalidGrantFilter()


def cursor_of(grant: Grant) -> str:
    """The place after which the next page starts: opaque to the partner (base64url of
    a version tag, the grant's creation time in microseconds and its id)."""
    micros = (grant.created_at - _EPOCH) // timedelta(microseconds=1)
    return b64encode(f"g1.{micros}.{grant.id}".encode("ascii"))


def parse_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    if cursor is None:
        return None
    try:
        if len(cursor) > _MAX_CURSOR:
            raise InvalidCursor()
        text = b64decode(cursor).decode("ascii")
    except (CryptoError, ValueError) as exc:
        raise InvalidCursor() from exc
    found = _CURSOR.fullmatch(text)
    if found is None:
        raise InvalidCursor()
    return _EPOCH + timedelta(microseconds=int(found.group(1))), found.group(2)
