"""What every way out of Coffre (Web Push, SMS, e-mail, a log) offers the outbox.

A channel sends one ``Outgoing`` message to one target and says how it went; it never
raises for a refusal of the far side, only returns it. The outbox (coffre/notifications/
outbox.py) claims a delivery, calls ``send`` outside any database transaction, and
records the ``Sent`` it gets back: ``SENT`` ends the delivery, ``GONE`` ends it and
removes the target (a push subscription answered 404/410), ``RETRY`` tries again later
with back-off (provider down, slow, 429, 5xx), ``FAILED`` gives up at once (a refusal
that no retry will change: an invalid number, a 400).

What a message carries is chosen by the outbox from texts safe on a shared phone's
lock screen: never a document's title or category, never a person's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Outgoing:
    """One message to one target.

    ``key`` is the delivery's idempotency key (stable for a (notification, channel,
    recipient)): it goes out where the far side can use it to drop a duplicate (the
    e-mail's Message-ID, the push message's Topic, the SMS's tag), because delivery is
    at least once. ``title`` and ``body`` are plain text in the recipient's language;
    ``url`` is a path of the app (push: opened on a tap), never carrying data.
    """

    key: str
    title: str
    body: str
    url: str = "/"


@dataclass(frozen=True)
class Sent:
    outcome: Outcome
    # A short stable reason for the delivery log ("http_410", "timeout", "smtp_550"...):
    # never the far side's whole answer (it may echo the message or the number).
    reason: str = ""
    # For RETRY: how long the far side asked us to wait (Retry-After), if it did.
    retry_after_seconds: int | None = None


class ChannelSetupError(RuntimeError):
    """A channel cannot be made from the settings (start-up); the message says what to
    set. Raised by ``make_channels`` (coffre/notifications/channels/registry.py)."""


class Channel(Protocol):
    """One way out. ``name`` is the channel's stored name: push, sms, email, log."""

    name: str

    def send(self, target: str, message: Outgoing) -> Sent:
        """Send ``message`` to ``target`` (a push subscription's JSON, a phone number
        in E.164, an e-mail address, anything for ``log``); bounded in time."""
        ...
