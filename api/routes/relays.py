"""Relays between structures (coffre/relays/service.py, docs/NETWORK.md "Relais").

The orienting professional: ``POST /relays``. The person: ``POST /relays/{id}/agree``
and ``/refuse``. The receiving structure: ``POST /relays/{id}/take``, ``/decline``, then
``/return``. Both sides: ``GET /relays``, ``GET /relays/{id}``, ``POST /relays/{id}/close``
and ``PUT /relays/{id}/note-keys``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.relays import (
    AgreeBody,
    CloseBody,
    DeclineBody,
    NewRelayBody,
    NoteKeyBody,
    RelayBody,
    RelayList,
    ReturnBody,
)
from api.types import PathId, Text
from coffre.consent.errors import PersonNotFound
from coffre.relays.errors import (
    RelayAlreadyAnswered,
    RelayExists,
    RelayNoteInvalid,
    RelayNoteTooBig,
    RelayOutsideCharter,
    ServiceNotFound,
)
from coffre.relays.service import RELAY_PAGE, RELAY_PAGE_MAX, NewRelay, RelayView

router = APIRouter(tags=["relays"])


def _body(view: RelayView) -> RelayBody:
    return RelayBody.model_validate(view)


@router.post(
    "/relays",
    status_code=201,
    responses=errors(
        PersonNotFound, ServiceNotFound, RelayExists, RelayOutsideCharter, RelayNoteTooBig
    ),
)
def propose(body: NewRelayBody, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    new = NewRelay(
        id=body.id,
        person_id=body.person_id,
        service_id=body.service_id,
        purpose=body.purpose,
        categories=body.categories,
        note=body.note,
        note_keys=[(k.recipient_id, k.sealed_key) for k in body.note_keys],
        structure_id=body.structure_id,
    )
    return _body(coffre.relays.propose(actor, new))


@router.get("/relays")
def list_relays(
    actor: ActorDep,
    coffre: CoffreDep,
    box: Annotated[Text | None, Query(max_length=16)] = None,
    state: Annotated[Text | None, Query(max_length=16)] = None,
    cursor: Annotated[Text | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=RELAY_PAGE_MAX)] = RELAY_PAGE,
) -> RelayList:
    page = coffre.relays.list(actor, box, state, cursor, limit)
    return RelayList(relays=[_body(v) for v in page.items], next=page.next)


@router.get("/relays/{relay_id}")
def get_relay(relay_id: PathId, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    return _body(coffre.relays.get(actor, relay_id))


@router.post("/relays/{relay_id}/agree", responses=errors(RelayAlreadyAnswered))
def agree(relay_id: PathId, body: AgreeBody, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    return _body(coffre.relays.agree(actor, relay_id, body.document_ids))


@router.post("/relays/{relay_id}/refuse", responses=errors(RelayAlreadyAnswered))
def refuse(relay_id: PathId, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    return _body(coffre.relays.refuse(actor, relay_id))


@router.post("/relays/{relay_id}/take", responses=errors(RelayAlreadyAnswered))
def take(relay_id: PathId, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    return _body(coffre.relays.take(actor, relay_id))


@router.post("/relays/{relay_id}/decline", responses=errors(RelayAlreadyAnswered))
def decline(relay_id: PathId, body: DeclineBody, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    return _body(coffre.relays.decline(actor, relay_id, body.reason))


@router.post("/relays/{relay_id}/close", responses=errors(RelayAlreadyAnswered))
def close(relay_id: PathId, body: CloseBody, actor: ActorDep, coffre: CoffreDep) -> RelayBody:
    return _body(coffre.relays.close(actor, relay_id, body.reason))


@router.put("/relays/{relay_id}/note-keys", responses=errors(RelayNoteInvalid))
def add_note_key(
    relay_id: PathId, body: NoteKeyBody, actor: ActorDep, coffre: CoffreDep
) -> RelayBody:
    view = coffre.relays.add_note_key(
        actor, relay_id, body.which, body.recipient_id, body.sealed_key
    )
    return _body(view)


@router.post(
    "/relays/{relay_id}/return",
    responses=errors(RelayAlreadyAnswered, RelayNoteInvalid, RelayNoteTooBig),
)
def send_return(
    relay_id: PathId, body: ReturnBody, actor: ActorDep, coffre: CoffreDep
) -> RelayBody:
    keys = [(k.recipient_id, k.sealed_key) for k in body.note_keys]
    return _body(coffre.relays.send_return(actor, relay_id, body.note, keys))
