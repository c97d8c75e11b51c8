"""Queries of the webhooks (coffre/webhooks/): endpoints, due deliveries, the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.db import statements
from coffre.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
GIVEN_UP = "given_up"
STATES = (PENDING, SENDING, SENT, FAILED, GIVEN_UP)


def subscribed(db: DbSession, structure_id: str, event_type: str) -> list[str]:
    """The ids of the structure's endpoints that chose ``event_type``."""
    rows = db.execute(
        select(WebhookEndpoint.id, WebhookEndpoint.events)
        .where(WebhookEndpoint.structure_id == structure_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    ).all()
    return [row.id for row in rows if event_type in (row.events or [])]


def endpoints_of(db: DbSession, structure_id: str) -> Sequence[WebhookEndpoint]:
    return db.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.structure_id == structure_id)
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    ).all()


def count_endpoints(db: DbSession, structure_id: str) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(WebhookEndpoint)
            .where(WebhookEndpoint.structure_id == structure_id)
        )
        or 0
    )


def endpoint_in(db: DbSession, structure_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    return db.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id, WebhookEndpoint.structure_id == structure_id
        )
    ).first()


def deliveries_of(
    db: DbSession, endpoint_id: str, limit: int
) -> Sequence[tuple[WebhookDelivery, str]]:
    """The endpoint's newest deliveries with their event type."""
    rows = db.execute(
        select(WebhookDelivery, WebhookMessage.event_type)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]


def delivery_with_type(
    db: DbSession, endpoint_id: str, delivery_id: str
) -> tuple[WebhookDelivery, str] | None:
    row = db.execute(
        select(WebhookDelivery, WebhookMessage.event_type)
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id)
        .execution_options(populate_existing=True)
    ).first()
    return None if row is None else (row[0], row[1])


def replay(db: DbSession, endpoint_id: str, delivery_id: str, now: datetime) -> bool:
    """Make the delivery due now as a new attempt of the same message, in one statement,
    unless a deliverer holds it (``sending``); True if it was."""
    result = db.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.state != SENDING,
        )
        .values(
            state=PENDING,
            attempts=0,
            replays=WebhookDelivery.replays + 1,
            next_attempt_at=now,
            lease_until=None,
            reason="replay",
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


# -- the deliverer -------------------------------------------------------------------


def due(now: datetime) -> ColumnElement[bool]:
    """A delivery to (re)try now: pending and due, or claimed by a deliverer whose lease
    ran out (killed, or stopped before recording the outcome)."""
    return or_(
        and_(WebhookDelivery.state == PENDING, WebhookDelivery.next_attempt_at <= now),
        and_(WebhookDelivery.state == SENDING, WebhookDelivery.lease_until <= now),
    )


def any_due(db: DbSession, now: datetime) -> bool:
    return db.scalar(select(WebhookDelivery.id).where(due(now)).limit(1)) is not None


def select_due(db: DbSession, now: datetime, limit: int) -> Select[str]:
    """The ids of at most ``limit`` due deliveries, oldest due first (PostgreSQL: rows
    another deliverer is claiming are skipped, not waited for)."""
    query = (
        select(WebhookDelivery.id)
        .where(due(now))
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    return statements.skip_locked(db, query)


def claim(db: DbSession, now: datetime, limit: int, lease_until: datetime) -> Sequence[Any]:
    """ONE UPDATE: due deliveries become ``sending`` with a lease, their attempt counted;
    the rows this caller claimed (id, attempts). A row claimed by another deliverer
    meanwhile no longer matches ``due`` and is not returned."""
    statement = (
        update(WebhookDelivery)
        .where(WebhookDelivery.id.in_(select_due(db, now, limit)), due(now))
        .values(
            state=SENDING,
            lease_until=lease_until,
            attempts=WebhookDelivery.attempts + 1,
            updated_at=now,
        )
        .returning(WebhookDelivery.id, WebhookDelivery.attempts)
        .execution_options(synchronize_session=False)
    )
    return db.execute(statement).all()


def to_send(db: DbSession, ids: Sequence[str]) -> Sequence[Any]:
    """What each claimed delivery posts: the message's id and body, the endpoint's URL
    and secret (a delivery whose endpoint was deleted meanwhile is gone with it)."""
    return db.execute(
        select(
            WebhookDelivery.id,
            WebhookMessage.id.label("message_id"),
            WebhookMessage.payload,
            WebhookEndpoint.url,
            WebhookEndpoint.id.label("endpoint_id"),
            WebhookEndpoint.secret,
            WebhookEndpoint.secret_kid,
            WebhookEndpoint.secret_box,
        )
        .join(WebhookMessage, WebhookMessage.id == WebhookDelivery.message_id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.id.in_(list(ids)))
    ).all()


def record(
    db: DbSession, delivery_id: str, attempts: int, values: dict[str, Any], now: datetime
) -> bool:
    """Record an outcome if the claim is still ours (same state and attempt): a
    deliverer whose lease ran out and whose delivery was claimed again records nothing."""
    result = db.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.state == SENDING,
            WebhookDelivery.attempts == attempts,
        )
        .values(lease_until=None, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
