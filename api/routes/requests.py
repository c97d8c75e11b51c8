"""Requests (a professional asks a person for a document) and notifications."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.consent import (
    AcceptedRequest,
    DeclineBody,
    MarkReadBody,
    NewRequestBody,
    NotificationBody,
    NotificationList,
    RequestBody,
    RequestList,
)
from api.types import PathId
from coffre.consent.errors import (
    InvalidRequest,
    NotificationNotFound,
    RequestRefused,
    TooManyRequests,
)
from coffre.consent.requests import NewRequest, RequestView
from coffre.notifications.service import data_of

router = APIRouter(tags=["requests"])


def request_body(view: RequestView) -> RequestBody:
    request = view.request
    return RequestBody(
        id=request.id,
        status=view.status,
        professional_id=request.professional_id,
        professional_name=view.professional_name,
        structure_id=request.structure_id,
        structure_name=view.structure_name,
        purpose=request.purpose,
        purpose_label=view.purpose_label,
        category=request.category,
        message=request.message,
        due_on=request.due_on,
        created_at=request.created_at,
        expires_at=request.expires_at,
        decline_word=request.decline_word,
        grant_id=request.grant_id,
        person_login=view.person_login,
    )


@router.post(
    "/requests",
    status_code=202,
    responses=errors(RequestRefused, InvalidRequest, TooManyRequests),
)
def create_request(body: NewRequestBody, actor: ActorDep, coffre: CoffreDep) -> AcceptedRequest:
    """Accepted whether or not the login names a person: nothing about accounts leaks."""
    new = NewRequest(
        person_login=body.person_login,
        structure_id=body.structure_id,
        purpose=body.purpose,
        category=body.category,
        message=body.message,
        due_on=body.due_on,
    )
    view = coffre.requests.create(actor, new)
    return AcceptedRequest(id=view.request.id, status="sent")


@router.get("/requests")
def list_requests(actor: ActorDep, coffre: CoffreDep) -> RequestList:
    """A person's requests waiting for an answer; a professional's requests sent."""
    views = coffre.requests.listed(actor)
    return RequestList(requests=[request_body(view) for view in views])


@router.post("/requests/{request_id}/decline")
def decline_request(
    request_id: PathId, body: DeclineBody, actor: ActorDep, coffre: CoffreDep
) -> RequestBody:
    return request_body(coffre.requests.decline(actor, request_id, body.word))


@router.get("/notifications")
def list_notifications(actor: ActorDep, coffre: CoffreDep) -> NotificationList:
    rows = coffre.notifications.list(actor)
    return NotificationList(
        notifications=[
            NotificationBody(
                id=row.id,
                kind=row.kind,
                created_at=row.created_at,
                read=row.read_at is not None,
                data=data_of(row),
            )
            for row in rows
        ],
        unread=sum(1 for row in rows if row.read_at is None),
    )


@router.post("/notifications/read", responses=errors(NotificationNotFound))
def mark_read(body: MarkReadBody, actor: ActorDep, coffre: CoffreDep) -> JSONResponse:
    marked = coffre.notifications.mark_read(actor, body.up_to)
    return JSONResponse({"marked": marked})
