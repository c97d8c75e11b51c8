"""A structure's webhooks as its admin manages them: register an endpoint (its secret
shown once), list, delete, read an endpoint's delivery log, replay a delivery
(docs/WEBHOOKS.md). Every call is decided by ``coffre.policy`` on the actor's standing
in the structure; a refusal is the same ``webhook_not_found`` as an unknown id.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session as DbSession

from coffre import outbound
from coffre.audit import trail as audit
from coffre.clock import Clock, as_utc
from coffre.db.engine import Database, hold
from coffre.ids import is_valid_id, new_id
from coffre.policy import Action, Actor, can
from coffre.secrets import stored as secret_store
from coffre.settings import Settings
from coffre.structures import repository as structures
from coffre.structures.standing import standing_of
from coffre.webhooks import repository as repo
from coffre.webhooks.delivery import message_header_id
from coffre.webhooks.errors import (
    InvalidWebhookEvents,
    InvalidWebhookUrl,
    WebhookDeliveryInFlight,
    WebhookLimitReached,
    WebhookNotFound,
    WebhookUrlRefused,
)
from coffre.webhooks.events import EVENT_TYPES
from coffre.webhooks.models import WebhookDelivery, WebhookEndpoint

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix, not a secret)
SECRET_BYTES = 32
LOG_LIMIT = 100


@dataclass(frozen=True)
class EndpointView:
    id: str
    structure_id: str
    url: str
    events: list[str]
    created_at: datetime
    # Only in the answer that created it: never shown again.
    secret: str | None = None


@dataclass(frozen=True)
class DeliveryView:
    id: str
    message_id: str  # the ``webhook-id`` the partner received
    event_type: str
    state: str
    attempts: int
    replays: int
    last_status: int | None
    reason: str
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None


def new_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes (the form Standard Webhooks' libraries read)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


class WebhookService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._production = settings.environment == "production"
        self._per_structure = settings.webhooks_per_structure
        self._keyring = settings.keyring

    def create(
        self, actor: Actor, structure_id: str, url: str, events: Sequence[str]
    ) -> EndpointView:
        """Register an endpoint; its secret is in this answer only."""
        chosen = sorted(set(events))
        with self._db.unit_of_work() as db:
            self._allowed(db, actor, structure_id)
        # Outside any transaction: production resolves the name here, and a slow name
        # server would otherwise hold the write lock (SQLite: every write of the server).
        checked = self._checked_url(url)
        if not chosen or not set(chosen) <= EVENT_TYPES:
            raise InvalidWebhookEvents()
        with self._db.unit_of_work(write=True) as db:
            self._allowed(db, actor, structure_id)  # again: the membership may have ended
            # Parallel creations for one structure are counted one at a time.
            hold(db, "webhooks", structure_id)
            if repo.count_endpoints(db, structure_id) >= self._per_structure:
                raise WebhookLimitReached()
            now = self._clock.now()
            endpoint_id = new_id()
            secret = new_secret()
            # Kept sealed under the keyring (coffre/secrets/), shown in this answer only.
            kid, box = secret_store.seal_webhook(self._keyring, endpoint_id, secret)
            endpoint = WebhookEndpoint(
                id=endpoint_id,
                structure_id=structure_id,
                url=checked,
                events=chosen,
                secret=None,
                secret_kid=kid,
                secret_box=box,
                created_by=actor.account_id,
                created_at=now,
            )
            db.add(endpoint)
            db.flush()
            audit.append(db, _entry(actor, "webhook.create", endpoint), now)
            return _view(endpoint, secret=secret)

    def endpoints(self, actor: Actor, structure_id: str) -> list[EndpointView]:
        with self._db.unit_of_work() as db:
            self._allowed(db, actor, structure_id)
            return [_view(e) for e in repo.endpoints_of(db, structure_id)]

    def delete(self, actor: Actor, structure_id: str, webhook_id: str) -> None:
        """Delete an endpoint, its deliveries with it (pending ones never go out)."""
        with self._db.unit_of_work() as db:
            endpoint = self._endpoint(db, actor, structure_id, webhook_id)
            now = self._clock.now()
            audit.append(db, _entry(actor, "webhook.delete", endpoint), now)
            db.delete(endpoint)

    def deliveries(
        self, actor: Actor, structure_id: str, webhook_id: str, limit: int = LOG_LIMIT
    ) -> list[DeliveryView]:
        """The endpoint's delivery log, newest first."""
        with self._db.unit_of_work() as db:
            endpoint = self._endpoint(db, actor, structure_id, webhook_id)
            rows = repo.deliveries_of(db, endpoint.id, max(1, min(limit, LOG_LIMIT)))
            return [_delivery(d, event_type) for d, event_type in rows]

    def replay(
        self, actor: Actor, structure_id: str, webhook_id: str, delivery_id: str
    ) -> DeliveryView:
        """A new attempt of the same message (same ``webhook-id``), due now."""
        with self._db.unit_of_work() as db:
            endpoint = self._endpoint(db, actor, structure_id, webhook_id)
            if not is_valid_id(delivery_id):
                raise WebhookNotFound()
            if not repo.replay(db, endpoint.id, delivery_id, self._clock.now()):
                if repo.delivery_with_type(db, endpoint.id, delivery_id) is None:
                    raise WebhookNotFound()
                raise WebhookDeliveryInFlight()
            found = repo.delivery_with_type(db, endpoint.id, delivery_id)
            if found is None:  # deleted between the two statements
                raise WebhookNotFound()
            return _delivery(*found)

    # -- helpers ---------------------------------------------------------------------
    def _allowed(self, db: DbSession, actor: Actor, structure_id: str) -> None:
        if not is_valid_id(structure_id):
            raise WebhookNotFound()
        membership = structures.active_membership(db, actor.account_id, structure_id)
        if not can(actor, Action.WEBHOOK_MANAGE, standing_of(membership)):
            raise WebhookNotFound()

    def _endpoint(
        self, db: DbSession, actor: Actor, structure_id: str, webhook_id: str
    ) -> WebhookEndpoint:
        self._allowed(db, actor, structure_id)
        endpoint = (
            repo.endpoint_in(db, structure_id, webhook_id) if is_valid_id(webhook_id) else None
        )
        if endpoint is None:
            raise WebhookNotFound()
        return endpoint

    def _checked_url(self, url: str) -> str:
        text = url.strip() if isinstance(url, str) else ""
        try:
            outbound.check_url(text, production=self._production)
        except ValueError as error:
            if str(error) == outbound.OWN_NETWORK:
                raise WebhookUrlRefused() from None
            raise InvalidWebhookUrl() from None
        if self._production:
            parts = outbound.check_url(text, production=True)
            port = parts.port or 443
            # Resolved once here too, so the admin learns at once; each send checks
            # again and connects to the address it checked (coffre/outbound.py).
            if not outbound.public_host(parts.hostname or "", port):
                raise WebhookUrlRefused()
        return text


