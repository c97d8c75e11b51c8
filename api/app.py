"""The FastAPI application: built from settings; the domain's parts made once in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.cookies import CoffreCSRFMiddleware, csrf_middleware_options
from api.errors import install_error_handlers
from api.routes import accounts, documents, health
from coffre.clock import Clock
from coffre.container import Coffre
from coffre.settings import Settings
from coffre.storage import ObjectStore

API_PREFIX = "/api/v1"


class SecurityHeaders:
    """Headers every response carries: nothing is cached, nothing is sniffed or framed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"cache-control", b"no-store"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    store: ObjectStore | None = None,
) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        coffre = Coffre.build(settings, clock=clock, store=store)
        app.state.coffre = coffre
        try:
            yield
        finally:
            coffre.close()

    app = FastAPI(
        title="Coffre",
        version="0.1.0",
        summary="Coffre-fort numérique solidaire: end-to-end encrypted vault API",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for module in (health, accounts, documents):
        app.include_router(module.router, prefix=API_PREFIX)
    app.add_middleware(CoffreCSRFMiddleware, **csrf_middleware_options(settings))  # type: ignore[arg-type]
    app.add_middleware(SecurityHeaders)
    return app


def create_app_from_env() -> FastAPI:
    """Entry point for ``uvicorn --factory api.app:create_app_from_env``."""
    return create_app(Settings())
