"""The territory admin's routes beside publishing: preview a charter file, who adheres
since when, and the next charter version that ends an adhesion (docs/CHARTER.md,
"Administration du territoire"). Territory admin only (``coffre.policy``)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import errors
from api.routes.charters import TOML_BODY, bounded_body
from api.schemas.territory import (
    AdhesionLineBody,
    AdhesionsBody,
    AdhesionStructureBody,
    CharterDraftBody,
    CharterPreviewBody,
    ComparedWithBody,
    EndAdhesionRequest,
    ProblemBody,
)
from coffre.structures.errors import StructureNotFound
from web.i18n import LANG_COOKIE, negotiate
from web.pages.charter import charter_text_html

router = APIRouter(tags=["territory"])


@router.post("/charters/preview", openapi_extra=TOML_BODY)
async def preview_charter(
    request: Request, actor: ActorDep, coffre: CoffreDep
) -> CharterPreviewBody:
    """What ``POST /charters`` would do with this file: publishes nothing."""
    source = await bounded_body(request)
    preview = await run_in_threadpool(coffre.charters.preview, actor, source)
    language = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    charter = preview.charter
    base = preview.compared_with
    return CharterPreviewBody(
        sha256=preview.sha256,
        valid=charter is not None and not preview.problems,
        version=charter.version if charter else None,
        effective_on=charter.effective_on if charter else None,
        problems=[ProblemBody(location=p.location, message=p.message) for p in preview.problems],
        compared_with=(
            ComparedWithBody(
                version=base.charter.version,
                effective_on=base.charter.effective_on,
                sha256=base.sha256,
            )
            if base is not None
            else None
        ),
        differences=asdict(preview.differences) if preview.differences else None,
        rendering_html=charter_text_html(charter, language) if charter else None,
    )


@router.get("/territory/adhesions")
def adhesions(actor: ActorDep, coffre: CoffreDep) -> AdhesionsBody:
    view = coffre.charters.adhesions(actor)
    return AdhesionsBody(
        in_force_version=view.in_force.charter.version if view.in_force else None,
        in_force_since=view.in_force.charter.effective_on if view.in_force else None,
        latest_version=view.latest_version,
        adhesions=[
            AdhesionLineBody(
                name=line.name,
                siret=line.siret,
                structure=(
                    AdhesionStructureBody(
                        id=line.structure.id,
                        kind=line.structure.kind,
                        address=line.structure.address,
                    )
                    if line.structure is not None
                    else None
                ),
                since=line.since,
                until=line.until,
                adheres=line.adheres,
            )
            for line in view.lines
        ],
    )


@router.post("/charters/drafts/end-adhesion", responses=errors(StructureNotFound))
def end_adhesion_draft(
    body: EndAdhesionRequest, actor: ActorDep, coffre: CoffreDep
) -> CharterDraftBody:
    """The next charter version's text where the structure's adhesion ends: nothing is
    published; preview it, then publish it with its SHA-256."""
    draft = coffre.charters.end_adhesion_draft(actor, body.structure_id, body.until)
    return CharterDraftBody(
        source=draft.source,
        sha256=draft.sha256,
        version=draft.version,
        effective_on=draft.effective_on,
        compared_with=draft.compared_with,
    )
