"""Helpers of the webhooks' tests: an event of a structure as its unit of work writes
it (``coffre.webhooks.emit``, the function the grants, requests and relays call)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.container import Coffre
from coffre.webhooks import EventType, emit
from coffre.webhooks.models import WebhookDelivery


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def one_delivery(api: TestClient, structure_id: str, endpoint_id: str) -> str:
    """A ``grant.created`` event of the structure; the id of its delivery to the endpoint."""
    coffre = coffre_of(api)
    now = coffre.clock.now()
    with coffre.db.unit_of_work() as db:
        emit(db, structure_id, EventType.GRANT_CREATED, {"grant_id": "0" * 32}, now)
    with coffre.db.unit_of_work() as db:
        found = db.scalars(
            select(WebhookDelivery.id)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.created_at.desc())
        ).first()
    assert found is not None
    return found
