"""All queries of the accounts area."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account, LoginFailure, Session


def account_by_login(db: DbSession, login: str) -> Account | None:
    return db.scalars(select(Account).where(Account.login == login)).one_or_none()


def account_by_id(db: DbSession, account_id: str) -> Account | None:
    return db.get(Account, account_id)


def session_by_token_hash(db: DbSession, token_hash: bytes) -> Session | None:
    return db.scalars(select(Session).where(Session.token_hash == token_hash)).one_or_none()


def count_recent_failures(db: DbSession, login_key: bytes, since: datetime) -> int:
    query = select(func.count(LoginFailure.id)).where(
        LoginFailure.login_key == login_key, LoginFailure.at >= since
    )
    return int(db.scalar(query) or 0)


def clear_failures(db: DbSession, login_key: bytes) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.login_key == login_key))
