"""The audit log's public face: the checkpoint key and the latest signed checkpoint.

Anyone may keep the key and the checkpoints they saw: a later export or checkpoint
that does not extend them proves the log was rewritten (docs/AUDIT.md).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse

from api.deps import CoffreDep

router = APIRouter(tags=["audit"])


@router.get("/audit/key", response_class=PlainTextResponse)
def audit_key(coffre: CoffreDep) -> str:
    """The verifier key of the log's checkpoints (Go sumdb/note format)."""
    return coffre.audit.verifier_key + "\n"


@router.get("/audit/checkpoint", response_class=PlainTextResponse)
def audit_checkpoint(coffre: CoffreDep) -> str:
    """The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)."""
    return coffre.audit.latest_checkpoint().note