def _view(endpoint: WebhookEndpoint, *, secret: str | None = None) -> EndpointView:
    return EndpointView(
        id=endpoint.id,
        structure_id=endpoint.structure_id,
        url=endpoint.url,
        events=list(endpoint.events),
        created_at=as_utc(endpoint.created_at),
        secret=secret,
    )


def _delivery(delivery: WebhookDelivery, event_type: str) -> DeliveryView:
    def utc(value: datetime | None) -> datetime | None:
        return as_utc(value) if value is not None else None

    return DeliveryView(
        id=delivery.id,
        message_id=message_header_id(delivery.message_id),
        event_type=event_type,
        state=delivery.state,
        attempts=delivery.attempts,
        replays=delivery.replays,
        last_status=delivery.last_status,
        reason=delivery.reason,
        next_attempt_at=utc(delivery.next_attempt_at),
        created_at=as_utc(delivery.created_at),
        updated_at=as_utc(delivery.updated_at),
        sent_at=utc(delivery.sent_at),
    )


def _entry(actor: Actor, action: str, endpoint: WebhookEndpoint) -> audit.Entry:
    # Never the URL (it may carry a partner's token) nor the secret.
    return audit.by(
        actor,
        action,
        structure_id=endpoint.structure_id,
        object_type="webhook",
        object_id=endpoint.id,
        details={"events": list(endpoint.events)},
    )
