"""The retention job's queries: delete, in batches of ``limit`` rows, what a kind keeps
no longer. Each returns how many rows it deleted.

A batch is ``DELETE ... WHERE id IN (SELECT id ... LIMIT n)`` (the same statement on
SQLite and PostgreSQL); the caller's unit of work holds the job's lock, so two runs
never delete the same rows at once (coffre/retention/service.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, and_, delete, exists, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account, LoginFailure, Session
from coffre.notifications.models import Delivery, Notification
from coffre.webhooks.models import WebhookDelivery, WebhookMessage

# What a delivery ends as (coffre/notifications/repository.py, coffre/webhooks/
# repository.py): pending and sending ones are still at work and never removed.
ENDED = ("sent", "failed", "given_up")


def _delete(
    db: DbSession,
    model: type[Any],
    key: InstrumentedAttribute[Any],
    condition: ColumnElement[bool],
    limit: int,
) -> int:
    batch = select(key).where(condition).limit(limit).scalar_subquery()
    result = db.execute(
        delete(model).where(key.in_(batch)).execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def login_failures(db: DbSession, before: datetime, limit: int) -> int:
    """Failed logins dated before ``before`` (the throttle counts none of them)."""
    return _delete(db, LoginFailure, LoginFailure.id, LoginFailure.at < before, limit)


def sessions(db: DbSession, before: datetime, limit: int) -> int:
    """Sessions that expired before ``before``. A session ends at the latest when it
    expires (a log-out or idleness ends it earlier), so every one of them has ended."""
    return _delete(db, Session, Session.id, Session.expires_at < before, limit)


def notification_deliveries(db: DbSession, before: datetime, limit: int) -> int:
    """Notification deliveries that ended (sent, failed, given up) before ``before``.
    The outbox never makes them again: their notification is marked dispatched, and a
    digest is made for the current day only."""
    ended = and_(Delivery.state.in_(ENDED), Delivery.updated_at < before)
    return _delete(db, Delivery, Delivery.id, ended, limit)


def webhook_deliveries(db: DbSession, before: datetime, limit: int) -> int:
    """Webhook deliveries that ended before ``before`` (a replay is possible until then)."""
    ended = and_(WebhookDelivery.state.in_(ENDED), WebhookDelivery.updated_at < before)
    return _delete(db, WebhookDelivery, WebhookDelivery.id, ended, limit)


def webhook_messages(db: DbSession, before: datetime, limit: int) -> int:
    """Webhook messages made before ``before`` with no delivery left."""
    delivered = exists().where(WebhookDelivery.message_id == WebhookMessage.id)
    alone = and_(WebhookMessage.created_at < before, ~delivered)
    return _delete(db, WebhookMessage, WebhookMessage.id, alone, limit)


def _erased_before(before: datetime) -> Any:
    return select(Account.id).where(Account.deleted_at < before).scalar_subquery()


def erased_deliveries(db: DbSession, before: datetime, limit: int) -> int:
    """Every delivery to an account erased before ``before`` (erasure ended the waiting
    ones as failed)."""
    condition = Delivery.account_id.in_(_erased_before(before))
    return _delete(db, Delivery, Delivery.id, condition, limit)


def erased_notifications(db: DbSession, before: datetime, limit: int) -> int:
    """The notifications of an account erased before ``before``: nobody can read them."""
    condition = Notification.account_id.in_(_erased_before(before))
    return _delete(db, Notification, Notification.id, condition, limit)
