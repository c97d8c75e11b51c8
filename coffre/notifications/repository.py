"""Queries of the outbox and of an account's ways out (coffre/notifications/)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account
from coffre.audit import console_repository
from coffre.db import statements
from coffre.notifications import preferences
from coffre.notifications.models import (
    Delivery,
    Notification,
    NotificationSettings,
    PushSubscription,
)
from coffre.notifications.preferences import Preferences
from coffre.policy import Action, Actor, Role, can

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
GIVEN_UP = "given_up"
STATES = (PENDING, SENDING, SENT, FAILED, GIVEN_UP)


@dataclass(frozen=True)
class Recipient:
    """An account as the deliverer sees it: its kind, login, choices and devices."""

    account_id: str
    role: Role
    login: str
    prefs: Preferences
    subscriptions: tuple[str, ...]

    @property
    def desk(self) -> bool:
        # The account may be reached by e-mail and read a digest (the policy decides).
        return can(Actor(self.account_id, self.role, ""), Action.NOTIFY_DESK)

    @property
    def daily(self) -> bool:
        return self.desk and self.prefs.digest == "daily"

    def targets(self, channels: Iterable[str]) -> list[tuple[str, str, str]]:
        """(channel, target reference, recipient) for each way out chosen and offered."""
        offered = set(channels)
        found: list[tuple[str, str, str]] = []
        if "push" in offered and self.prefs.push:
            found += [("push", sid, sid) for sid in self.subscriptions]
        if "sms" in offered and self.prefs.sms and preferences.is_phone_login(self.login):
            found.append(("sms", "login", self.account_id))
        if "email" in offered and self.desk and self.prefs.email_on and self.prefs.email:
            found.append(("email", "email", self.account_id))
        return found


def delivery_key(*parts: str) -> str:
    """The idempotency key of one message: a digest of what makes it one (notification
    or digest day, channel, recipient), so a second insert of the same is ignored."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def recipients(db: DbSession, account_ids: Iterable[str]) -> dict[str, Recipient]:
    """The live accounts among ``account_ids`` with their choices and devices."""
    ids = sorted(set(account_ids))
    if not ids:
        return {}
    accounts = db.execute(
        select(Account.id, Account.kind, Account.login).where(
            Account.id.in_(ids), Account.deleted_at.is_(None)
        )
    ).all()
    settings = {
        row.account_id: row
        for row in db.scalars(
            select(NotificationSettings).where(NotificationSettings.account_id.in_(ids))
        )
    }
    devices: dict[str, list[str]] = {}
    for sub_id, account_id in db.execute(
        select(PushSubscription.id, PushSubscription.account_id)
        .where(PushSubscription.account_id.in_(ids))
        .order_by(PushSubscription.created_at, PushSubscription.id)
    ):
        devices.setdefault(account_id, []).append(sub_id)
    found: dict[str, Recipient] = {}
    for account_id, kind, login in accounts:
        row = settings.get(account_id)
        prefs = preferences.of_row(row) if row is not None else preferences.DEFAULTS
        found[account_id] = Recipient(
            account_id, Role(kind), login, prefs, tuple(devices.get(account_id, ()))
        )
    return found


def any_undispatched(db: DbSession) -> bool:
    found = db.scalar(select(Notification.id).where(Notification.dispatched_at.is_(None)).limit(1))
    return found is not None


def any_due(db: DbSession, now: datetime) -> bool:
    return db.scalar(select(Delivery.id).where(due(now)).limit(1)) is not None


def undispatched(db: DbSession, limit: int) -> Sequence[Any]:
    """The oldest notifications not yet turned into deliveries (PostgreSQL: rows another
    deliverer is dispatching are skipped, not waited for)."""
    query = (
        select(Notification.id, Notification.account_id, Notification.kind)
        .where(Notification.dispatched_at.is_(None))
        .order_by(Notification.created_at, Notification.id)
        .limit(limit)
    )
    return db.execute(statements.skip_locked(db, query)).all()


