"""The audit log's public face: the checkpoint key and its history, the latest signed
checkpoint, the tiles and entry bundles of the signed tree, and proofs (auditlog/SPEC.md
§4). Anyone, signed in or not.

Anyone may keep the key and the checkpoints they saw: a later export or checkpoint
that does not extend them proves the log was rewritten (docs/AUDIT.md).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api.deps import CoffreDep
from api.etags import etag_bytes, etag_json
from api.openapi_errors import errors
from api.schemas.audit_log import (
    ConsistencyProofBody,
    InclusionProofBody,
    KeyBody,
    KeyHistoryBody,
)
from api.types import Text
from coffre.audit.errors import (
    AuditEntriesPruned,
    AuditTileNotFound,
    AuditTreeSizeUnknown,
    InvalidProofRequest,
)
from coffre.audit.served import MAX_INDEX

router = APIRouter(tags=["audit"])


@router.get("/audit/key", response_class=PlainTextResponse)
def audit_key(coffre: CoffreDep) -> str:
    """The verifier key of the log's checkpoints (Go sumdb/note format)."""
    return coffre.audit.verifier_key + "\n"


@router.get("/audit/checkpoint", response_class=PlainTextResponse)
def audit_checkpoint(coffre: CoffreDep) -> str:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)."""
    return coffre.audit.latest_checkpoint().note


# --- the log served as tiles (auditlog/SPEC.md §4, C2SP tlog-tiles) -------------------

# Full tiles and bundles never change: cached for a year by anyone. Partial ones are
# replaced by wider ones as the log grows: a minute. The checkpoint: revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"
PARTIAL = "public, max-age=60"
CHECKPOINT = "public, no-cache"


@router.get(
    "/audit/log/checkpoint",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}}},
)
def audit_log_checkpoint(request: Request, coffre: CoffreDep) -> Response:
    """The latest signed checkpoint (C2SP tlog-checkpoint) with the charter officers'
    cosignature lines (C2SP tlog-cosignature), and an entity tag."""
    signed = coffre.audit.latest_checkpoint()
    note = coffre.cosigning.served(signed.size, signed.note)
    return etag_bytes(
        request,
        note.encode("utf-8"),
        "text/plain; charset=utf-8",
        cache_control=CHECKPOINT,
        vary=None,
    )


@router.get("/audit/log/keys", response_model=KeyHistoryBody)
def audit_log_keys(request: Request, coffre: CoffreDep) -> Response:
    """The checkpoint key's history with its rotation statements (SPEC §6)."""
    body = KeyHistoryBody(
        origin=coffre.audit.origin,
        current=coffre.audit.verifier_key,
        history=[
            KeyBody(verifier_key=key, statement=statement)
            for key, statement in coffre.audit.key_history()
        ],
    )
    return etag_json(request, body, cache_control=CHECKPOINT, vary=None)


@router.get(
    "/audit/log/tile/{path:path}",
    response_class=Response,
    responses={
        **errors(AuditTileNotFound, AuditEntriesPruned),
        200: {"content": {"application/octet-stream": {}}},
    },
)
def audit_log_tile(path: Annotated[Text, Path(max_length=200)], coffre: CoffreDep) -> Response:
    """A tile ``<L>/<N>[.p/<W>]`` or an entry bundle ``entries/<N>[.p/<W>]`` of the
    signed tree (SPEC §5); 404 ``audit_tile_not_found`` for anything else."""
    tile = coffre.audit.served.tile("tile/" + path)
    return Response(
        content=tile.data,
        media_type="application/octet-stream",
        headers={"Cache-Control": IMMUTABLE if tile.full else PARTIAL},
    )


@router.get(
    "/audit/proof/inclusion",
    response_model=InclusionProofBody,
    responses=errors(InvalidProofRequest, AuditTreeSizeUnknown),
)
def audit_proof_inclusion(
    coffre: CoffreDep,
    index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    size: Annotated[int, Query(ge=1, le=MAX_INDEX)],
) -> InclusionProofBody:
    """The inclusion proof of entry ``index`` in the tree of ``size`` entries."""
    return InclusionProofBody.of(coffre.audit.served.inclusion(index, size))


@router.get(
    "/audit/proof/consistency",
    response_model=ConsistencyProofBody,
    responses=errors(InvalidProofRequest, AuditTreeSizeUnknown),
)
def audit_proof_consistency(
    coffre: CoffreDep,
    old: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    new: Annotated[int, Query(ge=0, le=MAX_INDEX)],
) -> ConsistencyProofBody:
    """The consistency proof from the tree of ``old`` entries to the tree of ``new``."""
    return ConsistencyProofBody.of(coffre.audit.served.consistency(old, new))
