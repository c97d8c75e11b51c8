"""The person's organiser (coffre/organiser/service.py, SPEC §30): notes, contacts and
appointments, stored as ciphertext the page alone opens.

``GET /organiser/items``, ``POST /organiser/items``, ``PUT /organiser/items/{id}``
(``version``: the one read; otherwise ``organiser_item_version_conflict``) and
``DELETE /organiser/items/{id}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.organiser import ChangeItemRequest, ItemBody, ItemsResponse, NewItemRequest
from api.types import PathId
from coffre.organiser.errors import (
    InvalidOrganiserItem,
    OrganiserFull,
    OrganiserItemExists,
    OrganiserItemVersionConflict,
)

router = APIRouter(tags=["organiser"])


@router.get("/organiser/items")
def list_items(actor: ActorDep, coffre: CoffreDep) -> ItemsResponse:
    """The caller's items, oldest first, and how many one may keep."""
    items = coffre.organiser.list(actor)
    return ItemsResponse(
        items=[ItemBody.model_validate(item) for item in items],
        limit=coffre.organiser.max_per_person,
    )


@router.post(
    "/organiser/items",
    status_code=201,
    responses=errors(OrganiserItemExists, OrganiserFull, InvalidOrganiserItem),
)
def create_item(body: NewItemRequest, actor: ActorDep, coffre: CoffreDep) -> ItemBody:
    """Keep a new item (``organiser_full`` past the cap)."""
    return ItemBody.model_validate(coffre.organiser.create(actor, body.id, body.ciphertext))


@router.put(
    "/organiser/items/{item_id}",
    responses=errors(OrganiserItemVersionConflict, InvalidOrganiserItem),
)
def change_item(
    item_id: PathId, body: ChangeItemRequest, actor: ActorDep, coffre: CoffreDep
) -> ItemBody:
    """Replace an item's ciphertext if it is still at the version the page read."""
    changed = coffre.organiser.change(actor, item_id, body.version, body.ciphertext)
    return ItemBody.model_validate(changed)


@router.delete("/organiser/items/{item_id}", status_code=204)
def delete_item(item_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.organiser.delete(actor, item_id)
    return Response(status_code=204)
