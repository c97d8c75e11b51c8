"""Every query of the relays area.

A change of state is ONE conditional UPDATE whose WHERE clause is the transition's
precondition (``state = 'proposed'``, agreed or not, not expired…): the caller whose
UPDATE changed the row is the one that records, audits and tells; the others changed
nothing (PostgreSQL re-checks the WHERE clause once it holds the row lock; SQLite runs
one writer at a time).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Select, and_, exists, false, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as DbSession

from coffre.relays.models import CloseReason, Relay, RelayDocument, RelayNoteKey, RelayState
from coffre.structures.models import Membership

PROPOSED = RelayState.PROPOSED.value
TAKEN = RelayState.TAKEN.value


def _changed(db: DbSession, relay_id: str, condition: ColumnElement[bool], **values: Any) -> bool:
    query = (
        update(Relay)
        .where(Relay.id == relay_id, condition)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = db.execute(query)
    assert isinstance(result, CursorResult)
    return int(result.rowcount) == 1


def _open(now: datetime) -> ColumnElement[bool]:
    return and_(Relay.state == PROPOSED, Relay.expires_at > now)


def agree(db: DbSession, relay_id: str, now: datetime) -> bool:
    """The person agrees: once, while proposed, not expired, not yet agreed."""
    return _changed(
        db,
        relay_id,
        and_(_open(now), Relay.agreed_at.is_(None)),
        agreed_at=now,
        updated_at=now,
    )


def refuse(db: DbSession, relay_id: str, now: datetime) -> bool:
    """The person refuses before agreeing: the relay is closed (``person_refused``)."""
    return _changed(
        db,
        relay_id,
        and_(Relay.state == PROPOSED, Relay.agreed_at.is_(None)),
        state=RelayState.CLOSED.value,
        closed_at=now,
        close_reason="person_refused",
        updated_at=now,
    )


def take(db: DbSession, relay_id: str, taker_id: str, now: datetime) -> bool:
    """A member of the target structure takes it: once, agreed, proposed, not expired."""
    return _changed(
        db,
        relay_id,
        and_(_open(now), Relay.agreed_at.is_not(None)),
        state=TAKEN,
        taken_by=taker_id,
        taken_at=now,
        updated_at=now,
    )


def decline(db: DbSession, relay_id: str, reason: str, now: datetime) -> bool:
    """A member of the target structure declines it (with a reason), under the same
    condition as taking it."""
    return _changed(
        db,
        relay_id,
        and_(_open(now), Relay.agreed_at.is_not(None)),
        state=RelayState.DECLINED.value,
        decline_reason=reason,
        closed_at=now,
        updated_at=now,
    )


def close(db: DbSession, relay_id: str, reason: str, now: datetime) -> bool:
    """Close a relay still proposed or taken; ``done`` only once taken."""
    done = reason == CloseReason.DONE.value
    return _changed(
        db,
        relay_id,
        Relay.state == TAKEN if done else Relay.state.in_((PROPOSED, TAKEN)),
        state=RelayState.CLOSED.value,
        closed_at=now,
        close_reason=reason,
        updated_at=now,
    )


def send_return(db: DbSession, relay_id: str, taker_id: str, note: bytes, now: datetime) -> bool:
    """The taker's return: once, while taken."""
    return _changed(
        db,
        relay_id,
        and_(Relay.state == TAKEN, Relay.taken_by == taker_id, Relay.returned_at.is_(None)),
        return_note=note,
        returned_at=now,
        updated_at=now,
    )


def remind(db: DbSession, relay_id: str, now: datetime) -> bool:
    """The reminder, exactly once: proposed, due, not reminded, not expired."""
    return _changed(
        db,
        relay_id,
        and_(
            _open(now),
            Relay.reminded_at.is_(None),
            Relay.remind_at <= now,
        ),
        reminded_at=now,
        updated_at=now,
    )


def expire(db: DbSession, relay_id: str, now: datetime) -> bool:
    """A relay not taken in time expires, once."""
    return _changed(
        db,
        relay_id,
        and_(Relay.state == PROPOSED, Relay.expires_at <= now),
        state=RelayState.EXPIRED.value,
        closed_at=now,
        updated_at=now,
    )


def due_reminders(db: DbSession, now: datetime, limit: int) -> Sequence[str]:
    query = (
        select(Relay.id)
        .where(
            Relay.state == PROPOSED,
            Relay.remind_at <= now,
            Relay.reminded_at.is_(None),
            Relay.expires_at > now,
        )
        .order_by(Relay.remind_at)
        .limit(limit)
    )
    return db.scalars(query).all()


def due_expiries(db: DbSession, now: datetime, limit: int) -> Sequence[str]:
    query = (
        select(Relay.id)
        .where(Relay.state == PROPOSED, Relay.expires_at <= now)
        .order_by(Relay.expires_at)
        .limit(limit)
    )
    return db.scalars(query).all()


