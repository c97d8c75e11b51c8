"""Entity tags on the reads partners poll: a 304 instead of the same body again.

A partner's integration asks "anything new?" every few minutes (the grants made to it, a
receipt, the audit log's checkpoint). The answer is made as usual, then tagged with the
SHA-256 of its bytes; a request whose ``If-None-Match`` names that tag gets ``304 Not
Modified`` with no body (RFC 9110 §13.1.2, §15.4.5). The work on the server is the same;
the bytes on the wire, and the partner's parsing, are saved.

The tags are weak (``W/"…"``): the same JSON may leave gzipped or not (api/compression.py),
and a strong tag would have to differ between the two codings. ``If-None-Match`` compares
weakly anyway. Answers that depend on who asks say so (``Vary``) and are ``private``: a
shared cache never keeps one person's list for another.
"""

from __future__ import annotations

import hashlib

from fastapi import Request, Response
from pydantic import BaseModel

JSON = "application/json"
# Revalidate every time: the body may change at any moment (a new grant), and the check
# costs a request with no body in the answer.
PRIVATE = "private, no-cache"
VARY_CALLER = "Authorization, Cookie"
# Longest If-None-Match we read: a client lists a few tags, never hundreds.
_MAX_HEADER = 2000


def tag_of(body: bytes) -> str:
    """The entity tag of these bytes: weak, quoted, the SHA-256 in hex."""
    return f'W/"{hashlib.sha256(body).hexdigest()}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether ``If-None-Match`` names this tag (``*``, or a list compared weakly)."""
    if not if_none_match or len(if_none_match) > _MAX_HEADER:
        return False
    opaque = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def etag_bytes(
    request: Request,
    body: bytes,
    media_type: str,
    *,
    cache_control: str = PRIVATE,
    vary: str | None = VARY_CALLER,
) -> Response:
    """``body`` with its tag, or a 304 when the caller already holds it."""
    tag = tag_of(body)
    headers = {"ETag": tag, "Cache-Control": cache_control}
    if vary is not None:
        headers["Vary"] = vary
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type=media_type, headers=headers)


def etag_json(
    request: Request,
    model: BaseModel,
    *,
    cache_control: str = PRIVATE,
    vary: str | None = VARY_CALLER,
) -> Response:
    """A JSON answer (the model as FastAPI would write it) with its tag, or a 304.

    The route keeps its ``response_model`` for the OpenAPI document: returning a
    ``Response`` skips FastAPI's own serialisation, so the body is made here, the same
    way (by alias, JSON mode).
    """
    body = model.model_dump_json(by_alias=True).encode("utf-8")
    return etag_bytes(request, body, JSON, cache_control=cache_control, vary=vary)
