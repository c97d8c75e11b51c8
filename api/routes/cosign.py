"""Cosignatures of the log's checkpoints (docs/AUDIT.md, "Cosignatures"): who cosigns and
how recently (public), the latest cosigned checkpoint (public), a charter officer's key
and their cosignatures (officer only)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.cosign import (
    CosignerBody,
    CosignerKeyRequest,
    CosignRequest,
    CosignResponse,
    CosignStatusBody,
)
from coffre.audit.cosign_errors import (
    CheckpointNotCosigned,
    CheckpointUnknown,
    CosignatureInconsistent,
    CosignatureInvalid,
    CosignatureTime,
    CosignerKeyInvalid,
    CosignerNotRegistered,
)
from coffre.audit.cosigning import cosigner_name

router = APIRouter(tags=["audit"])


@router.get("/audit/cosigners")
def audit_cosigners(coffre: CoffreDep) -> CosignStatusBody:
    """The registered cosigners, the latest checkpoint and the latest cosigned one."""
    return CosignStatusBody.of(coffre.cosigning.status())


@router.get(
    "/audit/cosigned",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}, **errors(CheckpointNotCosigned)},
)
def audit_cosigned(coffre: CoffreDep) -> str:
    """The largest cosigned checkpoint, with its cosignature lines."""
    return coffre.cosigning.cosigned_note()


@router.get(
    "/audit/cosigner/name",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}},
)
def audit_cosigner_name(actor: ActorDep, coffre: CoffreDep) -> str:
    """The name the caller's cosigner key must carry (charter officer only)."""
    coffre.cosigning.check(actor)
    return cosigner_name(coffre.cosigning.origin, actor.account_id) + "\n"


@router.put("/audit/cosigner", responses=errors(CosignerKeyInvalid))
def audit_cosigner_register(
    body: CosignerKeyRequest, actor: ActorDep, coffre: CoffreDep
) -> CosignerBody:
    """Register (or replace) the caller's cosigner key (charter officer only)."""
    return CosignerBody.of(coffre.cosigning.register(actor, body.key))


@router.post(
    "/audit/cosignatures",
    status_code=201,
    responses=errors(
        CosignerNotRegistered,
        CheckpointUnknown,
        CosignatureInvalid,
        CosignatureTime,
        CosignatureInconsistent,
    ),
)
def audit_cosign(body: CosignRequest, actor: ActorDep, coffre: CoffreDep) -> CosignResponse:
    """Keep the caller's cosignature of the checkpoint of ``size`` entries."""
    accepted = coffre.cosigning.cosign(actor, body.size, body.cosignature)
    return CosignResponse(size=accepted.size, time=accepted.timestamp, checkpoint=accepted.note)
