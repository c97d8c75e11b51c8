"""Fixtures and helpers of the outbox's tests: an app whose channels point at the far
sides on loopback (tests/notifications/servers.py), accounts, and their notifications.

The app's own job loop is kept away (``notifications_deliver_seconds`` an hour) so that
a test runs the deliverer itself, on the ``clock`` it moves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.models import Delivery
from coffre.notifications.service import Kind, notify
from coffre.settings import Settings
from tests.notifications.servers import PushEndpoint, SmsProvider, SmtpServer
from tests.structures.world import Who, log_in, material

PHONE = "0612345678"


@pytest.fixture
def reach_settings(
    settings: Settings,
    data_dir: Path,
    sms_provider: SmsProvider,
    smtp_server: SmtpServer,
) -> Settings:
    return settings.model_copy(
        update={
            **sms_provider.settings(),
            **smtp_server.settings(),
            "push_vapid_key_file": data_dir / "vapid.pem",
            "notifications_deliver_seconds": 3600,
            "channel_timeout_seconds": 3,
        }
    )


@pytest.fixture
def reach_api(reach_settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(reach_settings, clock=clock)) as client:
        yield client


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def person(api: TestClient, slot: int = 21, login: str = PHONE) -> Who:
    who = material(slot, login)
    assert api.post("/api/v1/accounts", json=who.signup_body).status_code == 201
    return log_in(api, who)


def subscribe(
    api: TestClient, who: Who, endpoint: PushEndpoint, label: str = "Téléphone"
) -> dict[str, Any]:
    subscription = endpoint.subscribe()
    response = api.post(
        "/api/v1/notifications/push-subscriptions",
        json={**subscription, "label": label},
        headers=who.headers,
    )
    assert response.status_code == 201, response.text
    return subscription


def choose(api: TestClient, who: Who, **settings: Any) -> dict[str, Any]:
    response = api.put("/api/v1/notifications/settings", json=settings, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def tell(api: TestClient, who: Who, kind: Kind = Kind.DOCUMENT_PULLED, n: int = 1) -> None:
    """``n`` notifications to ``who``, as an event's unit of work writes them."""
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        for _ in range(n):
            notify(db, who.account_id, kind, {"document": "x" * 32}, coffre.clock.now())


def deliveries(api: TestClient, who: Who | None = None) -> list[Delivery]:
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        query = select(Delivery).order_by(Delivery.created_at, Delivery.channel, Delivery.id)
        if who is not None:
            query = query.where(Delivery.account_id == who.account_id)
        return list(db.scalars(query))


def payloads(endpoint: PushEndpoint, subscription: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(m.plaintext) for m in endpoint.messages_for(subscription)]
