"""Which API routes a personal access token may call, and with which scope.

A request carrying a token (``coffre_pat_...``) is checked against this table by
``api.deps.current_actor`` before the route does anything: a route missing here, or a
token without the route's scope, gets 403 ``token_scope`` (decided before any lookup,
so it reveals nothing about the ids in the path). Keys are the route's method and path
template exactly as FastAPI registers it (``"GET /api/v1/grants/{grant_id}"``).

Owners of partner routes add ONE line per route. Never list a route that manages the
account itself (log-out, sessions, TOTP, keys, tokens): a token cannot make a token.
"""

from __future__ import annotations

from coffre.policy.tokens import Scope

SCOPES: dict[str, Scope] = {
    # Consent (api/routes/consent.py)
    "GET /api/v1/shared-with-me": Scope.READ_GRANTS,
    "POST /api/v1/grants/{grant_id}/documents/{document_id}/pull": Scope.PULL,
    "GET /api/v1/grants/{grant_id}/receipt": Scope.READ_GRANTS,  # R: a grant's receipt
    "GET /api/v1/grants/received": Scope.READ_GRANTS,  # B: the grants made to me
    "GET /api/v1/grants/{grant_id}": Scope.READ_GRANTS,  # B: one grant
    "POST /api/v1/grants/{grant_id}/outcome": Scope.REPORT,  # B: what came of it
    # Requests for documents (api/routes/requests.py)
    "POST /api/v1/requests": Scope.REQUEST,
    "GET /api/v1/requests": Scope.REQUEST,
    # Deposits for a person (api/routes/consent.py)
    "POST /api/v1/deposits": Scope.DEPOSIT,
    "GET /api/v1/persons/linked": Scope.DEPOSIT,
    "GET /api/v1/persons/{person_id}/box-key": Scope.DEPOSIT,
}


def scope_of(method: str, path_template: str) -> Scope | None:
    """The scope a token needs on this route, or None when no token may call it."""
    return SCOPES.get(f"{method.upper()} {path_template}")
