"""A professional's personal access tokens: make one (shown once), list, revoke.

Only the professional's own session reaches these routes: they are not in
api/token_scopes.py, so a token never makes, lists or revokes tokens.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.tokens import TokenBody, TokenCreate, TokenCreated, TokenList
from api.types import PathId
from coffre.accounts.token_errors import InvalidTokenRequest, TokensNotAllowed, TooManyTokens
from coffre.accounts.tokens import read_scopes

router = APIRouter(tags=["tokens"])


@router.get("/tokens")
def list_tokens(actor: ActorDep, coffre: CoffreDep, response: Response) -> TokenList:
    """The caller's tokens not revoked (expired ones marked), newest first."""
    response.headers["Cache-Control"] = "no-store"
    return TokenList(tokens=[TokenBody.model_validate(v) for v in coffre.tokens.list_tokens(actor)])


@router.post(
    "/tokens",
    status_code=201,
    responses=errors(TokensNotAllowed, InvalidTokenRequest, TooManyTokens),
)
def create_token(
    body: TokenCreate, actor: ActorDep, coffre: CoffreDep, response: Response
) -> TokenCreated:
    """Make a token; ``token`` in the answer is its only copy (keep it now)."""
    issued = coffre.tokens.issue(actor, body.label, read_scopes(body.scopes), body.days)
    response.headers["Cache-Control"] = "no-store"
    body_out = TokenBody.model_validate(issued.view)
    return TokenCreated(token=issued.token, **body_out.model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    """Revoke one of the caller's tokens at once; another's reads as unknown (404)."""
    coffre.tokens.revoke(actor, token_id)
    return Response(status_code=204)