def documents(db: DbSession, relay_id: str) -> list[str]:
    query = (
        select(RelayDocument.document_id)
        .where(RelayDocument.relay_id == relay_id)
        .order_by(RelayDocument.document_id)
    )
    return list(db.scalars(query))


def documents_of(db: DbSession, relay_ids: Sequence[str]) -> dict[str, list[str]]:
    """The documents of these relays, by relay id (a page of GET /relays at once)."""
    found: dict[str, list[str]] = {}
    ids = list(relay_ids)
    for start in range(0, len(ids), 500):
        query = (
            select(RelayDocument.relay_id, RelayDocument.document_id)
            .where(RelayDocument.relay_id.in_(ids[start : start + 500]))
            .order_by(RelayDocument.relay_id, RelayDocument.document_id)
        )
        for relay_id, document_id in db.execute(query).all():
            found.setdefault(relay_id, []).append(document_id)
    return found


def note_key(db: DbSession, relay_id: str, which: str, recipient_id: str) -> RelayNoteKey | None:
    return db.get(RelayNoteKey, (relay_id, which, recipient_id))


def sealed_keys_of(
    db: DbSession, relay_ids: Sequence[str], recipient_id: str
) -> dict[tuple[str, str], bytes]:
    """The recipient's sealed note keys of these relays, by (relay id, which)."""
    found: dict[tuple[str, str], bytes] = {}
    ids = list(relay_ids)
    for start in range(0, len(ids), 500):
        query = select(RelayNoteKey).where(
            RelayNoteKey.relay_id.in_(ids[start : start + 500]),
            RelayNoteKey.recipient_id == recipient_id,
        )
        found |= {(k.relay_id, k.which): k.sealed_key for k in db.scalars(query)}
    return found


def by_id(db: DbSession, column: InstrumentedAttribute[str], ids: Collection[str]) -> list[Any]:
    """The rows of ``column``'s table whose ``column`` is one of ``ids`` (names and
    keys of a page of relays at once)."""
    wanted = sorted(set(ids))
    found: list[Any] = []
    for start in range(0, len(wanted), 500):
        query = select(column.class_).where(column.in_(wanted[start : start + 500]))
        found.extend(db.scalars(query))
    return found


def member_structures(db: DbSession, account_id: str) -> list[str]:
    """The structures where the account is a certified, active member."""
    query = select(Membership.structure_id).where(
        Membership.account_id == account_id,
        Membership.left_at.is_(None),
        Membership.certificate.is_not(None),
    )
    return list(db.scalars(query))


def visible_to(
    db: DbSession,
    *,
    person_id: str | None,
    professional_id: str | None,
    box: str | None,
    state: str | None,
    followed: Select[str] | None = None,
    after: tuple[datetime, str] | None = None,
    limit: int,
) -> Sequence[Relay]:
    """The relays an actor may see (the RELAY_READ rule as a query), newest first.

    ``box``: ``mine`` (a person's own), ``outgoing`` (orienting or responsible),
    ``incoming`` (agreed relays of a structure the professional is a certified member
    of, and those they took), ``followed`` (of the persons whose référent they are);
    None: every box the actor has. A page of ``limit`` rows after ``after`` (the
    last row of the page before: its ``updated_at`` and id). ``person_id`` and
    ``professional_id`` are the policy's scopes (coffre/policy/relays.py
    ``SCOPES``): no scope, no row."""
    condition: ColumnElement[bool] = false()
    if person_id is not None:
        condition = Relay.person_id == person_id
    elif professional_id is not None:
        account_id = professional_id
        member = exists().where(
            Membership.structure_id == Relay.target_structure_id,
            Membership.account_id == account_id,
            Membership.left_at.is_(None),
            Membership.certificate.is_not(None),
        )
        boxes: dict[str, ColumnElement[bool]] = {
            "outgoing": or_(Relay.orienting_id == account_id, Relay.responsible_id == account_id),
            "incoming": or_(
                and_(Relay.agreed_at.is_not(None), member), Relay.taken_by == account_id
            ),
            "followed": Relay.person_id.in_(followed) if followed is not None else false(),
        }
        if box is None:
            condition = or_(*boxes.values())
        else:
            condition = boxes[box]
    query = select(Relay).where(condition)
    if state is not None:
        query = query.where(Relay.state == state)
    if after is not None:  # keyset paging (the order below): the rows after the cursor's
        at, relay_id = after
        query = query.where(
            or_(Relay.updated_at < at, and_(Relay.updated_at == at, Relay.id > relay_id))
        )
    query = query.order_by(Relay.updated_at.desc(), Relay.id).limit(limit)
    return db.scalars(query).all()


def relays_of_person(db: DbSession, person_id: str) -> Sequence[Relay]:
    """A person's relays, newest first (the référent's view of one person)."""
    query = select(Relay).where(Relay.person_id == person_id).order_by(Relay.created_at.desc())
    return db.scalars(query).all()
