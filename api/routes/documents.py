"""Encrypted documents: upload (streamed), list, read, download ciphertext, delete.

Upload: the body is the raw content stream (SPEC §8), sent as
``application/octet-stream``; the small encrypted parts travel in headers
(base64url): ``Coffre-Category``, ``Coffre-Metadata``, ``Coffre-Sealed-Key``, and
optionally ``Coffre-Expires-On`` (ISO date).
The body streams from the socket to the object store without being held in memory.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, CoffreDep
from api.schemas.documents import (
    CategoryBody,
    CategoryList,
    DepositBody,
    DepositorBody,
    DocumentBody,
    DocumentList,
    DocumentPatch,
)
from api.types import Count, PathId, Text
from api.upload import (
    BlockingBody,
    UploadActorDep,
    decode_header,
    new_document,
    run_upload,
)
from coffre.consent.deposits import Depositor
from coffre.vault.categories import CATEGORIES
from coffre.vault.errors import (
    InvalidMetadata,
    InvalidSealedKey,
)
from coffre.vault.service import DocumentChange, DocumentView, NewContent

router = APIRouter(tags=["documents"])


def document_body(view: DocumentView, depositor: Depositor | None = None) -> DocumentBody:
    doc = view.document
    assert doc.encrypted_metadata is not None  # live documents keep their metadata
    return DocumentBody(
        id=doc.id,
        category=doc.category,
        created_at=doc.created_at,
        ciphertext_size=doc.ciphertext_size,
        ciphertext_sha256=doc.ciphertext_sha256,
        encrypted_metadata=doc.encrypted_metadata,
        sealed_key=view.sealed_key,
        expires_on=doc.expires_on,
        updated_at=doc.updated_at,
        deposit=_deposit(doc.deposit, depositor),
    )


def _deposit(statement: str | None, depositor: Depositor | None) -> DepositBody | None:
    if statement is None or depositor is None:
        return None
    return DepositBody(
        envelope=json.loads(statement),
        depositor=DepositorBody(
            account_id=depositor.account_id,
            display_name=depositor.display_name,
            structure_name=depositor.structure_name,
        ),
    )


@router.get("/categories")
def categories() -> CategoryList:
    return CategoryList(
        categories=[CategoryBody(code=code, label=label) for code, label in CATEGORIES.items()]
    )


@router.post("/documents", status_code=201)
async def upload_document(
    request: Request,
    actor: UploadActorDep,
    coffre: CoffreDep,
    category: Annotated[Text, Header(alias="Coffre-Category", max_length=32)],
    metadata: Annotated[Text, Header(alias="Coffre-Metadata", max_length=6000)],
    sealed_key: Annotated[Text, Header(alias="Coffre-Sealed-Key", max_length=200)],
    content_length: Annotated[Count | None, Header()] = None,
    expires_on: Annotated[Text | None, Header(alias="Coffre-Expires-On", max_length=10)] = None,
) -> DocumentBody:
    new = new_document(category, metadata, sealed_key, content_length, expires_on)
    view = await run_upload(request, actor, coffre.vault.upload, actor, new, BlockingBody(request))
    return document_body(view)


@router.get("/documents")
def list_documents(actor: ActorDep, coffre: CoffreDep) -> DocumentList:
    views = coffre.vault.list(actor)
    origins = coffre.deposits.depositors(v.document.id for v in views if v.document.deposit)
    return DocumentList(
        documents=[document_body(view, origins.get(view.document.id)) for view in views]
    )


@router.get("/documents/{document_id}")
def get_document(document_id: PathId, actor: ActorDep, coffre: CoffreDep) -> DocumentBody:
    return document_body(coffre.vault.get(actor, document_id))


@router.get("/documents/{document_id}/content")
def download_document(document_id: PathId, actor: ActorDep, coffre: CoffreDep) -> StreamingResponse:
    document, stream = coffre.vault.open_content(actor, document_id)
    return StreamingResponse(
        stream,
        media_type="application/octet-stream",
        headers={
            "Content-Length": str(document.ciphertext_size),
            "Coffre-Ciphertext-Sha256": document.ciphertext_sha256,
        },
    )


@router.put("/documents/{document_id}/content")
async def replace_content(
    document_id: PathId,
    request: Request,
    actor: UploadActorDep,
    coffre: CoffreDep,
    metadata: Annotated[Text, Header(alias="Coffre-Metadata", max_length=6000)],
    sealed_key: Annotated[Text, Header(alias="Coffre-Sealed-Key", max_length=200)],
) -> DocumentBody:
    """Re-encryption under a new key: every grantee's key for this document goes."""
    new = NewContent(
        encrypted_metadata=decode_header(metadata, InvalidMetadata),
        sealed_key=decode_header(sealed_key, InvalidSealedKey),
    )
    view = await run_upload(
        request, actor, coffre.vault.replace_content, actor, document_id, new, BlockingBody(request)
    )
    return document_body(view)


@router.patch("/documents/{document_id}")
def update_document(
    document_id: PathId, body: DocumentPatch, actor: ActorDep, coffre: CoffreDep
) -> DocumentBody:
    change = DocumentChange(encrypted_metadata=body.encrypted_metadata, expires_on=body.expires_on)
    return document_body(coffre.vault.update(actor, document_id, change))


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.vault.delete(actor, document_id)
    return Response(status_code=204)
