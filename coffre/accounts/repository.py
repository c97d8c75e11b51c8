"""All queries of the accounts area."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account, LoginFailure, Session, TotpCredential


def account_by_login(db: DbSession, login: str) -> Account | None:
    return db.scalars(select(Account).where(Account.login == login)).one_or_none()


def account_by_id(db: DbSession, account_id: str) -> Account | None:
    return db.get(Account, account_id)


def mark_erased(db: DbSession, account_id: str, now: datetime) -> bool:
    """Erase an account once: True for the one caller whose conditional UPDATE found it
    not erased yet (of parallel erasures, one shreds and records)."""
    query = (
        update(Account)
        .where(Account.id == account_id, Account.deleted_at.is_(None))
        .values(deleted_at=now)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def session_by_token_hash(db: DbSession, token_hash: bytes) -> Session | None:
    return db.scalars(select(Session).where(Session.token_hash == token_hash)).one_or_none()


# -- sessions ---------------------------------------------------------------


def live_sessions(
    db: DbSession, account_id: str, now: datetime, idle_since: datetime
) -> list[Session]:
    """The account's sessions that still work (not revoked, expired or idle), newest first."""
    query = (
        select(Session)
        .where(
            Session.account_id == account_id,
            Session.revoked_at.is_(None),
            Session.expires_at > now,
            Session.last_seen_at > idle_since,
        )
        .order_by(Session.last_seen_at.desc(), Session.created_at.desc())
    )
    return list(db.scalars(query))


def revoke_sessions(
    db: DbSession,
    account_id: str,
    now: datetime,
    *,
    only: str | None = None,
    keep: str | None = None,
    restricted_only: bool = False,
) -> int:
    """Revoke the account's unrevoked sessions (``only`` one, or all but ``keep``)."""
    query = update(Session).where(Session.account_id == account_id, Session.revoked_at.is_(None))
    if only is not None:
        query = query.where(Session.id == only)
    if keep is not None:
        query = query.where(Session.id != keep)
    if restricted_only:
        query = query.where(Session.restricted.is_(True))
    result = db.execute(query.values(revoked_at=now).execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def lift_restriction(db: DbSession, session_id: str) -> None:
    db.execute(
        update(Session)
        .where(Session.id == session_id)
        .values(restricted=False)
        .execution_options(synchronize_session=False)
    )


# -- login throttling ---------------------------------------------------------


def recent_failures(
    db: DbSession, scope: str, throttle_key: bytes, since: datetime, limit: int
) -> list[datetime]:
    """The times of the newest failures under a key since ``since``, newest first."""
    query = (
        select(LoginFailure.at)
        .where(
            LoginFailure.scope == scope,
            LoginFailure.throttle_key == throttle_key,
            LoginFailure.at >= since,
        )
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    )
    return list(db.scalars(query))


def add_failure(db: DbSession, scope: str, throttle_key: bytes, at: datetime) -> None:
    db.add(LoginFailure(scope=scope, throttle_key=throttle_key, at=at))


def clear_failures(db: DbSession, scope: str, throttle_key: bytes) -> None:
    db.execute(
        delete(LoginFailure).where(
            LoginFailure.scope == scope, LoginFailure.throttle_key == throttle_key
        )
    )


def purge_failures(db: DbSession, before: datetime) -> int:
    result = db.execute(delete(LoginFailure).where(LoginFailure.at < before))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


# -- TOTP -----------------------------------------------------------------------


def totp_credential(db: DbSession, account_id: str) -> TotpCredential | None:
    return db.get(TotpCredential, account_id)


def claim_totp_step(db: DbSession, account_id: str, step: int) -> bool:
    """Record ``step`` as used, unless it (or a later one) already was: one use per code.

    A single conditional UPDATE, so two requests racing with the same code cannot
    both succeed.
    """
    query = (
        update(TotpCredential)
        .where(
            TotpCredential.account_id == account_id,
            (TotpCredential.last_used_step.is_(None)) | (TotpCredential.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1
