"""The ``log`` channel: development's way out, and the stand-in for an unset provider.

It writes one line saying that a message went on a channel, with the delivery's key
(a hash of it) and nothing else: never the text (the log is read by operators who
must not learn what happens in a person's vault), never the target (a phone number,
an e-mail address and a push endpoint all point at a person).
"""

from __future__ import annotations

import hashlib
import logging

from coffre.notifications.channels.base import Outcome, Outgoing, Sent

log = logging.getLogger(__name__)


def key_digest(key: str) -> str:
    """A short stable name for a delivery's key in logs (the key may carry ids)."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


class LogChannel:
    """Sends nothing; logs that a message went. ``name`` is the channel it stands for."""

    def __init__(self, name: str = "log") -> None:
        self.name = name

    def send(self, target: str, message: Outgoing) -> Sent:
        log.info(
            "notification sent on channel %s (log only), key %s", self.name, key_digest(message.key)
        )
        return Sent(Outcome.SENT, "logged")
