"""Statements every area writes the same way on both backends.

``upsert_insert``: an INSERT that can take ON CONFLICT, spelled by the backend in use
(PostgreSQL and SQLite both speak it, each through its own dialect). ``count_one_more``
and ``count_one_less``: a per-account cap decided by the database in ONE statement
(the organiser's items, the person's reminders): of parallel callers at the cap, the
database lets exactly the missing number through. ``count_in_window``: a request
counter per key and fixed time window (a token's rate limit), in ONE statement too.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, case, or_, update
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


def count_in_window(
    db: DbSession, counter: Any, key: str, window_start: int, limit: int
) -> int | None:
    """Count one more request for ``key`` in the window opened at ``window_start``
    (seconds since the epoch), in one statement; the new count, or None: ``limit`` is
    reached in this window.

    ``counter`` is a table keyed by ``key`` with ``window_start`` and a count ``n``. A
    row of an earlier window starts again at 1; a row of this window counts one more
    only while ``n < limit``: of parallel callers at the limit, exactly the missing
    number pass (PostgreSQL re-checks the condition on the committed row; SQLite writes
    one at a time). A caller whose clock lags (an earlier ``window_start`` than the
    row's) counts in the row's window: it cannot reset it."""
    insert = upsert_insert(db, counter).values(key=key, window_start=window_start, n=1)
    fresh = counter.window_start < insert.excluded.window_start
    statement = insert.on_conflict_do_update(
        index_elements=[counter.key],
        set_={
            "n": case((fresh, 1), else_=counter.n + 1),
            "window_start": case((fresh, insert.excluded.window_start), else_=counter.window_start),
        },
        where=or_(fresh, counter.n < limit),
    )
    row = db.execute(statement.returning(counter.n)).first()
    return None if row is None else int(row[0])
