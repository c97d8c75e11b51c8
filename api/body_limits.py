"""Request bodies: a size limit by route, and a pace every body must keep.

One ASGI middleware sees every request before any route does:

- **Size.** A route that does not stream its body (JSON, forms: nearly all of them)
  gets at most ``COFFRE_MAX_BODY_BYTES``, or the limit ``route_limits`` gives it. The
  body is read here, whole, then replayed to the route: a declared ``Content-Length``
  over the limit is refused at once (413), before a byte is read, and a chunked body
  is counted as it arrives and refused as soon as it passes the limit. The routes that
  stream a document to the object store (uploads, content replacement, deposits) read
  their own body, chunk by chunk, and check a declared size themselves, once the
  caller is known (the vault's ``document_too_large``); here that body is counted
  against ``COFFRE_MAX_DOCUMENT_BYTES`` as it streams.
- **Pace.** Every body must keep arriving: silent for ``COFFRE_BODY_READ_TIMEOUT_SECONDS``,
  or slower on average than ``COFFRE_BODY_MIN_BYTES_PER_SECOND`` once
  ``COFFRE_BODY_MIN_RATE_GRACE_SECONDS`` have passed, and the request is cut (408,
  ``request_too_slow``). Only the time spent waiting for the client counts: a slow
  object store does not make a client slow.

A streamed route meets these limits as an error raised by ``receive()`` while it reads,
which the upload path carries out (removing the partial object) to the error handler.
An answer sent before its request's body was read to the end closes the connection:
the rest of the body is not worth reading.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import anyio
from fastapi.responses import JSONResponse
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body, status_for
from coffre.consent.charter_file import MAX_CHARTER_BYTES
from coffre.consent.errors import CharterTooLarge
from coffre.directory.datainclusion import MAX_IMPORT_BYTES
from coffre.directory.errors import DirectoryFileTooLarge
from coffre.errors import CoffreError, TooLarge, TooSlow
from coffre.metrics import REFUSALS
from coffre.settings import Settings
from coffre.structures.bulk import MAX_BYTES as BULK_MAX_BYTES
from coffre.structures.bulk import BulkFileTooLarge
from coffre.vault.errors import DocumentTooLarge

_CLOSE = (b"connection", b"close")


class RequestTooLarge(TooLarge):
    code = "request_too_large"
    message_fr = (
        "La demande est trop volumineuse pour cette adresse. Rien n'a été enregistré : "
        "vérifiez ce que vous envoyez."
    )


class RequestTooSlow(TooSlow):
    code = "request_too_slow"
    message_fr = (
        "L'envoi s'est arrêté ou est trop lent. Rien n'a été enregistré : vérifiez "
        "votre connexion puis réessayez."
    )


@dataclass(frozen=True)
class BodyLimit:
    """The most bytes a route's body may have, and the error that says so."""

    max_bytes: int
    too_large: type[CoffreError] = RequestTooLarge
    # The route reads its body itself, as a stream: it is not read ahead here.
    streamed: bool = False


def route_limits(settings: Settings) -> Sequence[tuple[str, str, BodyLimit]]:
    """The routes whose body is not a small JSON one: (method, path template, limit).

    Every other route gets ``COFFRE_MAX_BODY_BYTES``. A test checks that each entry
    names a route of the application, so a renamed route cannot fall back silently.
    """
    document = BodyLimit(settings.max_document_bytes, DocumentTooLarge, streamed=True)
    return [
        ("POST", "/api/v1/documents", document),
        ("PUT", "/api/v1/documents/{document_id}/content", document),
        ("POST", "/api/v1/deposits", document),
        # The charter is a TOML file (coffre/consent/charter_file.py), read whole.
        ("POST", "/api/v1/charters", BodyLimit(MAX_CHARTER_BYTES, CharterTooLarge)),
        ("POST", "/api/v1/charters/preview", BodyLimit(MAX_CHARTER_BYTES, CharterTooLarge)),
        # A data·inclusion file (coffre/directory/datainclusion.py), read whole.
        ("POST", "/api/v1/directory/imports", BodyLimit(MAX_IMPORT_BYTES, DirectoryFileTooLarge)),
        # A CSV file of professionals to invite (coffre/structures/bulk.py), read whole.
        (
            "POST",
            "/api/v1/structures/{structure_id}/invitations/bulk",
            BodyLimit(BULK_MAX_BYTES, BulkFileTooLarge),
        ),
    ]


