"""Consent: the directory, grants (share, list, revoke), shared-with-me and pulls,
deposits and the box key a depositor seals to (docs/CONSENT.md); the partner grants API
(grants received, one grant, outcomes: docs/PARTNERS.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, CoffreDep
from api.etags import etag_json
from api.openapi_errors import body_of, errors
from api.schemas.consent import (
    BoxKeyBody,
    DepositedBody,
    DirectoryBody,
    GrantBody,
    GrantList,
    LinkedPersonBody,
    LinkedPersonList,
    ListedProfessionalBody,
    NewGrantBody,
    NewOutcomeBody,
    OutcomeBody,
    OutcomeReportBody,
    PullBody,
    ReceivedGrantList,
    SharedDocumentBody,
    StructureRef,
)
from api.types import Count, DateTime, PathId, Text
from api.upload import (
    BlockingBody,
    UploadActorDep,
    header_text,
    new_document,
    run_upload,
)
from coffre.consent.errors import (
    GrantExists,
    GrantNotActive,
    GrantRefused,
    InvalidCursor,
    InvalidDeposit,
    InvalidGrantFilter,
    InvalidOutcome,
    InvalidReceipt,
    PersonNotFound,
    ReasonRequired,
)
from coffre.consent.grants import GrantView
from coffre.consent.receipts import receipt_header
from coffre.consent.received import PAGE, PAGE_MAX, ReceivedFilters
from coffre.structures.errors import NotAllowed
from coffre.structures.kinds import PROFESSIONS
from coffre.vault.formats import signer_of
from crypto import b64encode

router = APIRouter(tags=["consent"])
# The partner's polled reads (api/etags.py).
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "The caller holds this very answer (If-None-Match)"}
}


def grant_body(view: GrantView, *, with_keys: bool = False) -> GrantBody:
    """``with_keys``: the professional's view, with what their client checks (the
    receipt as signed, the person's sign key, each document's binding)."""
    grant = view.grant
    return GrantBody(
        id=grant.id,
        state=view.state.value,
        person_id=grant.person_id,
        person_login=view.person_login,
        professional_id=grant.professional_id,
        professional_name=view.professional_name,
        profession=view.profession,
        structure_id=grant.structure_id,
        structure_name=view.structure_name,
        purpose=grant.purpose,
        purpose_label=view.purpose_label,
        reason_required=view.reason_required,
        charter_version=grant.charter_version,
        not_before=grant.not_before,
        not_after=grant.not_after,
        max_pulls=grant.max_pulls,
        pulls=grant.pulls,
        pulls_left=view.pulls_left,
        revoked_at=grant.revoked_at,
        created_at=grant.created_at,
        request_id=grant.request_id,
        relay_id=grant.relay_id,
        documents=[
            SharedDocumentBody(
                id=document.id,
                category=document.category,
                ciphertext_size=document.ciphertext_size,
                ciphertext_sha256=shared.ciphertext_sha256,
                encrypted_metadata=document.encrypted_metadata if with_keys else None,
                sealed_key=shared.sealed_key if with_keys else None,
                open=shared.sealed_key is not None and document.deleted_at is None,
                version=document.version if with_keys else None,
                binding=document.binding if with_keys else None,
                binding_signer=(
                    signer_of(document.binding) if with_keys and document.binding else None
                ),
            )
            for shared, document in view.documents
        ],
        blocked=view.refusal_fr,
        receipt=grant.receipt if with_keys else None,
        person_sign_public_key=view.person_sign_public_key if with_keys else None,
        outcomes=[OutcomeBody(outcome=o, reported_at=at) for o, at in view.outcomes],
    )


@router.get("/directory/professionals")
def directory(
    actor: ActorDep,
    coffre: CoffreDep,
    purpose: Annotated[Text | None, Query(max_length=64)] = None,
) -> DirectoryBody:
    listed = coffre.deposits.directory(actor, purpose)
    return DirectoryBody(
        professionals=[
            ListedProfessionalBody(
                account_id=item.account_id,
                display_name=item.display_name,
                profession=item.profession,
                profession_label=PROFESSIONS.get(item.profession, item.profession),
                structure=StructureRef(
                    id=item.structure.id, name=item.structure.name, address=item.structure.address
                ),
            )
            for item in listed
        ]
    )


@router.post(
    "/grants", status_code=201, responses=errors(GrantRefused, GrantExists, InvalidReceipt)
)
def create_grant(body: NewGrantBody, actor: ActorDep, coffre: CoffreDep) -> GrantBody:
    """``receipt``: a v1 receipt's envelope; ``receipt_json``: a v2 receipt's JSON text."""
    return grant_body(coffre.grants.create(actor, body.envelope(), body.sealed_keys, body.relay_id))


@router.get("/grants")
def list_grants(actor: ActorDep, coffre: CoffreDep) -> GrantList:
    return GrantList(grants=[grant_body(view) for view in coffre.grants.list_mine(actor)])


# Before /grants/{grant_id}: "received" is no grant id.
@router.get(
    "/grants/received",
    response_model=ReceivedGrantList,
    responses=errors(NotAllowed, InvalidCursor, InvalidGrantFilter) | NOT_MODIFIED,
)
def received_grants(
    request: Request,
    actor: ActorDep,
    coffre: CoffreDep,
    person: Annotated[Text | None, Query(max_length=64)] = None,
    purpose: Annotated[Text | None, Query(max_length=64)] = None,
    state: Annotated[Text | None, Query(max_length=16)] = None,
    ending_before: Annotated[DateTime | None, Query()] = None,
    cursor: Annotated[Text | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=PAGE_MAX)] = PAGE,
) -> Response:
    """The grants made to the caller (a professional), oldest first, a page at a time.

    ``state``: ``active``, ``ended`` (expired or every pull made) or ``revoked``;
    ``ending_before``: grants whose end is before that time (with its time zone);
    ``cursor``: the previous page's ``next_cursor``. Tagged (``ETag``): send it back in
    ``If-None-Match`` to get a 304 when nothing changed."""
    filters = ReceivedFilters(
        person=person, purpose=purpose, state=state, ending_before=ending_before
    )
    page = coffre.received.received(actor, filters, cursor, limit)
    body = ReceivedGrantList(
        items=[grant_body(view, with_keys=True) for view in page.items],
        next_cursor=page.next_cursor,
    )
    return etag_json(request, body)


@router.get("/grants/{grant_id}", response_model=GrantBody, responses=NOT_MODIFIED)
def read_grant(grant_id: PathId, request: Request, actor: ActorDep, coffre: CoffreDep) -> Response:
    """One grant: for its grantee (with the receipt, the person's key and the sealed
    keys), its person, and the charter officer; anyone else as for an unknown id."""
    found = coffre.received.get(actor, grant_id)
    return etag_json(request, grant_body(found.view, with_keys=found.as_grantee))


@router.post("/grants/{grant_id}/outcome", responses=errors(InvalidOutcome))
def report_outcome(
    grant_id: PathId, body: NewOutcomeBody, actor: ActorDep, coffre: CoffreDep
) -> OutcomeReportBody:
    """The grantee says what came of the grant; the person sees it in their history.
    Each outcome is recorded once per grant (``recorded`` false on a repeat)."""
    report = coffre.received.report_outcome(actor, grant_id, body.outcome)
    return OutcomeReportBody(
        grant_id=report.grant_id,
        outcome=report.outcome,
        reported_at=report.reported_at,
        recorded=report.recorded,
        outcomes=[OutcomeBody(outcome=o, reported_at=at) for o, at in report.outcomes],
    )


@router.post("/grants/{grant_id}/revoke")
def revoke_grant(grant_id: PathId, actor: ActorDep, coffre: CoffreDep) -> GrantBody:
    return grant_body(coffre.grants.revoke(actor, grant_id))


@router.get("/shared-with-me")
def shared_with_me(actor: ActorDep, coffre: CoffreDep) -> GrantList:
    views = coffre.grants.shared_with_me(actor)
    return GrantList(grants=[grant_body(view, with_keys=True) for view in views])


@router.post(
    "/grants/{grant_id}/documents/{document_id}/pull",
    responses={
        **body_of("application/octet-stream", 200),
        **errors(GrantNotActive, ReasonRequired),
    },
)
def pull_document(
    grant_id: PathId, document_id: PathId, body: PullBody, actor: ActorDep, coffre: CoffreDep
) -> StreamingResponse:
    pulled = coffre.grants.pull(actor, grant_id, document_id, body.reason)
    document = pulled.document
    headers = {
        "Content-Length": str(document.ciphertext_size),
        "Coffre-Ciphertext-Sha256": document.ciphertext_sha256,
        "Coffre-Sealed-Key": b64encode(pulled.sealed_key),
        "Coffre-Category": document.category,
        "Coffre-Metadata": b64encode(document.encrypted_metadata or b""),
        # The consent receipt as stored (the text the person signed): the partner's
        # client verifies the person's signature before decrypting (docs/PARTNERS.md).
        "Coffre-Receipt": receipt_header(pulled.receipt),
        "Cache-Control": "no-store",
    }
    if pulled.pulls_left is not None:
        headers["Coffre-Pulls-Left"] = str(pulled.pulls_left)
    if document.binding is not None and document.version is not None:
        headers["Coffre-Binding"] = b64encode(document.binding.encode("utf-8"))
        headers["Coffre-Document-Version"] = str(document.version)
    return StreamingResponse(pulled.content, media_type="application/octet-stream", headers=headers)


@router.get("/persons/linked")
def linked_persons(actor: ActorDep, coffre: CoffreDep) -> LinkedPersonList:
    """Persons who shared with the caller, answered their request, or chose them as
    their référent de parcours (to deposit)."""
    return LinkedPersonList(
        persons=[
            LinkedPersonBody(person_id=p.id, login=p.login)
            for p in coffre.deposits.linked_persons(actor)
        ]
    )


@router.get("/persons/{person_id}/box-key")
def person_box_key(person_id: PathId, actor: ActorDep, coffre: CoffreDep) -> BoxKeyBody:
    return BoxKeyBody(
        person_id=person_id, box_public_key=coffre.deposits.person_box_key(actor, person_id)
    )


@router.post("/deposits", status_code=201, responses=errors(PersonNotFound, InvalidDeposit))
async def deposit_document(
    request: Request,
    actor: UploadActorDep,
    coffre: CoffreDep,
    person: Annotated[Text, Header(alias="Coffre-Person", max_length=32)],
    category: Annotated[Text, Header(alias="Coffre-Category", max_length=32)],
    metadata: Annotated[Text, Header(alias="Coffre-Metadata", max_length=6000)],
    sealed_key: Annotated[Text, Header(alias="Coffre-Sealed-Key", max_length=200)],
    deposit: Annotated[Text, Header(alias="Coffre-Deposit", max_length=6000)],
    content_length: Annotated[Count | None, Header()] = None,
    expires_on: Annotated[Text | None, Header(alias="Coffre-Expires-On", max_length=10)] = None,
    document_id: Annotated[Text | None, Header(alias="Coffre-Document-Id", max_length=32)] = None,
) -> DepositedBody:
    """A deposit: ``Coffre-Deposit`` is base64url of the envelope's JSON text, v1 (SPEC
    §16) or v2 (SPEC §24.3, with ``Coffre-Document-Id`` the id it names)."""
    envelope = header_text(deposit, InvalidDeposit)
    if envelope is None:
        raise InvalidDeposit()
    new = new_document(
        category, metadata, sealed_key, content_length, expires_on, document_id=document_id
    )
    view = await run_upload(
        request, actor, coffre.deposits.deposit, actor, person, new, envelope, BlockingBody(request)
    )
    return DepositedBody(
        id=view.document.id,
        person_id=view.document.owner_id,
        category=view.document.category,
        ciphertext_sha256=view.document.ciphertext_sha256,
        created_at=view.document.created_at,
    )
