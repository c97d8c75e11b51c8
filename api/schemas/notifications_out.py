"""Bodies of reaching an account outside the app (api/routes/notifications_out.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import FromDomain
from api.types import Text


class RemindersBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents_expiring: bool | None = None
    grants_ending: bool | None = None
    requests_waiting: bool | None = None
    relays_not_taken: bool | None = None
    own: bool | None = None


class SettingsUpdate(BaseModel):
    """Any subset of the fields: an absent one stays as it is. ``email`` null removes
    the address; ``quiet_start`` and ``quiet_end`` both null: no quiet hours."""

    model_config = ConfigDict(extra="forbid")

    language: Text | None = Field(default=None, max_length=8)
    timezone: Text | None = Field(default=None, max_length=64)
    push: bool | None = None
    sms: bool | None = None
    email: Text | None = Field(default=None, max_length=254)
    email_on: bool | None = None
    quiet_start: Text | None = Field(default=None, max_length=5)
    quiet_end: Text | None = Field(default=None, max_length=5)
    digest: Text | None = Field(default=None, max_length=8)
    reminders: RemindersBody | None = None


class SettingsReminders(BaseModel):
    documents_expiring: bool
    grants_ending: bool
    requests_waiting: bool
    relays_not_taken: bool
    own: bool


class SettingsBody(BaseModel):
    language: str
    timezone: str
    push: bool
    sms: bool
    email: str | None
    email_on: bool
    quiet_start: str | None
    quiet_end: str | None
    digest: str
    reminders: SettingsReminders
    # The fields the account ever set (reminders by their own name): the page ticks
    # nothing the person did not choose.
    chosen: list[str]
    # SMS can be chosen (the login is a phone number); e-mail and the daily digest can
    # be chosen (professionals and admins).
    sms_possible: bool
    email_possible: bool
    digest_possible: bool


class PushKeyBody(BaseModel):
    public_key: str


class SubscriptionKeys(BaseModel):
    p256dh: Text = Field(max_length=128)
    auth: Text = Field(max_length=64)


class SubscriptionRequest(BaseModel):
    """The page's ``PushSubscription.toJSON()`` (``expirationTime`` is ignored) and a
    device label ("Chrome · Android")."""

    endpoint: Text = Field(min_length=1, max_length=1000)
    keys: SubscriptionKeys
    label: Text | None = Field(default=None, max_length=60)


class SubscriptionBody(FromDomain):
    id: str
    endpoint: str
    label: str
    created_at: datetime


class SubscriptionList(BaseModel):
    subscriptions: list[SubscriptionBody]


class DeliveryBody(FromDomain):
    id: str
    kind: str
    channel: str
    state: str  # pending | sending | sent | failed | given_up
    attempts: int
    reason: str
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


class DeliveryList(BaseModel):
    deliveries: list[DeliveryBody]


class OfficerDeliveryBody(FromDomain):
    id: str
    created_at: datetime
    kind: str
    channel: str
    state: str
    attempts: int
    reason: str
    sent_at: datetime | None
    recipient: str  # a person's pseudonymous reference, or a professional's name
    recipient_role: str


class OfficerDeliveryList(BaseModel):
    deliveries: list[OfficerDeliveryBody]