@dataclass(frozen=True)
class Pace:
    read_timeout: float
    min_rate: float
    grace: float


class TimedBody:
    """A request's ``receive``, counted and timed against its limit and the pace."""

    def __init__(self, receive: Receive, limit: BodyLimit, pace: Pace, *, empty: bool) -> None:
        self._receive = receive
        self._limit = limit
        self._pace = pace
        self.received = 0
        self._waited = 0.0
        self.complete = empty

    async def receive(self) -> Message:
        if self.complete:
            return await self._receive()  # after the body: waits for a disconnect, untimed
        # The client must have sent min_rate bytes per second spent waiting for it, once
        # the grace period is over; and never be silent longer than the read timeout.
        allowance = max(self._pace.grace, self.received / self._pace.min_rate) - self._waited
        started = time.monotonic()
        with anyio.move_on_after(min(self._pace.read_timeout, allowance)) as waiting:
            message = await self._receive()
        self._waited += time.monotonic() - started
        if waiting.cancelled_caught:
            raise RequestTooSlow()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self._limit.max_bytes:
                raise self._limit.too_large()
            self.complete = not message.get("more_body", False)
        else:
            self.complete = True  # http.disconnect
        return message

    async def read_all(self) -> bytes | None:
        """The whole body; None if the client went away."""
        chunks = []
        while True:
            message = await self.receive()
            if message["type"] != "http.request":
                return None
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)


class BodyLimits:
    """ASGI middleware: every request body within its route's limit and the pace."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self._default = BodyLimit(settings.max_body_bytes)
        self._routes: list[tuple[str, re.Pattern[str], BodyLimit]] = [
            (method, compile_path(path)[0], limit) for method, path, limit in route_limits(settings)
        ]
        self._pace = Pace(
            read_timeout=settings.body_read_timeout_seconds,
            min_rate=settings.body_min_bytes_per_second,
            grace=settings.body_min_rate_grace_seconds,
        )

    def limit_for(self, method: str, path: str) -> BodyLimit:
        for route_method, pattern, limit in self._routes:
            if method == route_method and pattern.match(path):
                return limit
        return self._default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared, chunked = _framing(scope)
        body = TimedBody(receive, limit, self._pace, empty=declared == 0 and not chunked)
        if limit.streamed:
            await self.app(scope, body.receive, _closing_unless(body, send))
            return
        try:
            if declared is not None and declared > limit.max_bytes:
                raise limit.too_large()  # before a byte of the body is read
            replay = await body.read_all()
        except (TooLarge, TooSlow) as exc:
            await _refuse(exc, scope, receive, send)
            return
        if replay is not None:  # else the client went away: nobody to answer
            await self.app(scope, _replaying(replay, receive), send)


def _framing(scope: Scope) -> tuple[int | None, bool]:
    """The declared Content-Length (the server already refused a malformed one) and
    whether the body is chunked. No length and not chunked: no body."""
    declared: int | None = None
    chunked = False
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            declared = int(value)
        elif name == b"transfer-encoding":
            chunked = True
    return (0 if declared is None and not chunked else declared), chunked


async def _refuse(error: CoffreError, scope: Scope, receive: Receive, send: Send) -> None:
    REFUSALS.labels(error.code).inc()
    response = JSONResponse(
        error_body(error.code, error.message_fr),
        status_for(error),
        headers={"Connection": "close"},
    )
    await response(scope, receive, send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """The body read ahead, as one message; then the server's own ``receive``."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _closing_unless(body: TimedBody, send: Send) -> Send:
    """Add ``Connection: close`` to an answer that starts before the body was all read."""

    async def closing(message: Message) -> None:
        if message["type"] == "http.response.start" and not body.complete:
            message["headers"] = [*message.get("headers", []), _CLOSE]
        await send(message)

    return closing
