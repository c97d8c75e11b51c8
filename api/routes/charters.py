"""The territory's charter: publish a version (territory admin), read it (public).

``POST /charters`` takes the charter file itself as the body (``text/plain`` or
``application/toml``, UTF-8), so ``curl --data-binary @charte.toml`` works as is;
docs/CHARTER.md describes the file. Reading needs no session: persons and partners
must be able to read the rules that bind the sharing of documents.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, CoffreDep
from api.schemas.charters import AdhesionBody, CharterBody, PurposeBody, RelaySettingsBody
from coffre.consent.charter import MAX_VERSION
from coffre.consent.charter_file import MAX_CHARTER_BYTES
from coffre.consent.errors import CharterTooLarge
from coffre.consent.service import CharterRecord

router = APIRouter(tags=["charter"])

_TOML_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/toml": {"schema": {"type": "string"}},
        },
    }
}


def _charter(record: CharterRecord) -> CharterBody:
    charter = record.charter
    return CharterBody(
        version=charter.version,
        territory=charter.territory,
        title=charter.title,
        preamble=charter.preamble,
        effective_on=charter.effective_on,
        purposes=[PurposeBody.model_validate(p) for p in charter.purposes],
        structures=[AdhesionBody.model_validate(a) for a in charter.structures],
        published_at=record.published_at,
        sha256=record.sha256,
        source=record.source,
        relays=(
            RelaySettingsBody.model_validate(charter.relays) if charter.relays is not None else None
        ),
    )


async def _bounded_body(request: Request) -> bytes:
    """The body, refused as soon as it grows past the charter's limit."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_CHARTER_BYTES:
            raise CharterTooLarge()
    return bytes(body)


@router.post("/charters", status_code=201, openapi_extra=_TOML_BODY)
async def publish_charter(request: Request, actor: ActorDep, coffre: CoffreDep) -> CharterBody:
    source = await _bounded_body(request)
    record = await run_in_threadpool(coffre.charters.publish, actor, source)
    return _charter(record)


@router.get("/charters/current")
def current_charter(coffre: CoffreDep) -> CharterBody:
    return _charter(coffre.charters.current())


@router.get("/charters/{version}")
def charter_version(
    version: Annotated[int, Path(ge=1, le=MAX_VERSION)], coffre: CoffreDep
) -> CharterBody:
    return _charter(coffre.charters.get(version))
