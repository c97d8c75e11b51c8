"""Statements every area writes the same way on both backends.

``upsert_insert``: an INSERT that can take ON CONFLICT, spelled by the backend in use
(PostgreSQL and SQLite both speak it, each through its own dialect). ``count_one_more``
and ``count_one_less``: a per-account cap decided by the database in ONE statement
(the organiser's items, the person's reminders): of parallel callers at the cap, the
database lets exactly the missing number through.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DbSession

_Q = TypeVar("_Q", bound="Select[*tuple[Any, ...]]")


def skip_locked(db: DbSession, query: _Q) -> _Q:
    """``query`` taking its rows FOR UPDATE SKIP LOCKED on PostgreSQL (rows another
    worker is claiming are skipped, not waited for); as is on SQLite, whose write lock
    serialises the claims. The outboxes' claims (notifications, webhooks) use it."""
    if db.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def upsert_insert(db: DbSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT, spelled by the backend in use (both speak it)."""
    if db.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def count_one_more(db: DbSession, counter: Any, account_id: str, limit: int) -> bool:
    """Count one more for the account in ``counter`` (a table keyed by ``account_id``
    with a count ``n``), in one statement, if under ``limit``; False: the cap is reached.

    ``INSERT … ON CONFLICT (account_id) DO UPDATE SET n = n + 1 WHERE n < limit``:
    PostgreSQL makes a parallel writer wait for the row and re-checks the condition on
    the committed count; SQLite writes one at a time."""
    insert = upsert_insert(db, counter).values(account_id=account_id, n=1)
    statement = insert.on_conflict_do_update(
        index_elements=[counter.account_id],
        set_={"n": counter.n + 1},
        where=counter.n < limit,
    )
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT … ON CONFLICT.
    return db.execute(statement.returning(counter.n)).first() is not None


def count_one_less(db: DbSession, counter: Any, account_id: str) -> None:
    """Count one less for the account (never below zero)."""
    db.execute(
        update(counter)
        .where(counter.account_id == account_id, counter.n > 0)
        .values(n=counter.n - 1)
    )
