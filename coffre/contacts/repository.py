"""Every query of recovery through a trusted contact (coffre/contacts/service.py).

State changes are single conditional UPDATEs (``WHERE ended_at IS NULL``, ``WHERE
state = 'waiting'``): of parallel callers, the one whose UPDATE changed a row decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from coffre.contacts.models import ContactRequest, RequestState, TrustedContact


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def active_of_person(db: DbSession, person_id: str) -> TrustedContact | None:
    query = select(TrustedContact).where(
        TrustedContact.person_id == person_id, TrustedContact.ended_at.is_(None)
    )
    return db.scalars(query).first()


def active_for_contact(
    db: DbSession, arrangement_id: str, contact_id: str
) -> TrustedContact | None:
    """The arrangement if it is active and names ``contact_id`` (else None: not found)."""
    query = select(TrustedContact).where(
        TrustedContact.id == arrangement_id,
        TrustedContact.contact_id == contact_id,
        TrustedContact.ended_at.is_(None),
    )
    return db.scalars(query).first()


def naming(db: DbSession, contact_id: str) -> Sequence[TrustedContact]:
    """The active arrangements that name ``contact_id``, oldest first."""
    query = (
        select(TrustedContact)
        .where(TrustedContact.contact_id == contact_id, TrustedContact.ended_at.is_(None))
        .order_by(TrustedContact.created_at, TrustedContact.id)
    )
    return db.scalars(query).all()


def waiting_request(db: DbSession, arrangement_id: str) -> ContactRequest | None:
    query = select(ContactRequest).where(
        ContactRequest.arrangement_id == arrangement_id,
        ContactRequest.state == RequestState.WAITING.value,
    )
    return db.scalars(query).first()


def last_request(db: DbSession, arrangement_id: str) -> ContactRequest | None:
    query = (
        select(ContactRequest)
        .where(ContactRequest.arrangement_id == arrangement_id)
        .order_by(ContactRequest.asked_at.desc(), ContactRequest.id.desc())
    )
    return db.scalars(query).first()


def end_arrangements(
    db: DbSession,
    now: datetime,
    reason: str,
    *,
    person_id: str | None = None,
    arrangement_id: str | None = None,
    account_id: str | None = None,
) -> list[str]:
    """End the active arrangements matching the filter, wipe their key material, and
    end their waiting requests; returns the ids this call ended."""
    query = select(TrustedContact.id).where(TrustedContact.ended_at.is_(None))
    if person_id is not None:
        query = query.where(TrustedContact.person_id == person_id)
    if arrangement_id is not None:
        query = query.where(TrustedContact.id == arrangement_id)
    if account_id is not None:
        query = query.where(
            (TrustedContact.person_id == account_id) | (TrustedContact.contact_id == account_id)
        )
    ended: list[str] = []
    for found in db.scalars(query).all():
        result = db.execute(
            update(TrustedContact)
            .where(TrustedContact.id == found, TrustedContact.ended_at.is_(None))
            .values(
                ended_at=now,
                ended_reason=reason,
                wrapped_master_key=None,
                sealed_share=None,
                server_share=None,
                auth_hash=None,
            )
        )
        if _count(result):
            ended.append(found)
            db.execute(
                update(ContactRequest)
                .where(
                    ContactRequest.arrangement_id == found,
                    ContactRequest.state == RequestState.WAITING.value,
                )
                .values(state=RequestState.ENDED.value, ended_at=now)
            )
    return ended


def end_request(db: DbSession, request_id: str, state: RequestState, now: datetime) -> bool:
    """waiting → ``state``, decided once."""
    result = db.execute(
        update(ContactRequest)
        .where(
            ContactRequest.id == request_id,
            ContactRequest.state == RequestState.WAITING.value,
        )
        .values(state=state.value, ended_at=now)
    )
    return _count(result) == 1


def mark_released(db: DbSession, request_id: str, now: datetime) -> bool:
    """The first release of a request's server share (True once)."""
    result = db.execute(
        update(ContactRequest)
        .where(ContactRequest.id == request_id, ContactRequest.released_at.is_(None))
        .values(released_at=now)
    )
    return _count(result) == 1
