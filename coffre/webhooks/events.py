"""The events a structure's webhooks may carry, and ``emit``: the outbox row written
in the event's own unit of work (docs/WEBHOOKS.md).

``emit(db, structure_id, event_type, data, now)`` writes one message (the body as it
will be signed and posted) and one pending delivery per endpoint of the structure that
chose that event, in the caller's transaction: the event and its webhook commit
together or not at all, and nothing is written when no endpoint wants it. The
deliverer (coffre/webhooks/delivery.py) posts them after the commit.

Payloads are thin: ids, codes and dates only (``_thin`` refuses anything else), never
a name, a purpose's free text or a document's title; a partner reads the rest through
the API with its token, where the policy decides.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.orm import Session as DbSession

from coffre.ids import new_id
from coffre.webhooks import repository
from coffre.webhooks.models import WebhookDelivery, WebhookMessage


class EventType(StrEnum):
    # A grant made to a professional of the structure (coffre/consent/grants.py).
    GRANT_CREATED = "grant.created"
    # A request a professional of the structure sent was answered: approved by a grant
    # or declined (coffre/consent/grants.py, coffre/consent/requests.py).
    REQUEST_ANSWERED = "request.answered"
    # A relay the person agreed to reaches the structure it targets (coffre/relays/).
    RELAY_ARRIVED = "relay.arrived"


EVENT_TYPES = frozenset(EventType)
PENDING = "pending"

# A value a payload may carry: an id, a short code, or a date (ISO 8601).
_THIN = re.compile(r"^[0-9A-Za-z_.:+-]{1,64}$")


def payload_of(event_type: str, data: Mapping[str, object], now: datetime) -> str:
    """The JSON body as posted (Standard Webhooks' ``{type, timestamp, data}``)."""
    body = {"type": event_type, "timestamp": iso(now), "data": _thin(data)}
    return json.dumps(body, separators=(",", ":"), sort_keys=True)


def emit(
    db: DbSession,
    structure_id: str,
    event_type: EventType,
    data: Mapping[str, object],
    now: datetime,
) -> int:
    """Queue ``event_type`` for the structure's endpoints that chose it, in the caller's
    unit of work; how many deliveries were written (0: no endpoint wants it)."""
    endpoints = repository.subscribed(db, structure_id, event_type.value)
    if not endpoints:
        return 0
    message = WebhookMessage(
        id=new_id(),
        structure_id=structure_id,
        event_type=event_type.value,
        payload=payload_of(event_type.value, data, now),
        created_at=now,
    )
    db.add(message)
    db.flush()  # the deliveries name the message (no ORM relationship orders them)
    for endpoint_id in endpoints:
        db.add(
            WebhookDelivery(
                id=new_id(),
                message_id=message.id,
                endpoint_id=endpoint_id,
                state=PENDING,
                attempts=0,
                replays=0,
                next_attempt_at=now,
                reason="",
                created_at=now,
                updated_at=now,
            )
        )
    return len(endpoints)


def iso(at: datetime) -> str:
    """A date as payloads carry it: UTC, seconds, ``Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _thin(data: Mapping[str, object]) -> dict[str, object]:
    checked: dict[str, object] = {}
    for key, value in data.items():
        if value is None:
            checked[key] = None
        elif isinstance(value, datetime):
            checked[key] = iso(value)
        elif isinstance(value, str) and _THIN.match(value):
            checked[key] = value
        else:
            # A programming error, not a client's: a payload carries ids and dates only.
            raise ValueError(f"webhook payload: {key} is not an id, a code or a date")
    return checked
