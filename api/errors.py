"""The one error handler: domain error family -> HTTP status, one JSON shape.

Shape: ``{"error": {"code": "<stable_code>", "message": "<French text>"}}``.
Every code is listed in docs/ERRORS.md.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from coffre.directory.errors import RowsRejected
from coffre.errors import (
    CoffreError,
    Conflict,
    Invalid,
    NotFound,
    RateLimited,
    Refused,
    TooLarge,
    TooSlow,
    Unauthenticated,
    Unavailable,
)
from coffre.metrics import REFUSALS
from coffre.text import INVALID_TEXT_FR, InvalidText, is_clean_text

log = logging.getLogger(__name__)

# Most specific first.
_STATUS: list[tuple[type[CoffreError], int]] = [
    (TooLarge, 413),
    (TooSlow, 408),
    (Invalid, 422),
    (Unauthenticated, 401),
    (Refused, 403),
    (NotFound, 404),
    (Conflict, 409),
    (RateLimited, 429),
    (Unavailable, 503),
]

INVALID_TEXT = InvalidText.code
_TEXT_ERRORS = (INVALID_TEXT, "string_unicode")
INVALID_REQUEST_FR = "La demande est mal formée. Vérifiez les informations envoyées."
_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
_HTTP_CODES = {
    404: ("not_found", "Cette adresse n'existe pas."),
    405: ("method_not_allowed", "Cette action n'est pas possible à cette adresse."),
}


def status_for(error: CoffreError | type[CoffreError]) -> int:
    """The status of an error, or of an error class (the OpenAPI document's examples)."""
    kind = error if isinstance(error, type) else type(error)
    for family, status in _STATUS:
        if issubclass(kind, family):
            return status
    return 400


def _loc_part(part: object) -> str:
    # A dict's key is part of the location, and a value the client sent: one holding a
    # control character is not echoed back.
    text = str(part)
    return text if is_clean_text(text) else "?"


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CoffreError)
    async def _coffre_error(_request: Request, exc: CoffreError) -> JSONResponse:
        status = status_for(exc)
        if status >= 500:
            log.warning("service unavailable: %s", exc.code)
        else:
            REFUSALS.labels(exc.code).inc()
        headers = None
        if status in (429, 503):
            retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
            headers = {"Retry-After": str(retry_after or 60)}
        body: dict[str, Any] = error_body(exc.code, exc.message_fr)
        if isinstance(exc, RowsRejected):
            # Which rows of an imported file were refused, and why (docs/DIRECTORY.md).
            body["error"]["rows"] = [
                {"table": r.table, "row": r.row, "field": r.field, "message": r.message}
                for r in exc.rows
            ]
        return JSONResponse(body, status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Field locations only: never echo the submitted values (they may be secrets).
        errors = exc.errors()
        fields = [".".join(_loc_part(part) for part in err.get("loc", ())) for err in errors]
        # A control character in any text (api/types.py) has its own code, whatever else
        # is wrong: clients can tell the person which text to retype. pydantic itself
        # answers "string_unicode" for a lone surrogate in a length-checked string.
        if any(err.get("type") in _TEXT_ERRORS for err in errors):
            body = error_body(INVALID_TEXT, INVALID_TEXT_FR)
        else:
            body = error_body("invalid_request", INVALID_REQUEST_FR)
        body["error"]["fields"] = ", ".join(fields)
        REFUSALS.labels(body["error"]["code"]).inc()
        return JSONResponse(body, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a JSON body it could not read other than as a syntax
            # error (a number of 5,000 digits: Python's limit on int digits): a malformed
            # body, as any other (docs/ERRORS.md), not an English "http_error".
            return JSONResponse(error_body("invalid_request", INVALID_REQUEST_FR), 422)
        code, message = _HTTP_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # RFC 9110 §15.5.6: a 405 names the methods the address takes.
            headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
        return JSONResponse(error_body(code, message), exc.status_code, headers=headers or None)


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path (Starlette's own 405 names only the
    first route that matched the path, e.g. GET for ``/documents`` that also takes POST):
    each method is tried against the routes, as the router would for that request."""
    routes = request.app.router.routes
    allowed = []
    for method in _METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in routes):
            allowed.append(method)
    return ", ".join(allowed)
