"""The référent de parcours (coffre/referents/service.py, docs/NETWORK.md).

The person: ``GET/POST/PATCH/DELETE /referent``, ``POST /referent/proposals/{id}/accept``
| ``/decline``, ``POST /referent/handovers/{id}/accept`` | ``/refuse``.
The professional: ``POST /referent/proposals``, ``POST /referent/handovers``,
``GET /followed``, ``GET /followed/{person_id}``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.referents import (
    CountResponse,
    DesignateRequest,
    FollowedItemBody,
    FollowedPageResponse,
    FollowedPersonResponse,
    GrantLineBody,
    HandoverAcceptedResponse,
    LinkBody,
    MyReferentResponse,
    NameSuccessorRequest,
    NetworkMemberBody,
    OptionsRequest,
    ProposeRequest,
    RegrantBody,
    RelayLineBody,
    RequestLineBody,
)
from api.types import PathId, Text
from coffre.consent.errors import PersonNotFound
from coffre.referents.errors import (
    InvalidHandover,
    ReferentAlreadyActive,
    ReferentAlreadyProposed,
    ReferentHandoverAlreadyAnswered,
    ReferentNotFound,
    ReferentProposalAlreadyAnswered,
)
from coffre.referents.service import FOLLOWED_PAGE, FOLLOWED_PAGE_MAX, NewHandover
from coffre.structures.errors import ProfessionalNotFound

router = APIRouter(tags=["referents"])


@router.get("/referent")
def my_referent(actor: ActorDep, coffre: CoffreDep) -> MyReferentResponse:
    """The caller's référent, the proposals and the hand-over waiting, the history."""
    return MyReferentResponse.model_validate(coffre.referents.mine(actor))


@router.post(
    "/referent", status_code=201, responses=errors(ProfessionalNotFound, ReferentAlreadyActive)
)
def designate(body: DesignateRequest, actor: ActorDep, coffre: CoffreDep) -> LinkBody:
    """Choose (or change, in one step) one's référent among the certified professionals."""
    link = coffre.referents.designate(
        actor, body.professional_id, body.structure_id, body.show_expiry_count
    )
    return LinkBody.model_validate(link)


@router.patch("/referent", responses=errors(ReferentNotFound))
def set_options(body: OptionsRequest, actor: ActorDep, coffre: CoffreDep) -> LinkBody:
    return LinkBody.model_validate(coffre.referents.set_options(actor, body.show_expiry_count))


@router.delete("/referent", status_code=204, responses=errors(ReferentNotFound))
def end(actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.referents.end(actor)
    return Response(status_code=204)


@router.post(
    "/referent/proposals",
    status_code=201,
    responses=errors(PersonNotFound, ReferentAlreadyActive, ReferentAlreadyProposed),
)
def propose(body: ProposeRequest, actor: ActorDep, coffre: CoffreDep) -> LinkBody:
    """A professional offers to be a linked person's référent; the person answers."""
    return LinkBody.model_validate(
        coffre.referents.propose(actor, body.person_id, body.structure_id)
    )


@router.post(
    "/referent/proposals/{proposal_id}/accept",
    responses=errors(ReferentProposalAlreadyAnswered, ReferentAlreadyActive),
)
def accept_proposal(proposal_id: PathId, actor: ActorDep, coffre: CoffreDep) -> LinkBody:
    return LinkBody.model_validate(coffre.referents.accept_proposal(actor, proposal_id))


@router.post(
    "/referent/proposals/{proposal_id}/decline",
    responses=errors(ReferentProposalAlreadyAnswered),
)
def decline_proposal(proposal_id: PathId, actor: ActorDep, coffre: CoffreDep) -> LinkBody:
    return LinkBody.model_validate(coffre.referents.decline_proposal(actor, proposal_id))


@router.post(
    "/referent/handovers",
    status_code=201,
    responses=errors(ProfessionalNotFound, InvalidHandover),
)
def name_successor(body: NameSuccessorRequest, actor: ActorDep, coffre: CoffreDep) -> CountResponse:
    """The référent (or an admin of their structure) names a successor; each person
    followed (or each listed) is asked."""
    count = coffre.referents.name_successor(
        actor,
        NewHandover(
            from_professional_id=body.from_professional_id,
            successor_id=body.successor_id,
            reason=body.reason,
            until=body.until,
            person_ids=body.person_ids,
        ),
    )
    return CountResponse(count=count)


@router.post(
    "/referent/handovers/{handover_id}/accept",
    responses=errors(ReferentHandoverAlreadyAnswered, ReferentAlreadyActive),
)
def accept_handover(
    handover_id: PathId, actor: ActorDep, coffre: CoffreDep
) -> HandoverAcceptedResponse:
    """The link moves to the successor; ``regrants`` are the grants to re-share."""
    accepted = coffre.referents.accept_handover(actor, handover_id)
    return HandoverAcceptedResponse(
        **LinkBody.model_validate(accepted.link).model_dump(),
        regrants=[RegrantBody.model_validate(r) for r in accepted.regrants],
    )


@router.post(
    "/referent/handovers/{handover_id}/refuse",
    responses=errors(ReferentHandoverAlreadyAnswered),
)
def refuse_handover(handover_id: PathId, actor: ActorDep, coffre: CoffreDep) -> LinkBody:
    return LinkBody.model_validate(coffre.referents.refuse_handover(actor, handover_id))


@router.get("/followed")
def followed(
    actor: ActorDep,
    coffre: CoffreDep,
    cursor: Annotated[Text | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=FOLLOWED_PAGE_MAX)] = FOLLOWED_PAGE,
) -> FollowedPageResponse:
    """The persons the caller follows as référent, with what they consented to show."""
    return FollowedPageResponse.model_validate(coffre.referents.followed(actor, cursor, limit))


@router.get("/followed/{person_id}")
def followed_person(
    person_id: PathId, actor: ActorDep, coffre: CoffreDep
) -> FollowedPersonResponse:
    detail = coffre.referents.followed_person(actor, person_id)
    return FollowedPersonResponse(
        **FollowedItemBody.model_validate(detail.summary).model_dump(),
        grants=[GrantLineBody.model_validate(g) for g in detail.grants],
        requests=[RequestLineBody.model_validate(r) for r in detail.requests],
        relays=[RelayLineBody.model_validate(r) for r in detail.relays],
        network=[NetworkMemberBody.model_validate(n) for n in detail.network],
    )
