"""Every query of the person's organiser (coffre/organiser/service.py).

Changes are single conditional statements: the cap is one upsert on the count, a
change is one UPDATE ``WHERE version = :read``, a deletion one DELETE; of parallel
callers, the one whose statement changed a row decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session as DbSession

from coffre.organiser.models import OrganiserCount, OrganiserItem


def _changed(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def count_one_more(db: DbSession, account_id: str, limit: int) -> bool:
    """Count one more item for the account, in one statement, if under ``limit``.

    ``INSERT … ON CONFLICT (account_id) DO UPDATE SET n = n + 1 WHERE n < limit``:
    PostgreSQL makes a parallel writer wait for the row and re-checks the condition
    on the committed count; SQLite writes one at a time. False: the cap is reached."""
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(OrganiserCount).values(account_id=account_id, n=1)
    statement = insert.on_conflict_do_update(
        index_elements=[OrganiserCount.account_id],
        set_={"n": OrganiserCount.n + 1},
        where=OrganiserCount.n < limit,
    )
    # RETURNING, not rowcount: the driver's rowcount of an upsert is not reliable.
    return db.execute(statement.returning(OrganiserCount.n)).first() is not None


def count_one_less(db: DbSession, account_id: str) -> None:
    db.execute(
        update(OrganiserCount)
        .where(OrganiserCount.account_id == account_id, OrganiserCount.n > 0)
        .values(n=OrganiserCount.n - 1)
    )


def of_account(db: DbSession, account_id: str) -> Sequence[OrganiserItem]:
    query = (
        select(OrganiserItem)
        .where(OrganiserItem.account_id == account_id)
        .order_by(OrganiserItem.created_at, OrganiserItem.id)
    )
    return db.scalars(query).all()


def one(db: DbSession, account_id: str, item_id: str) -> OrganiserItem | None:
    return db.get(OrganiserItem, (account_id, item_id))


def change(
    db: DbSession,
    account_id: str,
    item_id: str,
    read_version: int,
    ciphertext: bytes,
    now: datetime,
) -> bool:
    """Replace the item's ciphertext if its version is still ``read_version``."""
    result = db.execute(
        update(OrganiserItem)
        .where(
            OrganiserItem.account_id == account_id,
            OrganiserItem.id == item_id,
            OrganiserItem.version == read_version,
        )
        .values(ciphertext=ciphertext, version=OrganiserItem.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result) == 1


def remove(db: DbSession, account_id: str, item_id: str) -> bool:
    """Delete one item of the account; True for the one caller that deleted it."""
    result = db.execute(
        delete(OrganiserItem)
        .where(OrganiserItem.account_id == account_id, OrganiserItem.id == item_id)
        .execution_options(synchronize_session=False)
    )
    return _changed(result) == 1


def erase_account(db: DbSession, account_id: str) -> int:
    result = db.execute(
        delete(OrganiserItem)
        .where(OrganiserItem.account_id == account_id)
        .execution_options(synchronize_session=False)
    )
    db.execute(delete(OrganiserCount).where(OrganiserCount.account_id == account_id))
    return _changed(result)
