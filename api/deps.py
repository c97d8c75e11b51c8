"""Request dependencies: the application's parts and the authenticated actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from coffre.accounts.errors import NotAuthenticated
from coffre.container import Coffre
from coffre.policy import Actor


def get_coffre(request: Request) -> Coffre:
    coffre: Coffre = request.app.state.coffre
    return coffre


CoffreDep = Annotated[Coffre, Depends(get_coffre)]


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated()
    return token.strip()


def current_actor(request: Request, coffre: CoffreDep) -> Actor:
    return coffre.accounts.authenticate(bearer_token(request))


ActorDep = Annotated[Actor, Depends(current_actor)]
