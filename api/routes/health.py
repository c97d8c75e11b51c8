"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import CoffreDep

router = APIRouter(tags=["health"])


@router.get("/health")
def health(coffre: CoffreDep) -> dict[str, str]:
    """200 when the database and the object store both answer, else a 503 error."""
    with coffre.db.unit_of_work() as db:
        db.execute(text("SELECT 1"))
    coffre.store.check()
    return {"status": "ok"}
