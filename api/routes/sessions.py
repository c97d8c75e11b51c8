"""Sessions and devices: list one's own sessions, end one, or end all the others."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.cookies import clear_session_cookie
from api.deps import ActorDep, CoffreDep
from api.schemas.sessions import RevokedSessions, SessionBody, SessionList
from api.types import PathId

router = APIRouter(tags=["sessions"])


@router.get("/sessions")
def list_sessions(actor: ActorDep, coffre: CoffreDep) -> SessionList:
    """The caller's live sessions, most recently used first; ``current`` marks this one."""
    sessions = coffre.sessions.list_sessions(actor)
    return SessionList(sessions=[SessionBody.model_validate(s) for s in sessions])


@router.delete("/sessions/{session_id}", status_code=204)
def revoke_session(session_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    """End one of the caller's sessions at once; another account's reads as unknown (404)."""
    coffre.sessions.revoke(actor, session_id)
    response = Response(status_code=204)
    if session_id == actor.session_id:
        clear_session_cookie(response, coffre.settings)
    return response


@router.post("/sessions/revoke-others")
def revoke_other_sessions(actor: ActorDep, coffre: CoffreDep) -> RevokedSessions:
    """End every session of the caller except this one (a lost phone, a shared computer)."""
    return RevokedSessions(revoked=coffre.sessions.revoke_others(actor))
