"""Webhooks per structure (docs/WEBHOOKS.md): the endpoints a structure admin
registered, the messages (one per event, the outbox row written in the event's unit of
work) and their deliveries (one per message and endpoint, claimed with a lease).

A message's ``payload`` is the JSON body exactly as it is signed and posted: thin (ids
and dates only, never a name, a purpose's free text or a document's title). A replay
posts the same body under the same ``webhook-id`` (Standard Webhooks: the id stays the
same across attempts, so the partner drops a duplicate).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime


class WebhookEndpoint(Base):
    """Where a structure's events go. ``secret`` is the signing key (``whsec_`` +
    base64 of 32 random bytes), shown once to the admin who made it: the server keeps
    it because Standard Webhooks' signature is a shared-key HMAC."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    structure_id: Mapped[str] = mapped_column(
        ForeignKey("structures.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2048))
    # The event types chosen (coffre/webhooks/events.py), a sorted list.
    events: Mapped[list[Any]] = mapped_column(JSON())
    # The signing secret sealed under the keyring (coffre/secrets/): ``secret_box``
    # under the entry ``secret_kid``. ``secret`` in clear only for an endpoint made by
    # an earlier version, until ``coffre secrets rotate`` seals it (then NULL).
    secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    secret_kid: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    secret_box: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookMessage(Base):
    """One event of a structure, as it is posted (the outbox row)."""

    __tablename__ = "webhook_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    structure_id: Mapped[str] = mapped_column(
        ForeignKey("structures.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text())
    # Indexed for the retention job (coffre/retention/: messages left without delivery).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class WebhookDelivery(Base):
    """One message to one endpoint. pending -> sending (claimed, ``lease_until``) ->
    sent | failed | given_up, or back to pending with ``next_attempt_at`` (back-off);
    a lease that ran out (a killed deliverer) makes it due again: at least once.
    A replay sets it pending again (attempts from zero, ``replays`` + 1)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "endpoint_id"),
        Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    message_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_messages.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    # pending | sending | sent | failed | given_up
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    replays: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The partner's last HTTP status (None: no answer: timeout, no connection, refused).
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # A short stable reason ("http_500", "timeout", "endpoint_refused"...), never the
    # partner's answer itself.
    reason: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Indexed for the retention job (coffre/retention/: ended deliveries go).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
