"""Compression of the answers we write ourselves: pages, JSON, the page's scripts and styles.

gzip (Starlette's compressor; brotli would need a package not installed here), on a
list of media types rather than against one: a type not on the list passes untouched.
So the documents' ciphertext (``application/octet-stream``: incompressible, and a
download must keep streaming with its ``Content-Length``), a ``206`` range, or a body
that already has a ``Content-Encoding`` are never touched, and an ETag/304 on them stays
as the route made it. Prepaid data plans: the vault page is ~120 KB of HTML, ~25 KB
gzipped (docs/PERFORMANCE.md, "The person's page: bytes and time").

BREACH (compression + a secret in a body + attacker-chosen text reflected beside it):
docs/THREATS.md, "Compression and BREACH", says why these answers may be compressed.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.gzip import GZipResponder, IdentityResponder
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSED_TYPES = frozenset(
    {
        "text/html",
        "application/json",
        "application/problem+json",
        "text/javascript",
        "application/javascript",
        "text/css",
        "image/svg+xml",
        "text/plain",
    }
)
# Below this, the gzip header and the round of work cost more than they save.
MINIMUM_SIZE = 500
# Level 6 (zlib's default): within a few per cent of 9 on our pages, for half the CPU.
LEVEL = 6


def _compressible(message: Message) -> bool:
    content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
    return content_type.partition(";")[0].strip().lower() in COMPRESSED_TYPES


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (RFC 9110 §12.5.3: ``gzip`` or
    ``*`` with a non-zero weight)."""
    allowed = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        allowed[name.strip()] = weight
    if "gzip" in allowed:
        return allowed["gzip"] > 0
    return allowed.get("*", 0) > 0


class _ListedTypesOnly:
    """A Starlette responder that leaves every answer whose type is not listed as it is
    (no buffering, no Vary, no header changed)."""

    send: Send
    _passthrough = False

    async def send_with_compression(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._passthrough = not _compressible(message)
        if self._passthrough:
            await self.send(message)
            return
        await super().send_with_compression(message)  # type: ignore[misc]


class _GZip(_ListedTypesOnly, GZipResponder):
    pass


class _Identity(_ListedTypesOnly, IdentityResponder):
    """No gzip asked: the body as it is, with ``Vary: Accept-Encoding`` on the listed
    types (a shared cache must not hand this copy to a client that asked for gzip)."""


class Compression:
    """gzip on the listed types when the client accepts it (see the module's docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = Headers(scope=scope).get("accept-encoding", "")
        responder: _GZip | _Identity
        if accepts_gzip(accept):
            responder = _GZip(self.app, MINIMUM_SIZE, compresslevel=LEVEL)
        else:
            responder = _Identity(self.app, MINIMUM_SIZE)
        await responder(scope, receive, send)
