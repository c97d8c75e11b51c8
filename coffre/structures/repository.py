"""All queries of the structures area."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.structures.models import (
    Invitation,
    Membership,
    ProfessionalProfile,
    Structure,
    TrustRoot,
)


def structures(db: DbSession) -> Sequence[Structure]:
    return db.scalars(select(Structure).order_by(Structure.territory, Structure.name)).all()


def structure_by_siret(db: DbSession, siret: str) -> Structure | None:
    return db.scalars(select(Structure).where(Structure.siret == siret)).one_or_none()


def invitation_by_hash(db: DbSession, code_hash: bytes) -> Invitation | None:
    return db.scalars(select(Invitation).where(Invitation.code_hash == code_hash)).one_or_none()


def use_invitation(db: DbSession, invitation_id: str, account_id: str, now: datetime) -> bool:
    """Spend an invitation: True for the one caller whose conditional UPDATE found it
    unused and unexpired, so parallel sign-ups with one code cannot all succeed."""
    query = (
        update(Invitation)
        .where(
            Invitation.id == invitation_id,
            Invitation.used_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by=account_id)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def end_membership(db: DbSession, membership_id: str, now: datetime) -> bool:
    """End a membership once: True for the one caller whose conditional UPDATE found it
    active (of parallel ends, one is recorded)."""
    query = (
        update(Membership)
        .where(Membership.id == membership_id, Membership.left_at.is_(None))
        .values(left_at=now)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def record_certificate(
    db: DbSession,
    membership_id: str,
    *,
    certificate: str,
    certified_by: str,
    certifier_fingerprint: str,
    now: datetime,
    not_after: datetime | None = None,
    certificate_id: str | None = None,
    rotated: bool = False,
) -> bool:
    """Store a certificate once: True for the one caller whose conditional UPDATE found
    the membership active and holding another certificate (or none). The same
    certificate sent again, even by parallel requests, changes nothing."""
    query = (
        update(Membership)
        .where(
            Membership.id == membership_id,
            Membership.left_at.is_(None),
            # A revoked certificate is replaced only by one over new keys (rotated).
            Membership.revoked_at.is_not(None) if rotated else Membership.revoked_at.is_(None),
            or_(Membership.certificate.is_(None), Membership.certificate != certificate),
        )
        .values(
            certificate=certificate,
            certified_by=certified_by,
            certifier_fingerprint=certifier_fingerprint,
            certified_at=now,
            not_after=not_after,
            certificate_id=certificate_id,
            revoked_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def memberships_of(db: DbSession, account_id: str) -> Sequence[Membership]:
    return db.scalars(select(Membership).where(Membership.account_id == account_id)).all()


def active_membership(db: DbSession, account_id: str, structure_id: str) -> Membership | None:
    query = select(Membership).where(
        Membership.account_id == account_id,
        Membership.structure_id == structure_id,
        Membership.left_at.is_(None),
    )
    return db.scalars(query).first()


def members(db: DbSession, structure_id: str) -> Sequence[tuple[Membership, ProfessionalProfile]]:
    query = (
        select(Membership, ProfessionalProfile)
        .join(ProfessionalProfile, ProfessionalProfile.account_id == Membership.account_id)
        .where(Membership.structure_id == structure_id)
        .order_by(Membership.joined_at)
    )
    return [(m, p) for m, p in db.execute(query).all()]


def current_certified(db: DbSession, account_id: str) -> Membership | None:
    """The account's active, certified membership (the most recent one)."""
    query = (
        select(Membership)
        .where(
            Membership.account_id == account_id,
            Membership.left_at.is_(None),
            Membership.certificate.is_not(None),
        )
        .order_by(Membership.certified_at.desc())
    )
    return db.scalars(query).first()


def live_certified(db: DbSession, account_id: str) -> Sequence[Membership]:
    """The account's memberships in force holding a certificate not revoked yet (an
    expired one too: it names the account's key as much as a valid one)."""
    query = (
        select(Membership)
        .where(
            Membership.account_id == account_id,
            Membership.left_at.is_(None),
            Membership.certificate.is_not(None),
            Membership.revoked_at.is_(None),
        )
        .order_by(Membership.id)
    )
    return db.scalars(query).all()


def trust_root(db: DbSession) -> TrustRoot | None:
    return db.scalars(select(TrustRoot).order_by(TrustRoot.created_at)).first()
