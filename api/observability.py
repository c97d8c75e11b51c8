"""Every request's id, metrics and access-log line: one pure ASGI middleware, the outermost.

- The request id: the client's (or the proxy's) ``X-Request-ID`` when well formed
  (8 to 64 letters, digits, ``.``, ``_``, ``-``), else a new random one; echoed in the
  answer's ``X-Request-ID``, and carried by every log line written while the request
  runs (structlog's context variables, coffre/logs.py; the route's worker thread gets
  a copy of the context).
- The metrics (coffre/metrics.py): requests by route template, method and status, and
  their time to the last byte of the answer.
- One access-log line (logger ``coffre.access``): the route's TEMPLATE
  (``/api/v1/grants/{grant_id}``), never the path as sent, nor its query string: a path
  holds ids (a person's id is personal data) and a query may hold a login or a search.
  No client address either (uvicorn's own access log, which writes all of these, is off:
  cli/server.py).

Pure ASGI, not BaseHTTPMiddleware: no task or stream of its own per request, so its cost
stays a few microseconds (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bind_contextvars, reset_contextvars

from coffre.metrics import HTTP_REQUESTS, HTTP_SECONDS

access_log = logging.getLogger("coffre.access")

HEADER = b"x-request-id"
_WELL_FORMED = re.compile(rb"[A-Za-z0-9._-]{8,64}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# No route matched (a 404, or a scanner's probe): one label for all of them.
UNMATCHED = "unmatched"
STATIC = "/static/{path}"


def request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The request's id: the one it came with if well formed, else a new one."""
    for name, value in headers:
        if name == HEADER:
            if _WELL_FORMED.fullmatch(value):
                return value.decode("ascii")
            break
    return secrets.token_hex(16)


class Observability:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # id(route) -> its full template; read from the app's routes at the first request
        # (FastAPI keeps an included router's routes as declared, without their prefix).
        self._templates: dict[int, str] | None = None
        # (route, method, status) -> its counter and histogram: labels() once per series.
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(scope["headers"])
        tokens = bind_contextvars(request_id=rid)
        status = 500  # what the client gets if the app raises before answering
        header = (HEADER, rid.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = self._template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "other"
            series = self._series.get((route, method, status))
            if series is None:
                series = (
                    HTTP_REQUESTS.labels(route, method, str(status)),
                    HTTP_SECONDS.labels(route, method),
                )
                self._series[(route, method, status)] = series
            series[0].inc()
            series[1].observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "route": route,
                        "method": method,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
            reset_contextvars(**tokens)

    def _template(self, scope: Scope) -> str:
        route: Any = scope.get("route")
        if route is None:
            # FastAPI names the route in the scope for its own routes only; the mounts
            # (the static files, web/assets.py) are all under /static/: one label for
            # them, never the file asked for.
            return STATIC if scope["path"].startswith("/static/") else UNMATCHED
        if self._templates is None:
            app = scope.get("app")
            routes = getattr(app, "routes", [])
            self._templates = {
                id(context.original_route): str(
                    context.path_format or getattr(context.original_route, "path_format", "")
                )
                for context in iter_route_contexts(routes)
            }
        return self._templates.get(id(route)) or UNMATCHED
