"""Bodies of a structure's webhooks (api/routes/webhooks.py, docs/WEBHOOKS.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import FromDomain
from api.types import Text

# grant.created | request.answered | relay.arrived (coffre/webhooks/events.py); any other
# name is refused with invalid_webhook_events.
EventName = Annotated[Text, Field(max_length=32)]


class WebhookRequest(BaseModel):
    """An endpoint to register: its URL (https) and the events it receives (at least
    one; none is chosen in advance)."""

    model_config = ConfigDict(extra="forbid")

    url: Text = Field(max_length=2048)
    events: list[EventName] = Field(max_length=10)


class WebhookBody(FromDomain):
    id: str
    structure_id: str
    url: str
    events: list[str]
    created_at: datetime
    # Only in the answer to the POST that created it: shown once, never again.
    secret: str | None = None


class WebhookList(BaseModel):
    webhooks: list[WebhookBody]


class WebhookDeliveryBody(FromDomain):
    id: str
    # The ``webhook-id`` the partner received (the same on every attempt and replay).
    message_id: str
    event_type: str
    # pending | sending | sent | failed | given_up
    state: str
    attempts: int
    replays: int
    last_status: int | None
    reason: str
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


class WebhookDeliveryList(BaseModel):
    deliveries: list[WebhookDeliveryBody]
