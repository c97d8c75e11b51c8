"""Queries of personal access tokens (coffre/accounts/tokens.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.token_models import AccessToken
from coffre.structures.models import Membership


def token_by_hash(db: DbSession, token_hash: bytes) -> AccessToken | None:
    return db.scalars(select(AccessToken).where(AccessToken.token_hash == token_hash)).first()


def token_by_id(db: DbSession, token_id: str) -> AccessToken | None:
    return db.get(AccessToken, token_id)


def tokens_of(db: DbSession, account_id: str) -> Sequence[AccessToken]:
    """The account's tokens not revoked (expired ones too), the newest first."""
    query = (
        select(AccessToken)
        .where(AccessToken.account_id == account_id, AccessToken.revoked_at.is_(None))
        .order_by(AccessToken.created_at.desc(), AccessToken.id)
    )
    return db.scalars(query).all()


def count_in_force(db: DbSession, account_id: str, now: datetime) -> int:
    query = select(func.count()).where(
        AccessToken.account_id == account_id,
        AccessToken.revoked_at.is_(None),
        AccessToken.expires_at > now,
    )
    return int(db.scalar(query) or 0)


def revoke(db: DbSession, token_id: str, now: datetime) -> bool:
    """Revoke the token unless already revoked; True if this call did (decided by the
    database: of parallel revocations, one is counted)."""
    result = db.execute(
        update(AccessToken)
        .where(AccessToken.id == token_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def revoke_all(db: DbSession, account_id: str, now: datetime) -> int:
    """Revoke every token of the account not revoked yet; returns how many."""
    result = db.execute(
        update(AccessToken)
        .where(AccessToken.account_id == account_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def membership_in_force(db: DbSession, account_id: str, now: datetime) -> Membership | None:
    """The account's most recently certified membership still in force: not left,
    certified, its certificate neither revoked nor expired."""
    query = (
        select(Membership)
        .where(
            Membership.account_id == account_id,
            Membership.left_at.is_(None),
            Membership.certificate.is_not(None),
            Membership.revoked_at.is_(None),
            (Membership.not_after.is_(None)) | (Membership.not_after > now),
        )
        .order_by(Membership.certified_at.desc(), Membership.id)
    )
    return db.scalars(query).first()


def membership(db: DbSession, membership_id: str) -> Membership | None:
    return db.get(Membership, membership_id)
