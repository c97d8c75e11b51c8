"""Notification rows (the outbox), their deliveries outside the app, the devices that
receive Web Push, and each account's choices.

``notifications.data`` is JSON with ids, codes and names a professional chose to show
(display name, structure name): never a document's contents, title or a secret. The
page renders the plain-French sentence from ``kind`` and ``data``. What leaves Coffre
(a push, an SMS, an e-mail) never carries ``data``: only the lock-screen-safe text of
the kind (coffre/notifications/messages.py).

A notification is the outbox row, written in the event's unit of work; ``dispatched_at``
is set when the deliverer has turned it into its ``deliveries`` (one per channel and
recipient, unique ``key``), in the same unit of work that inserts them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set once the deliverer wrote this notification's deliveries (coffre/notifications/
    # outbox.py); rows older than the outbox were marked dispatched by its migration.
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)


class Delivery(Base):
    """One message to one recipient through one channel.

    ``key`` is the idempotency key: a digest of (notification, channel, recipient), or
    of (account, day, channel, recipient) for a professional's daily digest; inserting
    it twice does nothing (two deliverers, a retried job). ``target`` is a reference,
    never the address itself: a push subscription's id, ``login`` (the SMS goes to the
    account's phone login), ``email`` (the address in the account's settings), ``log``.
    A deliverer claims a due row by moving it to ``sending`` with ``lease_until`` in one
    UPDATE; a lease that ran out (a killed worker) makes the row due again.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    notification_id: Mapped[str | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), nullable=True, index=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # The notification's kind, or "digest" for a professional's daily summary.
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(32))
    # pending | sending | sent | failed | given_up
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A short stable reason (the channel's ``Sent.reason``), never the far side's answer.
    reason: Mapped[str] = mapped_column(String(64), default="")
    # A digest's count of notifications (the only figure it says); None otherwise.
    count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Indexed for the retention job (coffre/retention/: ended deliveries go).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class PushSubscription(Base):
    """A device (a browser on a phone) that receives Web Push for an account.

    One per device: the endpoint is unique, so a browser that subscribes again (or for
    another account logged in on the same phone) replaces its row. Removed by its
    owner, or by the deliverer when the push service answers 404/410.
    """

    __tablename__ = "push_subscriptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NotificationSettings(Base):
    """An account's choices (coffre/notifications/preferences.py gives the defaults
    when there is no row)."""

    __tablename__ = "notification_settings"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    push: Mapped[bool] = mapped_column(Boolean)
    sms: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    email_on: Mapped[bool] = mapped_column(Boolean)
    # "HH:MM" in the account's timezone, both or neither.
    quiet_start: Mapped[str | None] = mapped_column(String(5), nullable=True)
    quiet_end: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # "each" | "daily" (professionals and admins)
    digest: Mapped[str] = mapped_column(String(8))
    remind_documents_expiring: Mapped[bool] = mapped_column(Boolean)
    remind_grants_ending: Mapped[bool] = mapped_column(Boolean)
    remind_requests_waiting: Mapped[bool] = mapped_column(Boolean)
    remind_relays_not_taken: Mapped[bool] = mapped_column(Boolean)
    remind_own: Mapped[bool] = mapped_column(Boolean)
    # The fields the account ever set, comma-separated: the page ticks nothing the
    # person did not choose (the others show the defaults as suggestions).
    chosen: Mapped[str] = mapped_column(String(400), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
