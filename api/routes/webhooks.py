"""A structure's webhooks, managed by its admin (coffre/webhooks/, docs/WEBHOOKS.md):
register an endpoint (its secret in this answer only), list, delete, read an
endpoint's delivery log, replay a delivery. Anyone else gets ``webhook_not_found``, as
for an unknown id."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.webhooks import (
    WebhookBody,
    WebhookDeliveryBody,
    WebhookDeliveryList,
    WebhookList,
    WebhookRequest,
)
from api.types import PathId
from coffre.webhooks.errors import (
    InvalidWebhookEvents,
    InvalidWebhookUrl,
    WebhookDeliveryInFlight,
    WebhookLimitReached,
    WebhookNotFound,
    WebhookUrlRefused,
)

router = APIRouter(tags=["webhooks"])


@router.get("/structures/{structure_id}/webhooks", responses=errors(WebhookNotFound))
def list_webhooks(structure_id: PathId, actor: ActorDep, coffre: CoffreDep) -> WebhookList:
    listed = coffre.webhooks.endpoints(actor, structure_id)
    return WebhookList(webhooks=[WebhookBody.model_validate(e) for e in listed])


@router.post(
    "/structures/{structure_id}/webhooks",
    status_code=201,
    responses=errors(
        WebhookNotFound,
        WebhookLimitReached,
        InvalidWebhookUrl,
        WebhookUrlRefused,
        InvalidWebhookEvents,
    ),
)
def create_webhook(
    structure_id: PathId, body: WebhookRequest, actor: ActorDep, coffre: CoffreDep
) -> WebhookBody:
    made = coffre.webhooks.create(actor, structure_id, body.url, body.events)
    return WebhookBody.model_validate(made)


@router.delete(
    "/structures/{structure_id}/webhooks/{webhook_id}",
    status_code=204,
    responses=errors(WebhookNotFound),
)
def delete_webhook(
    structure_id: PathId, webhook_id: PathId, actor: ActorDep, coffre: CoffreDep
) -> Response:
    coffre.webhooks.delete(actor, structure_id, webhook_id)
    return Response(status_code=204)


@router.get(
    "/structures/{structure_id}/webhooks/{webhook_id}/deliveries",
    responses=errors(WebhookNotFound),
)
def list_deliveries(
    structure_id: PathId, webhook_id: PathId, actor: ActorDep, coffre: CoffreDep
) -> WebhookDeliveryList:
    found = coffre.webhooks.deliveries(actor, structure_id, webhook_id)
    return WebhookDeliveryList(deliveries=[WebhookDeliveryBody.model_validate(d) for d in found])


@router.post(
    "/structures/{structure_id}/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
    responses=errors(WebhookNotFound, WebhookDeliveryInFlight),
)
def replay_delivery(
    structure_id: PathId,
    webhook_id: PathId,
    delivery_id: PathId,
    actor: ActorDep,
    coffre: CoffreDep,
) -> WebhookDeliveryBody:
    replayed = coffre.webhooks.replay(actor, structure_id, webhook_id, delivery_id)
    return WebhookDeliveryBody.model_validate(replayed)
