"""A world for the retention job: every kind of data it removes, some past its period
and some not, plus an audit trail with entries 400 days old. Rows are written as the
areas write them (their models), dated by the test's clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from coffre.accounts.models import Account, LoginFailure, Session
from coffre.audit import trail
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.ids import new_id
from coffre.notifications.models import Delivery, Notification
from coffre.structures.models import Structure
from coffre.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

OLD_AUDIT = 12  # audit entries 400 days old: their bodies go


@dataclass(frozen=True)
class Expected:
    """What a run must remove (kept rows are checked by id)."""

    removed: dict[str, int]
    kept: dict[str, set[str]]  # table -> ids that must stay


def _digest() -> bytes:
    return hashlib.sha256(new_id().encode()).digest()


def _account(db: DbSession, now: datetime, *, erased_days: int | None = None) -> str:
    account_id = new_id()
    db.add(
        Account(
            id=account_id,
            kind="person",
            login=f"p-{account_id[:12]}",
            kdf_alg="argon2id13",
            kdf_salt=b"s" * 16,
            kdf_opslimit=2,
            kdf_memlimit=65536,
            auth_verifier=b"v" * 32,
            recovery_verifier=b"r" * 32,
            wrapped_master_passphrase=b"w" * 72,
            wrapped_master_recovery=b"w" * 72,
            wrapped_keyring=b"k" * 128,
            box_public_key=b"b" * 32,
            sign_public_key=b"g" * 32,
            created_at=now - timedelta(days=500),
            deleted_at=now - timedelta(days=erased_days) if erased_days is not None else None,
        )
    )
    return account_id


def build(coffre: Coffre, clock: FrozenClock) -> Expected:
    """The world; returns what a run at ``clock.now()`` (default settings) removes."""
    clock.advance(days=-400)
    with coffre.db.unit_of_work() as db:
        for i in range(OLD_AUDIT):
            clock.advance(seconds=10)
            trail.append(
                db, trail.Entry(action="account.login", person_id=f"p{i:031d}"), clock.now()
            )
    coffre.audit.checkpoint()
    clock.advance(days=400)
    now = clock.now()
    day = timedelta(days=1)
    kept: dict[str, set[str]] = {
        t: set()
        for t in (
            "sessions",
            "deliveries",
            "webhook_deliveries",
            "webhook_messages",
            "notifications",
            "login_failures",
        )
    }
    with coffre.db.unit_of_work() as db:
        trail.append(db, trail.Entry(action="account.login", person_id="q" * 32), now)
        live = _account(db, now)
        erased_long_ago = _account(db, now, erased_days=40)
        erased_lately = _account(db, now, erased_days=2)
        db.flush()
        # Failed logins: two days old go (the 1-day rule), a minute old stays (window).
        for minutes in (3 * 24 * 60, 3 * 24 * 60 + 1, 1):
            db.add(
                LoginFailure(
                    scope="account",
                    throttle_key=_digest(),
                    at=now - timedelta(minutes=minutes),
                )
            )
        # Sessions: expired 40 days ago goes; expired 2 days ago, and a live one, stay.
        for expired_days, stays in ((40, False), (2, True), (-1, True)):
            session_id = new_id()
            expires = now - timedelta(days=expired_days)
            db.add(
                Session(
                    id=session_id,
                    account_id=live,
                    token_hash=_digest(),
                    created_at=expires - timedelta(hours=12),
                    last_seen_at=expires - timedelta(hours=11),
                    expires_at=expires,
                )
            )
            if stays:
                kept["sessions"].add(session_id)
        # The live account's notification stays (no period); its deliveries: ended 40
        # days ago goes; pending since 40 days (still at work) and sent lately stay.
        notification = new_id()
        db.add(
            Notification(
                id=notification,
                account_id=live,
                kind="grant.created",
                data="{}",
                created_at=now - 50 * day,
                dispatched_at=now - 50 * day,
            )
        )
        kept["notifications"].add(notification)
        db.flush()
        for state, ended_days, stays in (
            ("sent", 40, False),
            ("given_up", 41, False),
            ("pending", 40, True),
            ("sent", 2, True),
        ):
            delivery = new_id()
            db.add(
                Delivery(
                    id=delivery,
                    key=new_id(),
                    notification_id=notification,
                    account_id=live,
                    kind="grant.created",
                    channel="push",
                    target="t",
                    state=state,
                    attempts=1,
                    next_attempt_at=now - ended_days * day,
                    reason="",
                    created_at=now - 50 * day,
                    updated_at=now - ended_days * day,
                )
            )
            if stays:
                kept["deliveries"].add(delivery)
        # Erased 40 days ago: its notification and deliveries go; erased 2 days ago: stay.
        for account, stays in ((erased_long_ago, False), (erased_lately, True)):
            gone = new_id()
            db.add(
                Notification(
                    id=gone,
                    account_id=account,
                    kind="grant.created",
                    data="{}",
                    created_at=now - 3 * day,
                    dispatched_at=now - 3 * day,
                )
            )
            db.flush()
            delivery = new_id()
            db.add(
                Delivery(
                    id=delivery,
                    key=new_id(),
                    notification_id=gone,
                    account_id=account,
                    kind="grant.created",
                    channel="sms",
                    target="login",
                    state="failed",
                    attempts=1,
                    next_attempt_at=now - day,
                    reason="account_gone",
                    created_at=now - 3 * day,
                    updated_at=now - day,
                )
            )
            if stays:
                kept["notifications"].add(gone)
                kept["deliveries"].add(delivery)
        # Webhooks: a message delivered 40 days ago goes with its delivery; one given up
        # 2 days ago and one still pending (made 40 days ago) stay with their messages.
        structure = new_id()
        db.add(
            Structure(
                id=structure,
                name="CCAS",
                kind="ccas",
                address="1 place",
                territory="63",
                admitted_at=now - 500 * day,
                admitted_by=live,
            )
        )
        db.flush()
        endpoint = new_id()
        db.add(
            WebhookEndpoint(
                id=endpoint,
                structure_id=structure,
                url="https://partner.example/hook",
                events=["grant.created"],
                secret="whsec_" + "A" * 43,
                created_by=live,
                created_at=now - 500 * day,
            )
        )
        db.flush()
        for state, days, stays in (
            ("sent", 40, False),
            ("given_up", 2, True),
            ("pending", 40, True),
        ):
            message, delivery = new_id(), new_id()
            db.add(
                WebhookMessage(
                    id=message,
                    structure_id=structure,
                    event_type="grant.created",
                    payload="{}",
                    created_at=now - days * day,
                )
            )
            db.flush()
            db.add(
                WebhookDelivery(
                    id=delivery,
                    message_id=message,
                    endpoint_id=endpoint,
                    state=state,
                    attempts=1,
                    replays=0,
                    next_attempt_at=now - days * day,
                    reason="",
                    created_at=now - days * day,
                    updated_at=now - days * day,
                )
            )
            if stays:
                kept["webhook_messages"].add(message)
                kept["webhook_deliveries"].add(delivery)
    coffre.audit.checkpoint()
    return Expected(
        removed={
            "login_failures": 2,
            "sessions": 1,
            "notification_deliveries": 2,
            "webhook_deliveries": 2,  # one delivery and its message
            "erased_accounts": 2,  # one delivery and its notification
        },
        kept=kept,
    )


def counts(coffre: Coffre) -> dict[str, int]:
    tables = {
        "login_failures": LoginFailure,
        "sessions": Session,
        "deliveries": Delivery,
        "notifications": Notification,
        "webhook_deliveries": WebhookDelivery,
        "webhook_messages": WebhookMessage,
    }
    with coffre.db.unit_of_work() as db:
        return {
            name: int(db.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in tables.items()
        }


def ids(coffre: Coffre) -> dict[str, set[str]]:
    columns: dict[str, Any] = {
        "sessions": Session.id,
        "deliveries": Delivery.id,
        "notifications": Notification.id,
        "webhook_deliveries": WebhookDelivery.id,
        "webhook_messages": WebhookMessage.id,
    }
    with coffre.db.unit_of_work() as db:
        return {name: set(db.scalars(select(column))) for name, column in columns.items()}


def entries(coffre: Coffre, action: str) -> list[AuditEntry]:
    with coffre.db.unit_of_work() as db:
        return list(
            db.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
            )
        )
