"""Liveness (``/health``) and readiness (``/ready``): what compose, the proxy and an
orchestrator ask each app process (coffre/readiness.py says why they differ)."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CoffreDep
from api.openapi_errors import errors
from coffre.errors import StorageUnavailable
from coffre.readiness import SchemaNotAtHead, check_ready

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """200 while the process answers: no database, no store (it depends on nothing)."""
    return {"status": "ok"}


@router.get("/ready", responses=errors(SchemaNotAtHead, StorageUnavailable))
def ready(coffre: CoffreDep) -> dict[str, str]:
    """200 when the database answers with its schema at the code's head and the object
    store answers; else 503 with the failing part's code (``database_unavailable``,
    ``schema_not_at_head``, ``storage_unavailable``)."""
    check_ready(coffre.db, coffre.store)
    return {"status": "ok"}
