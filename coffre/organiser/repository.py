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
from sqlalchemy.orm import Session as DbSession

from coffre.db import statements
from coffre.organiser.models import OrganiserCount, OrganiserItem


def _changed(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def count_one_more(db: DbSession, account_id: str, limit: int) -> bool:
    """Count one more item for the account, in one statement, if under ``limit``
    (coffre/db/statements.py); False: the cap is reached."""
    return statements.count_one_more(db, OrganiserCount, account_id, limit)


def count_one_less(db: DbSession, account_id: str) -> None:
    statements.count_one_less(db, OrganiserCount, account_id)


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
