"""Request dependencies: the application's parts and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import iter_route_contexts

from api.cookies import session_cookie
from api.token_scopes import scope_of
from coffre.accounts.errors import NotAuthenticated
from coffre.accounts.token_errors import TokenScopeRefused
from coffre.accounts.tokens import is_access_token
from coffre.container import Coffre
from coffre.policy import Actor


def get_coffre(request: Request) -> Coffre:
    coffre: Coffre = request.app.state.coffre
    return coffre


CoffreDep = Annotated[Coffre, Depends(get_coffre)]


def session_token(request: Request) -> str:
    """The bearer token (API clients), else the web session cookie (the page)."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated()
        return token.strip()
    cookie = session_cookie(request)
    if not cookie:
        raise NotAuthenticated()
    return cookie


def route_template(request: Request) -> str:
    """The matched route's full path template (``/api/v1/grants/{grant_id}``, the
    prefix it was included under too), or the raw path when no route matched.

    FastAPI keeps an included router's routes as they were declared (without the
    prefix): the full templates are read once from the application's route contexts,
    as the OpenAPI document reads them (api/openapi_errors.py)."""
    templates: dict[int, str] | None = getattr(request.app.state, "route_templates", None)
    if templates is None:
        templates = {
            id(context.original_route): str(
                context.path_format or getattr(context.original_route, "path_format", "")
            )
            for context in iter_route_contexts(request.app.routes)
        }
        request.app.state.route_templates = templates
    return templates.get(id(request.scope.get("route")), request.url.path)


def authenticate_request(
    request: Request, coffre: Coffre, token: str, *, allow_restricted: bool = False
) -> Actor:
    """A session token: ``AccountService.authenticate``. A personal access token: the
    route must be in api/token_scopes.py, decided here before any lookup (a route
    missing there, or an enrolment-only route, answers 403 ``token_scope`` whatever the
    token and the ids in the path); then the token service checks the token, its
    scope and its rate."""
    if is_access_token(token):
        scope = None if allow_restricted else scope_of(request.method, route_template(request))
        if scope is None:
            raise TokenScopeRefused()
        return coffre.tokens.authenticate(token, scope)
    return coffre.accounts.authenticate(token, allow_restricted=allow_restricted)


def current_actor(request: Request, coffre: CoffreDep) -> Actor:
    return authenticate_request(request, coffre, session_token(request))


ActorDep = Annotated[Actor, Depends(current_actor)]


def optional_actor(request: Request, coffre: CoffreDep) -> Actor | None:
    """The actor when the request carries a session, else None: routes open to anyone
    that show more to some roles (the directory's contacts)."""
    if request.headers.get("authorization") is None and not session_cookie(request):
        return None
    return authenticate_request(request, coffre, session_token(request))


OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]


def enrolment_actor(request: Request, coffre: CoffreDep) -> Actor:
    """Also accepts a session restricted to TOTP enrolment.

    Only the TOTP enrolment routes and log-out use it; every other route takes
    ``ActorDep``, which refuses such a session (``totp_enrolment_required``).
    """
    return authenticate_request(request, coffre, session_token(request), allow_restricted=True)


EnrolmentActorDep = Annotated[Actor, Depends(enrolment_actor)]


def client_address(request: Request) -> str | None:
    """The peer's address, or the one forwarded by a proxy named in
    COFFRE_FORWARDED_ALLOW_IPS (cli/server.py); nobody's header is believed by default."""
    return request.client.host if request.client is not None else None


def user_agent(request: Request) -> str | None:
    """The User-Agent header, passed down only to derive a coarse device label."""
    return request.headers.get("user-agent")
