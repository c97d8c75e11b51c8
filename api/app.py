"""The FastAPI application: built from settings; the domain's parts made once in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.body_limits import BodyLimits
from api.compression import Compression
from api.cookies import CoffreCSRFMiddleware, csrf_middleware_options
from api.errors import install_error_handlers
from api.idempotency import IdempotencyKeys
from api.observability import Observability
from api.openapi_errors import install_openapi
from api.proconnect_http import proconnect_service
from api.routes import (
    accounts,
    audit,
    certificates,
    charters,
    consent,
    console,
    contacts,
    cosign,
    credentials,
    directory,
    documents,
    health,
    history,
    notifications_out,
    organiser,
    proconnect,
    receipts,
    referents,
    relays,
    reminders,
    requests,
    sessions,
    structures,
    territory,
    tokens,
    totp,
    webhooks,
)
from api.security_headers import SecurityHeaders
from api.upload import UploadSlots
from coffre.clock import Clock
from coffre.container import Coffre
from coffre.jobs.inprocess import run_jobs
from coffre.jobs.registry import jobs
from coffre.metrics import STATE as METRICS_STATE
from coffre.settings import Settings
from coffre.storage import ObjectStore
from web import STATIC_DIR
from web.assets import VersionedStatic, static_version
from web.pages import admin as admin_page
from web.pages import api_docs
from web.pages import app as vault_page
from web.pages import charter as charter_page
from web.pages import console as console_page
from web.pages import guide as guide_page
from web.pages import installed_app as installed_app_page
from web.pages import poster as poster_page
from web.pages import structure as structure_page

API_PREFIX = "/api/v1"


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
        # Built here, not in Coffre.build: its HTTP client lives in api/ (import contracts).
        app.state.proconnect = proconnect_service(coffre)
        # The checkpoint's age and the job queue's depth, read at each scrape (coffre/metrics.py).
        METRICS_STATE.watch(coffre.db, coffre.clock, queue=not settings.is_sqlite)
        try:
            async with anyio.create_task_group() as tasks:
                # The background jobs (coffre/jobs/): here, or in `coffre worker`
                # processes when COFFRE_JOBS=worker (then the app runs none).
                if settings.jobs == "inprocess":
                    tasks.start_soon(run_jobs, jobs(coffre))
                yield
                tasks.cancel_scope.cancel()
        finally:
            METRICS_STATE.unwatch(coffre.db)
            coffre.close()

    app = FastAPI(
        title="Coffre",
        version="0.1.0",
        summary="Coffre-fort numérique solidaire: end-to-end encrypted vault API",
        lifespan=lifespan,
        # /docs is ours (web/pages/api_docs.py: vendored Swagger UI under the page's CSP);
        # FastAPI's own loads it from a CDN. No ReDoc. /openapi.json stays for partners.
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    # /openapi.json: every operation's error answers in the one error shape (api/openapi_errors.py).
    install_openapi(app, settings)
    for module in (
        health,
        accounts,
        credentials,
        documents,
        structures,
        sessions,
        totp,
        charters,
        territory,
        consent,
        receipts,
        requests,
        audit,
        cosign,
        console,
        history,
        contacts,
        directory,
        referents,
        relays,
        reminders,
        notifications_out,
        organiser,
        proconnect,
        certificates,
        tokens,
        webhooks,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(vault_page.router)
    app.include_router(charter_page.router)
    app.include_router(poster_page.router)
    app.include_router(console_page.router)
    app.include_router(admin_page.router)
    app.include_router(structure_page.router)
    app.include_router(guide_page.router)
    app.include_router(api_docs.router)
    app.include_router(installed_app_page.router)  # manifest and service worker (issue 19)
    # The page's own files under their content's version, cached for a year; the same
    # files without it (revalidated), and the vendored libraries (web/assets.py).
    app.state.static_prefix = f"/static/{static_version(STATIC_DIR)}"
    app.mount(app.state.static_prefix, VersionedStatic(directory=STATIC_DIR), name="assets")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Body size by route, read timeout and minimum rate (api/body_limits.py); uploads on
    # threads of their own, capped per account and address (api/upload.py).
    # Idempotency-Key on the creating POSTs (api/idempotency.py), inside the body limits.
    app.add_middleware(IdempotencyKeys)
    app.add_middleware(BodyLimits, settings=settings)
    app.state.upload_slots = UploadSlots(settings)
    app.add_middleware(CoffreCSRFMiddleware, **csrf_middleware_options(settings))  # type: ignore[arg-type]
    # gzip on pages, JSON, scripts and styles; never on ciphertext (api/compression.py).
    app.add_middleware(Compression)
    app.add_middleware(SecurityHeaders, settings=settings, static_prefix=app.state.static_prefix)
    # Outermost: the request id, the metrics and the access-log line of every answer
    # (api/observability.py).
    app.add_middleware(Observability)
    return app


def create_app_from_env() -> FastAPI:
    """Entry point for ``uvicorn --factory api.app:create_app_from_env``."""
    return create_app(Settings())
