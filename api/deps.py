"""Request dependencies: the application's parts and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.cookies import session_cookie
from coffre.accounts.errors import NotAuthenticated
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


def current_actor(request: Request, coffre: CoffreDep) -> Actor:
    return coffre.accounts.authenticate(session_token(request))


ActorDep = Annotated[Actor, Depends(current_actor)]


def optional_actor(request: Request, coffre: CoffreDep) -> Actor | None:
    """The actor when the request carries a session, else None: routes open to anyone
    that show more to some roles (the directory's contacts)."""
    if request.headers.get("authorization") is None and not session_cookie(request):
        return None
    return coffre.accounts.authenticate(session_token(request))


OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]


def enrolment_actor(request: Request, coffre: CoffreDep) -> Actor:
    """Also accepts a session restricted to TOTP enrolment.

    Only the TOTP enrolment routes and log-out use it; every other route takes
    ``ActorDep``, which refuses such a session (``totp_enrolment_required``).
    """
    return coffre.accounts.authenticate(session_token(request), allow_restricted=True)


EnrolmentActorDep = Annotated[Actor, Depends(enrolment_actor)]


def client_address(request: Request) -> str | None:
    """The peer's address, or the one forwarded by a proxy named in
    COFFRE_FORWARDED_ALLOW_IPS (cli/server.py); nobody's header is believed by default."""
    return request.client.host if request.client is not None else None


def user_agent(request: Request) -> str | None:
    """The User-Agent header, passed down only to derive a coarse device label."""
    return request.headers.get("user-agent")
