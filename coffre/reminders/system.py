"""The system's reminders: documents about to expire, grants about to end, requests
waiting for the person's answer (docs/REMINDERS.md). Each goes to the PERSON.

Each kind has its moments (days before an end, days after a request), and an
occurrence is one object at one moment, named by a key:

    document.expiring:<document id>:<expires_on>:<days>   30 and 7 days before
    grant.ending:<grant id>:<days>                          7 days and 1 day before
    request.waiting:<request id>:<days>                     3 and 10 days after

When a run finds an object past several moments (the server was stopped), it sends the
latest one only. A moment that had already passed when the date was set (a document
added 20 days before it expires, a 3-day grant) is not sent: the person just chose it.
The date a document expires is part of its key: a person who corrects it is reminded
for the new one.

Sending is one unit of work per occurrence: its key in ``reminder_sent`` (``ON
CONFLICT DO NOTHING``: the run that inserted it is the one that goes on), the
notification and the person's history entry. Parallel runs send each once. Persons
who turned a kind off (``reminder_enabled``) get nothing of it, and no key is kept:
turned on again, the next moment is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import trail as audit
from coffre.db.engine import Database
from coffre.notifications import preferences
from coffre.notifications.service import Kind, notify
from coffre.reminders import repository

DOCUMENT_DAYS = (30, 7)
GRANT_DAYS = (7, 1)
REQUEST_DAYS = (3, 10)
BATCH = 500
ROUNDS = 40  # at most 20 000 candidates of a kind per run; the next run goes on


@dataclass(frozen=True)
class Occurrence:
    key: str
    person_id: str
    which: str  # the person's toggle (coffre/notifications/preferences.py REMINDERS)
    kind: Kind
    data: dict[str, Any]
    entry: audit.Entry


@dataclass
class SystemReport:
    documents: int = 0
    grants: int = 0
    requests: int = 0


@dataclass
class _People:
    """Each person's choices and whether the account still exists, read once per run."""

    db: DbSession
    prefs: dict[str, preferences.Preferences] = field(default_factory=dict)
    alive: dict[str, bool] = field(default_factory=dict)

    def load(self, ids: set[str]) -> None:
        missing = ids - self.alive.keys()
        if not missing:
            return
        query = select(Account.id).where(
            Account.id.in_(sorted(missing)), Account.deleted_at.is_(None)
        )
        living = set(self.db.scalars(query))
        for account_id in missing:
            self.alive[account_id] = account_id in living
            if account_id in living:
                self.prefs[account_id] = preferences.get(self.db, account_id)

    def wants(self, person_id: str, which: str) -> bool:
        prefs = self.prefs.get(person_id)
        return prefs is not None and preferences.reminder_enabled(prefs, which)


def run(db: Database, now: datetime) -> SystemReport:
    report = SystemReport()
    report.documents = _send_all(db, now, _documents)
    report.grants = _send_all(db, now, _grants)
    report.requests = _send_all(db, now, _requests)
    return report


def _send_all(
    database: Database,
    now: datetime,
    find: Callable[[DbSession, _People, datetime], Iterator[list[Occurrence]]],
) -> int:
    sent = 0
    with database.unit_of_work() as db:
        people = _People(db)
        pending: list[Occurrence] = []
        for batch in find(db, people, now):
            done = repository.sent_keys(db, [o.key for o in batch])
            pending.extend(o for o in batch if o.key not in done)
    for occurrence in pending:
        if _send(database, occurrence, now):
            sent += 1
    return sent


def _send(database: Database, occurrence: Occurrence, now: datetime) -> bool:
    # write=True: on SQLite the key is claimed under the write lock (BEGIN IMMEDIATE).
    with database.unit_of_work(write=True) as db:
        kind = occurrence.kind.value
        if not repository.claim_key(db, occurrence.key, occurrence.person_id, kind, now):
            return False  # another run sent it
        notify(db, occurrence.person_id, occurrence.kind, occurrence.data, now)
        audit.append(db, occurrence.entry, now)
        return True


def _latest(reached: Sequence[int], pick: Callable[[Sequence[int]], int]) -> int | None:
    return pick(reached) if reached else None


