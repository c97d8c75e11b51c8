"""Queries of recovery tokens, reset codes and account erasure.

Single use is decided by one conditional statement (DELETE or UPDATE … WHERE still
usable), so two requests racing with the same token or code cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import RecoveryToken, ResetCode, Session, TotpCredential


def _count(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


# -- recovery tokens ------------------------------------------------------------


def recovery_token_by_hash(db: DbSession, token_hash: bytes) -> RecoveryToken | None:
    query = select(RecoveryToken).where(RecoveryToken.token_hash == token_hash)
    return db.scalars(query).one_or_none()


def take_recovery_token(db: DbSession, token_id: str, now: datetime) -> bool:
    """Spend a token: True for the one caller that deleted it while still valid."""
    query = delete(RecoveryToken).where(
        RecoveryToken.id == token_id, RecoveryToken.expires_at > now
    )
    return _count(db.execute(query.execution_options(synchronize_session=False))) == 1


def delete_recovery_tokens(db: DbSession, account_id: str) -> None:
    query = delete(RecoveryToken).where(RecoveryToken.account_id == account_id)
    db.execute(query.execution_options(synchronize_session=False))


# -- reset codes ------------------------------------------------------------------


def reset_code_by_hash(db: DbSession, code_hash: bytes) -> ResetCode | None:
    return db.scalars(select(ResetCode).where(ResetCode.code_hash == code_hash)).one_or_none()


def use_reset_code(db: DbSession, code_id: str, now: datetime) -> bool:
    """Mark a code used: True for the one caller that found it unused and unexpired."""
    query = (
        update(ResetCode)
        .where(ResetCode.id == code_id, ResetCode.used_at.is_(None), ResetCode.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return _count(db.execute(query)) == 1


def delete_unused_reset_codes(db: DbSession, account_id: str) -> int:
    """A new code replaces the ones still pending: one valid code per account at most."""
    query = delete(ResetCode).where(ResetCode.account_id == account_id, ResetCode.used_at.is_(None))
    return _count(db.execute(query.execution_options(synchronize_session=False)))


def delete_reset_codes(db: DbSession, account_id: str) -> None:
    query = delete(ResetCode).where(ResetCode.account_id == account_id)
    db.execute(query.execution_options(synchronize_session=False))


# -- erasure ------------------------------------------------------------------------


def delete_sessions(db: DbSession, account_id: str) -> None:
    query = delete(Session).where(Session.account_id == account_id)
    db.execute(query.execution_options(synchronize_session=False))


def delete_totp_credential(db: DbSession, account_id: str) -> None:
    query = delete(TotpCredential).where(TotpCredential.account_id == account_id)
    db.execute(query.execution_options(synchronize_session=False))
