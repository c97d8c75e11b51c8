"""The territory's charter: publish a version (territory admin), read it (public).

``POST /charters`` takes the charter file itself as the body (``text/plain`` or
``application/toml``, UTF-8), so ``curl --data-binary @charte.toml`` works as is;
docs/CHARTER.md describes the file. Reading needs no session: persons and partners
must be able to read the rules that bind the sharing of documents.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.schemas.charters import AdhesionBody, CharterBody, PurposeBody, RelaySettingsBody
from api.types import CleanBefore
from coffre.consent.charter import MAX_VERSION
from coffre.consent.charter_file import MAX_CHARTER_BYTES
from coffre.consent.errors import CharterTooLarge, CharterVersionConflict, InvalidCharter
from coffre.consent.service import CharterRecord

router = APIRouter(tags=["charter"])

TOML_BODY = {
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


async def bounded_body(request: Request) -> bytes:
    """The body, refused as soon as it grows past the charter's limit."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_CHARTER_BYTES:
            raise CharterTooLarge()
    return bytes(body)


# What the territory admin previewed (POST /charters/preview): the text's SHA-256 and the
# version the differences were against (0: none). Both optional; a mismatch publishes
# nothing (charter_changed).
SHA256_HEADER = "X-Coffre-Charter-Sha256"
BASE_HEADER = "X-Coffre-Charter-Base"


@router.post(
    "/charters",
    status_code=201,
    openapi_extra=TOML_BODY,
    responses=errors(InvalidCharter, CharterVersionConflict),
)
async def publish_charter(
    request: Request,
    actor: ActorDep,
    coffre: CoffreDep,
    expected_sha256: Annotated[
        str | None, CleanBefore, Header(alias=SHA256_HEADER, pattern="^[0-9a-fA-F]{64}$")
    ] = None,
    based_on: Annotated[int | None, Header(alias=BASE_HEADER, ge=0, le=MAX_VERSION)] = None,
) -> CharterBody:
    source = await bounded_body(request)
    record = await run_in_threadpool(
        partial(
            coffre.charters.publish,
            actor,
            source,
            expected_sha256=expected_sha256,
            based_on=based_on,
        )
    )
    return _charter(record)


@router.get("/charters/current")
def current_charter(coffre: CoffreDep) -> CharterBody:
    return _charter(coffre.charters.current())


@router.get("/charters/{version}")
def charter_version(
    version: Annotated[int, Path(ge=1, le=MAX_VERSION)], coffre: CoffreDep
) -> CharterBody:
    return _charter(coffre.charters.get(version))