# -- documents about to expire ---------------------------------------------------------


def _documents(db: DbSession, people: _People, now: datetime) -> Iterator[list[Occurrence]]:
    # The window in UTC days with a day's margin each side; each person's own day below.
    first = now.date() - timedelta(days=1)
    last = now.date() + timedelta(days=max(DOCUMENT_DAYS) + 1)
    after = ""
    for _ in range(ROUNDS):
        rows = repository.documents_expiring(db, first, last, after, BATCH)
        if not rows:
            return
        after = rows[-1][0]
        people.load({owner for _, owner, _, _ in rows})
        batch = []
        for document_id, owner, expires_on, set_at in rows:
            if not people.wants(owner, "documents_expiring"):
                continue
            zone = people.prefs[owner].zone
            today = now.astimezone(zone).date()
            left = (expires_on - today).days
            days = _latest([d for d in DOCUMENT_DAYS if 0 <= left <= d], min)
            if days is None or (expires_on - set_at.astimezone(zone).date()).days <= days:
                continue
            batch.append(
                Occurrence(
                    key=f"document.expiring:{document_id}:{expires_on.isoformat()}:{days}",
                    person_id=owner,
                    which="documents_expiring",
                    kind=Kind.DOCUMENT_EXPIRING,
                    data={"document_id": document_id, "expires_on": expires_on.isoformat()},
                    entry=audit.Entry(
                        action="reminder.document_expiring",
                        person_id=owner,
                        object_type="document",
                        object_id=document_id,
                        details={"expires_on": expires_on.isoformat(), "days": days},
                    ),
                )
            )
        yield batch
        if len(rows) < BATCH:
            return


# -- grants about to end ---------------------------------------------------------------


def _grants(db: DbSession, people: _People, now: datetime) -> Iterator[list[Occurrence]]:
    until = now + timedelta(days=max(GRANT_DAYS))
    after = ""
    for _ in range(ROUNDS):
        rows = repository.grants_ending(db, now, until, after, BATCH)
        if not rows:
            return
        after = rows[-1][0]
        people.load({person for _, person, _, _ in rows})
        batch = []
        for grant_id, person, ends, created in rows:
            if not people.wants(person, "grants_ending"):
                continue
            left = ends - now
            days = _latest([d for d in GRANT_DAYS if left <= timedelta(days=d)], min)
            if days is None or ends - created <= timedelta(days=days):
                continue
            expires_at = audit.at_text(ends)
            batch.append(
                Occurrence(
                    key=f"grant.ending:{grant_id}:{days}",
                    person_id=person,
                    which="grants_ending",
                    kind=Kind.GRANT_ENDING,
                    data={"grant_id": grant_id, "expires_at": expires_at},
                    entry=audit.Entry(
                        action="reminder.grant_ending",
                        person_id=person,
                        object_type="grant",
                        object_id=grant_id,
                        details={"expires_at": expires_at, "days": days},
                    ),
                )
            )
        yield batch
        if len(rows) < BATCH:
            return


# -- requests waiting for the person's answer --------------------------------------------


def _requests(db: DbSession, people: _People, now: datetime) -> Iterator[list[Occurrence]]:
    since = now - timedelta(days=min(REQUEST_DAYS))
    after = ""
    for _ in range(ROUNDS):
        rows = repository.requests_waiting(db, now, since, after, BATCH)
        if not rows:
            return
        after = rows[-1][0]
        people.load({person for _, person, _ in rows})
        batch = []
        for request_id, person, created in rows:
            if not people.wants(person, "requests_waiting"):
                continue
            waited = now - created
            days = _latest([d for d in REQUEST_DAYS if waited >= timedelta(days=d)], max)
            if days is None:
                continue
            batch.append(
                Occurrence(
                    key=f"request.waiting:{request_id}:{days}",
                    person_id=person,
                    which="requests_waiting",
                    kind=Kind.REQUEST_WAITING,
                    data={"request_id": request_id},
                    entry=audit.Entry(
                        action="reminder.request_waiting",
                        person_id=person,
                        object_type="request",
                        object_id=request_id,
                        details={"days": days},
                    ),
                )
            )
        yield batch
        if len(rows) < BATCH:
            return
