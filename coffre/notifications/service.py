"""Telling an account what happened: written with the event, read in the app.

``notify`` is called inside the unit of work of the event it tells about (a pull, a
request, a deposit, a revocation), so there is no event without its notification and
no notification without its event. E-mail and web push would read the same rows (an
outbox); persons have no e-mail address here, so only the app shows them for now.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from coffre.clock import Clock
from coffre.consent.errors import NotificationNotFound
from coffre.db.engine import Database
from coffre.ids import is_valid_id, new_id
from coffre.notifications.models import Notification
from coffre.policy import Actor

MAX_LISTED = 100


class Kind(StrEnum):
    DOCUMENT_PULLED = "document.pulled"
    REQUEST_RECEIVED = "request.received"
    REQUEST_DECLINED = "request.declined"
    DEPOSIT_RECEIVED = "deposit.received"
    GRANT_RECEIVED = "grant.received"
    GRANT_REVOKED = "grant.revoked"
    # The grantee reported what came of a grant (coffre/consent/received.py): {grant,
    # outcome, professional, structure, purpose, purpose_label}.
    GRANT_OUTCOME = "grant.outcome"
    # Someone issued a reset code for the person's login; then someone used it (the
    # reset waits, and the person can cancel): coffre/accounts/reset.py.
    RESET_CODE_ISSUED = "reset.code_issued"
    RESET_REQUESTED = "reset.requested"
    # Recovery through a trusted contact (coffre/contacts/service.py): the contact is
    # told they were named and when a request is refused; the person, at once, when
    # the contact asks, and when a recovery with the contact set a new passphrase.
    CONTACT_NAMED = "contact.named"
    CONTACT_REQUESTED = "contact.requested"
    CONTACT_REFUSED = "contact.refused"
    CONTACT_RECOVERED = "contact.recovered"
    # The référent de parcours (coffre/referents/service.py): the person is told of a
    # proposal and of a successor named; the professional, when chosen, declined or ended.
    REFERENT_PROPOSED = "referent.proposed"
    REFERENT_HANDOVER = "referent.handover"
    REFERENT_DESIGNATED = "referent.designated"
    REFERENT_DECLINED = "referent.declined"
    REFERENT_ENDED = "referent.ended"
    # Relays (coffre/relays/service.py): the person, their référent and the professionals
    # concerned are told of each change (``event`` names it: proposed, agreed, refused,
    # taken, declined, expired, closed, returned); the responsible professional is
    # reminded once when a relay is still not taken (``relay.reminder``).
    RELAY_CHANGED = "relay.changed"
    RELAY_REMINDER = "relay.reminder"
    # Certificates with a life (coffre/structures/certificates.py): the person is told
    # which of their grants were held by a revoked key; the territory admin, that a
    # root-signed revocation list is due (a revocation waits, or the list ends soon).
    GRANT_KEY_REVOKED = "grant.key_revoked"
    REVOCATIONS_DUE = "revocations.due"
    # Reminders (coffre/reminders/, docs/REMINDERS.md), each sent once per occurrence:
    # the person's own reminder is due ({reminder_id}: the page opens its sealed text);
    # a document's validity ends soon ({document_id, expires_on}); a grant the person
    # made ends soon ({grant_id, expires_at}); a request waits for the person's answer
    # ({request_id}).
    REMINDER_DUE = "reminder.due"
    DOCUMENT_EXPIRING = "document.expiring"
    GRANT_ENDING = "grant.ending"
    REQUEST_WAITING = "request.waiting"


def notify(db: DbSession, account_id: str, kind: Kind, data: dict[str, Any], now: datetime) -> None:
    """Add one notification in the caller's unit of work."""
    db.add(
        Notification(
            id=new_id(),
            account_id=account_id,
            kind=kind.value,
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            created_at=now,
        )
    )


class NotificationService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def list(self, actor: Actor) -> Sequence[Notification]:
        """The actor's own notifications, newest first (at most ``MAX_LISTED``)."""
        with self._db.unit_of_work() as db:
            query = (
                select(Notification)
                .where(Notification.account_id == actor.account_id)
                .order_by(Notification.created_at.desc(), Notification.id.desc())
                .limit(MAX_LISTED)
            )
            return db.scalars(query).all()

    def mark_read(self, actor: Actor, up_to: str) -> int:
        """Mark ``up_to`` and every older notification of the actor as read."""
        with self._db.unit_of_work() as db:
            last = db.get(Notification, up_to) if is_valid_id(up_to) else None
            if last is None or last.account_id != actor.account_id:
                raise NotificationNotFound()
            result = db.execute(
                update(Notification)
                .where(
                    Notification.account_id == actor.account_id,
                    Notification.created_at <= last.created_at,
                    Notification.read_at.is_(None),
                )
                .values(read_at=self._clock.now())
            )
            return int(getattr(result, "rowcount", 0) or 0)


def data_of(notification: Notification) -> dict[str, Any]:
    loaded = json.loads(notification.data)
    return loaded if isinstance(loaded, dict) else {}
