"""``Idempotency-Key`` on the POSTs that create something.

A partner's integration that sends "make this grant request" and loses the answer (a
timeout, a dropped connection) cannot know whether it was made. Sent again with the same
``Idempotency-Key``, the request makes nothing more and gets the first answer (marked
``Idempotent-Replayed: true``). The same key with another body is refused
(``idempotency_key_reused``, 422), a key whose first request is still running too
(``idempotency_in_progress``, 409, ``Retry-After: 1``). Keys are the caller's own (kept
under a digest of the session or token that sent them) and kept
``COFFRE_IDEMPOTENCY_HOURS``. docs/PARTNERS.md, "Retrying safely".

Only the routes listed in ``IDEMPOTENT`` take a key: those that create something and
whose answer holds no secret (a sign-up's or a log-in's session, an invitation code, a
new access token or webhook secret are shown once and never kept; those routes ignore
the header). Requests without a session or a token ignore it too.

Which request runs is decided by the database in one statement
(coffre/idempotency/service.py). The body is hashed as it passes (never buffered here:
uploads stream through), and the answer is kept only when the route read the whole body
and answered with a status a retry would get again: 2xx, and 4xx but 401, 408, 409 and
429 (a retry may succeed). A 5xx or a failure frees the key.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import anyio
from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.cookies import session_cookie
from api.errors import error_body, status_for
from api.token_scopes import scope_of
from coffre.accounts.token_errors import TokenScopeRefused
from coffre.accounts.tokens import is_access_token
from coffre.container import Coffre
from coffre.errors import CoffreError
from coffre.idempotency.errors import (
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
)
from coffre.idempotency.service import MAX_STORED_BYTES, Claimed, Pending, Stored
from coffre.metrics import REFUSALS

HEADER = "idempotency-key"
REPLAYED = "Idempotent-Replayed"

# Route templates (under /api/v1) whose POST creates something and whose answer may be
# kept. A test checks each names a POST route of the application.
IDEMPOTENT: frozenset[str] = frozenset(
    {
        "/api/v1/documents",
        "/api/v1/grants",
        "/api/v1/grants/{grant_id}/outcome",
        "/api/v1/deposits",
        "/api/v1/requests",
        "/api/v1/relays",
        "/api/v1/relays/{relay_id}/return",
        "/api/v1/reminders",
        "/api/v1/organiser/items",
        "/api/v1/referent",
        "/api/v1/referent/proposals",
        "/api/v1/referent/handovers",
        "/api/v1/structures",
        "/api/v1/charters",
        "/api/v1/notifications/push-subscriptions",
    }
)
# Visible ASCII, no space or comma: what clients send (UUIDs, ULIDs, hex digests).
_KEY = re.compile(r"[\x21-\x2b\x2d-\x7e]{1,255}")
# Statuses a retry would get again, so kept: every 2xx and 4xx but these.
_RETRYABLE_4XX = frozenset({401, 408, 409, 429})
# Headers of the first answer worth replaying (the body's type, where the thing is, ours).
_KEPT_HEADERS = ("content-type", "location", "etag")


def _kept(name: str) -> bool:
    return name in _KEPT_HEADERS or name.startswith("coffre-")


def _keeps(status: int) -> bool:
    return 200 <= status < 300 or (400 <= status < 500 and status not in _RETRYABLE_4XX)


class IdempotencyKeys:
    """The ASGI middleware (inside api/body_limits.py: size and pace apply first)."""

    def __init__(self, app: ASGIApp, routes: frozenset[str] = IDEMPOTENT) -> None:
        self.app = app
        self._routes = [(path, compile_path(path)[0]) for path in sorted(routes)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        key = request.headers.get(HEADER)
        credential = _credential(request)
        template = next(
            (path for path, route in self._routes if route.fullmatch(scope["path"])), None
        )
        if key is None or credential is None or template is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            await _refuse(IdempotencyKeyInvalid(), scope, receive, send)
            return
        coffre: Coffre = scope["app"].state.coffre
        principal = hashlib.sha256(credential.encode("utf-8")).digest()
        claim = await anyio.to_thread.run_sync(coffre.idempotency.claim, principal, key)
        if isinstance(claim, Pending):
            await _refuse(IdempotencyInProgress(), scope, receive, send, retry_after=1)
        elif isinstance(claim, Stored):
            await self._replay(coffre, credential, template, claim, scope, receive, send)
        else:
            assert isinstance(claim, Claimed)
            await self._first(coffre, principal, key, scope, receive, send)

    async def _first(
        self,
        coffre: Coffre,
        principal: bytes,
        key: str,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        digest = _fingerprint_start(scope)
        read_all = False
        status = 0
        headers: list[tuple[str, str]] = []
        body = bytearray()
        too_big = False
        settled = False

        async def hashing_receive() -> Message:
            nonlocal read_all
            message = await receive()
            if message["type"] == "http.request":
                digest.update(message.get("body", b""))
                if not message.get("more_body", False):
                    read_all = True
            return message

        async def settle() -> None:
            """Keep the answer, or free the key: BEFORE the answer's last bytes leave,
            so a retry sent the moment it arrives finds the answer kept."""
            nonlocal settled
            settled = True
            if read_all and not too_big and _keeps(status):
                await anyio.to_thread.run_sync(
                    coffre.idempotency.complete,
                    principal,
                    key,
                    digest.digest(),
                    status,
                    headers,
                    bytes(body),
                )
            else:
                await anyio.to_thread.run_sync(coffre.idempotency.release, principal, key)

        async def capturing_send(message: Message) -> None:
            nonlocal status, too_big
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for raw_name, raw_value in message.get("headers", []):
                    name = raw_name.decode("latin-1").lower()
                    if _kept(name):
                        headers.append((name, raw_value.decode("latin-1")))
            elif message["type"] == "http.response.body":
                if not too_big:
                    body.extend(message.get("body", b""))
                    too_big = len(body) > MAX_STORED_BYTES
                if not message.get("more_body", False) and not settled:
                    await settle()
            await send(message)

        try:
            await self.app(scope, hashing_receive, capturing_send)
        except BaseException:
            if not settled:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(coffre.idempotency.release, principal, key)
            raise
        if not settled:
            await anyio.to_thread.run_sync(coffre.idempotency.release, principal, key)

    async def _replay(
        self,
        coffre: Coffre,
        credential: str,
        template: str,
        stored: Stored,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        # The credential must still be good, checked as api/deps.py checks it: an ended
        # session, a revoked or expired token, a token without the route's scope or over
        # its rate is answered by the route (401, 403, 429), as it would be without a
        # key. A token is never a session: checked as one, it would always fail and the
        # route would run again, making a second thing under the same key.
        try:
            await anyio.to_thread.run_sync(_authenticate, coffre, credential, template)
        except CoffreError:
            await self.app(scope, receive, send)
            return
        digest = _fingerprint_start(scope)
        while True:  # the body is read (and counted by the limits) but not kept
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            digest.update(message.get("body", b""))
            if not message.get("more_body", False):
                break
        if stored.fingerprint != digest.digest():
            await _refuse(IdempotencyKeyReused(), scope, _empty_receive, send)
            return
        raw: list[tuple[bytes, bytes]] = [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in stored.headers
        ]
        raw.append((b"content-length", str(len(stored.body)).encode()))
        raw.append((REPLAYED.lower().encode(), b"true"))
        await send({"type": "http.response.start", "status": stored.status, "headers": raw})
        await send({"type": "http.response.body", "body": stored.body})


def _authenticate(coffre: Coffre, credential: str, template: str) -> None:
    """Raise the refusal api/deps.py would give this credential on this POST route; a
    token's request counts in its rate (a replay is a request)."""
    if is_access_token(credential):
        needed = scope_of("POST", template)
        if needed is None:
            raise TokenScopeRefused()
        coffre.tokens.authenticate(credential, needed)
    else:
        coffre.accounts.authenticate(credential)


def _credential(request: Request) -> str | None:
    """The session or token the request carries (as api/deps.py reads it), or None."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        return token.strip() or None if scheme.lower() == "bearer" else None
    return session_cookie(request) or None


def _fingerprint_start(scope: Scope) -> Any:
    digest = hashlib.sha256()
    digest.update(b"POST\0")
    digest.update(scope["path"].encode("utf-8"))
    digest.update(b"\0")
    digest.update(scope.get("query_string", b""))
    digest.update(b"\0")
    return digest


async def _empty_receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _refuse(
    error: CoffreError,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    retry_after: int | None = None,
) -> None:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    REFUSALS.labels(error.code).inc()
    response = JSONResponse(
        error_body(error.code, error.message_fr), status_for(error), headers=headers
    )
    await response(scope, receive, send)
