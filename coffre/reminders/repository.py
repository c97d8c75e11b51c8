"""Queries of the reminders area: the person's reminders, the cap, the sent keys, and
the candidates of the system's reminders (documents, grants, requests)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.consent.models import AccessRequest, Grant
from coffre.db import statements
from coffre.reminders.models import Reminder, ReminderCount, ReminderSent
from coffre.vault.models import Document


def _changed(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# -- the person's reminders --------------------------------------------------------


def count_one_more(db: DbSession, account_id: str, limit: int) -> bool:
    """Count one more reminder for the account, in one statement, if under ``limit``
    (coffre/db/statements.py); False: the cap is reached."""
    return statements.count_one_more(db, ReminderCount, account_id, limit)


def count_one_less(db: DbSession, account_id: str) -> None:
    statements.count_one_less(db, ReminderCount, account_id)


def of_account(db: DbSession, account_id: str) -> Sequence[Reminder]:
    query = (
        select(Reminder)
        .where(Reminder.account_id == account_id)
        .order_by(Reminder.due_at, Reminder.id)
    )
    return db.scalars(query).all()


def remove(db: DbSession, reminder_id: str, account_id: str) -> bool:
    """Delete one reminder of the account; True for the one caller that deleted it."""
    result = db.execute(
        delete(Reminder).where(Reminder.id == reminder_id, Reminder.account_id == account_id)
    )
    return _changed(result) == 1


def change(db: DbSession, reminder: Reminder, updated_at: datetime, **values: Any) -> bool:
    """Change a reminder only if it is still as read (``updated_at``): a parallel change
    or the job's advance wins, and this one answers as a later call would."""
    result = db.execute(
        update(Reminder)
        .where(Reminder.id == reminder.id, Reminder.updated_at == updated_at)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result) == 1


def erase_account(db: DbSession, account_id: str, *, sent_keys: bool = True) -> None:
    """The account's reminders and their count; its sent keys too unless ``sent_keys``
    is False (a reset keeps them: a request still waiting is not recalled twice)."""
    db.execute(delete(Reminder).where(Reminder.account_id == account_id))
    db.execute(delete(ReminderCount).where(ReminderCount.account_id == account_id))
    if sent_keys:
        db.execute(delete(ReminderSent).where(ReminderSent.account_id == account_id))


# -- the job -------------------------------------------------------------------------


def due_reminders(db: DbSession, now: datetime, limit: int) -> Sequence[Reminder]:
    query = (
        select(Reminder)
        .where(Reminder.active.is_(True), Reminder.done_at.is_(None), Reminder.due_at <= now)
        .order_by(Reminder.due_at, Reminder.id)
        .limit(limit)
    )
    return db.scalars(query).all()


def advance(
    db: DbSession,
    reminder: Reminder,
    now: datetime,
    *,
    occurrence: int,
    due_at: datetime | None,
) -> bool:
    """The occurrence due at ``reminder.due_at`` is spent: the next one (``due_at``) or
    done. One conditional UPDATE: of parallel runs, one changes the row."""
    values: dict[str, Any] = {"last_sent_at": now, "occurrence": occurrence}
    if due_at is None:
        values["done_at"] = now
    else:
        values["due_at"] = due_at
    result = db.execute(
        update(Reminder)
        .where(
            Reminder.id == reminder.id,
            Reminder.due_at == reminder.due_at,
            Reminder.occurrence == reminder.occurrence,
            Reminder.active.is_(True),
            Reminder.done_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _changed(result) == 1


def claim_key(db: DbSession, key: str, account_id: str, kind: str, now: datetime) -> bool:
    """Record an occurrence as sent; True only for the one run that inserted its key."""
    statement = (
        statements.upsert_insert(db, ReminderSent)
        .values(key=key, account_id=account_id, kind=kind, sent_at=now)
        .on_conflict_do_nothing(index_elements=[ReminderSent.key])
        .returning(ReminderSent.key)
    )
    return db.execute(statement).first() is not None


def sent_keys(db: DbSession, keys: Collection[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        found.update(db.scalars(select(ReminderSent.key).where(ReminderSent.key.in_(chunk))))
    return found


# -- the system's reminders: candidates in their window ------------------------------


def documents_expiring(
    db: DbSession, first: date, last: date, after_id: str, limit: int
) -> Sequence[tuple[str, str, date, datetime]]:
    """Live documents whose ``expires_on`` is in [first, last]: (id, owner, date, when
    it was last set), by id from ``after_id``."""
    query = (
        select(
            Document.id,
            Document.owner_id,
            Document.expires_on,
            func.coalesce(Document.updated_at, Document.created_at),
        )
        .where(
            Document.deleted_at.is_(None),
            Document.expires_on.is_not(None),
            Document.expires_on >= first,
            Document.expires_on <= last,
            Document.id > after_id,
        )
        .order_by(Document.id)
        .limit(limit)
    )
    return [(str(a), str(b), c, d) for a, b, c, d in db.execute(query).all() if c is not None]


def grants_ending(
    db: DbSession, now: datetime, until: datetime, after_id: str, limit: int
) -> Sequence[tuple[str, str, datetime, datetime]]:
    """Grants still open that end in (now, until]: (id, person, end, created)."""
    query = (
        select(Grant.id, Grant.person_id, Grant.not_after, Grant.created_at)
        .where(
            Grant.revoked_at.is_(None),
            Grant.not_after > now,
            Grant.not_after <= until,
            or_(Grant.max_pulls.is_(None), Grant.pulls < Grant.max_pulls),
            Grant.id > after_id,
        )
        .order_by(Grant.id)
        .limit(limit)
    )
    return [(str(a), str(b), c, d) for a, b, c, d in db.execute(query).all()]


def requests_waiting(
    db: DbSession, now: datetime, since: datetime, after_id: str, limit: int
) -> Sequence[tuple[str, str, datetime]]:
    """Requests to a person still waiting for their answer, made at or before ``since``:
    (id, person, created)."""
    query = (
        select(AccessRequest.id, AccessRequest.person_id, AccessRequest.created_at)
        .where(
            and_(
                AccessRequest.status == "pending",
                AccessRequest.person_id.is_not(None),
                AccessRequest.expires_at > now,
                AccessRequest.created_at <= since,
                AccessRequest.id > after_id,
            )
        )
        .order_by(AccessRequest.id)
        .limit(limit)
    )
    return [(str(a), str(b), c) for a, b, c in db.execute(query).all()]