def insert_deliveries(db: DbSession, values: list[dict[str, Any]]) -> int:
    """Insert deliveries and say how many were new: one whose key exists already is
    left as it is (ON CONFLICT DO NOTHING on both backends). Sorted by key: two
    deliverers inserting the same rows wait for each other in the same order, never in
    a cycle."""
    if not values:
        return 0
    values = sorted(values, key=lambda v: str(v["key"]))
    statement = (
        statements.upsert_insert(db, Delivery)
        .values(values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Delivery.id)
    )
    # RETURNING names the rows inserted (a key already there returns nothing): the
    # rowcount of a multi-row insert is not reliable on every driver.
    return len(db.execute(statement).all())


def existing_keys(db: DbSession, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(db.scalars(select(Delivery.key).where(Delivery.key.in_(keys))))


def due(now: datetime) -> ColumnElement[bool]:
    """A delivery to (re)try now: pending and due, or claimed by a deliverer whose lease
    ran out (it was killed, or stopped before recording the outcome)."""
    return or_(
        and_(Delivery.state == PENDING, Delivery.next_attempt_at <= now),
        and_(Delivery.state == SENDING, Delivery.lease_until <= now),
    )


def select_due(db: DbSession, now: datetime, limit: int) -> Select[str]:
    """The ids of at most ``limit`` due deliveries, oldest due first (PostgreSQL: rows
    another deliverer is claiming are skipped, not waited for)."""
    query = select(Delivery.id).where(due(now)).order_by(Delivery.next_attempt_at).limit(limit)
    return statements.skip_locked(db, query)


def count_since(db: DbSession, account_id: str, start: datetime, end: datetime) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(
                Notification.account_id == account_id,
                Notification.created_at >= start,
                Notification.created_at < end,
            )
        )
        or 0
    )


def daily_digest_accounts(db: DbSession) -> list[str]:
    return list(
        db.scalars(
            select(NotificationSettings.account_id)
            .join(Account, Account.id == NotificationSettings.account_id)
            .where(NotificationSettings.digest == "daily", Account.deleted_at.is_(None))
            .order_by(NotificationSettings.account_id)
        )
    )


def remove_subscription(db: DbSession, subscription_id: str) -> bool:
    """Delete a device; True for the one caller that deleted it (of parallel ones)."""
    result = db.execute(
        delete(PushSubscription)
        .where(PushSubscription.id == subscription_id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def forget_account(db: DbSession, account_id: str, now: datetime) -> None:
    db.execute(delete(NotificationSettings).where(NotificationSettings.account_id == account_id))
    db.execute(delete(PushSubscription).where(PushSubscription.account_id == account_id))
    db.execute(
        update(Delivery)
        .where(Delivery.account_id == account_id, Delivery.state.in_((PENDING, SENDING)))
        .values(state=FAILED, reason="account_gone", lease_until=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def deliveries_of(db: DbSession, account_id: str, limit: int) -> Sequence[Delivery]:
    return db.scalars(
        select(Delivery)
        .where(Delivery.account_id == account_id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    ).all()


def newest_deliveries(
    db: DbSession, limit: int, states: Sequence[str] | None = None
) -> Sequence[tuple[Delivery, str]]:
    query = select(Delivery, Account.kind).join(Account, Account.id == Delivery.account_id)
    if states:
        query = query.where(Delivery.state.in_(states))
    query = query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(limit)
    return [(row[0], row[1]) for row in db.execute(query).all()]


def subscriptions_of(db: DbSession, account_id: str) -> Sequence[PushSubscription]:
    return db.scalars(
        select(PushSubscription)
        .where(PushSubscription.account_id == account_id)
        .order_by(PushSubscription.created_at, PushSubscription.id)
    ).all()


def subscription_by_endpoint(db: DbSession, endpoint: str) -> PushSubscription | None:
    return db.scalars(select(PushSubscription).where(PushSubscription.endpoint == endpoint)).first()


def count_subscriptions(db: DbSession, account_id: str) -> int:
    return int(
        db.scalar(
            select(func.count())
            .select_from(PushSubscription)
            .where(PushSubscription.account_id == account_id)
        )
        or 0
    )


def account_kind_and_login(db: DbSession, account_id: str) -> tuple[str, str] | None:
    row = db.execute(
        select(Account.kind, Account.login).where(
            Account.id == account_id, Account.deleted_at.is_(None)
        )
    ).first()
    return None if row is None else (row[0], row[1])


def display_names(db: DbSession, account_ids: Iterable[str]) -> Mapping[str, str]:
    return console_repository.display_names(db, set(account_ids))
