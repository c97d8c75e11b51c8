"""Queries of resets: the person's links with an issuer, and the waiting resets.

Every change of a waiting reset's state is one conditional UPDATE (``… WHERE state =
'waiting'``) whose row count decides: a cancel and a completion racing on the same
reset cannot both win, on SQLite (the UPDATE is the transaction's first write, so it
takes the write lock before its WHERE is read) as on PostgreSQL (the row lock, then
the WHERE re-checked on the committed row).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import ResetCode
from coffre.accounts.reset_models import PendingReset, ResetState
from coffre.consent.models import Grant


def _count(result: object) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


# -- links the person made with a professional ----------------------------------


def active_grants_between(
    db: DbSession, professional_id: str, person_id: str, now: datetime, skew: timedelta
) -> Sequence[Grant]:
    """Grants from the person to the professional that are active now: not revoked,
    started (give or take the clocks' skew, as the gate allows), not expired, pulls left
    (``coffre.consent.gate.grant_state``)."""
    query = select(Grant).where(
        Grant.professional_id == professional_id,
        Grant.person_id == person_id,
        Grant.revoked_at.is_(None),
        Grant.not_before <= now + skew,
        Grant.not_after > now,
        or_(Grant.max_pulls.is_(None), Grant.pulls < Grant.max_pulls),
    )
    return db.scalars(query.order_by(Grant.not_after.desc(), Grant.id)).all()


# -- reset codes not used yet -----------------------------------------------------


def pending_code(db: DbSession, account_id: str, now: datetime) -> ResetCode | None:
    query = select(ResetCode).where(
        ResetCode.account_id == account_id,
        ResetCode.used_at.is_(None),
        ResetCode.expires_at > now,
    )
    return db.scalars(query.order_by(ResetCode.created_at.desc())).first()


def withdraw_codes(db: DbSession, account_id: str, now: datetime) -> int:
    """Delete every unused code of the account; returns how many were still valid."""
    valid = delete(ResetCode).where(
        ResetCode.account_id == account_id,
        ResetCode.used_at.is_(None),
        ResetCode.expires_at > now,
    )
    withdrawn = _count(db.execute(valid.execution_options(synchronize_session=False)))
    stale = delete(ResetCode).where(ResetCode.account_id == account_id, ResetCode.used_at.is_(None))
    db.execute(stale.execution_options(synchronize_session=False))
    return withdrawn


# -- waiting resets -------------------------------------------------------------------


def waiting_reset(db: DbSession, account_id: str) -> PendingReset | None:
    query = select(PendingReset).where(
        PendingReset.account_id == account_id, PendingReset.state == ResetState.WAITING.value
    )
    return db.scalars(query).first()


def due_resets(db: DbSession, now: datetime, limit: int) -> Sequence[str]:
    query = (
        select(PendingReset.id)
        .where(PendingReset.state == ResetState.WAITING.value, PendingReset.completes_at <= now)
        .order_by(PendingReset.completes_at, PendingReset.id)
        .limit(limit)
    )
    return db.scalars(query).all()


def end_waiting(db: DbSession, account_id: str, state: ResetState, now: datetime) -> int:
    """End the account's waiting reset (cancelled, replaced, void); 1 if this call did."""
    query = (
        update(PendingReset)
        .where(
            PendingReset.account_id == account_id,
            PendingReset.state == ResetState.WAITING.value,
        )
        .values(state=state.value, ended_at=now, credentials=None)
        .execution_options(synchronize_session=False)
    )
    return _count(db.execute(query))


def claim_completion(db: DbSession, reset_id: str, now: datetime) -> bool:
    """Mark a due reset completed: True for the one caller that found it still waiting."""
    query = (
        update(PendingReset)
        .where(
            PendingReset.id == reset_id,
            PendingReset.state == ResetState.WAITING.value,
            PendingReset.completes_at <= now,
        )
        .values(state=ResetState.COMPLETED.value, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return _count(db.execute(query)) == 1
