"""Encrypted documents: upload (streamed), list, read, download ciphertext, delete.

Upload: the body is the raw content stream (SPEC §8), sent as
``application/octet-stream``; the small encrypted parts travel in headers
(base64url): ``Coffre-Category``, ``Coffre-Metadata``, ``Coffre-Sealed-Key``, and
optionally ``Coffre-Expires-On`` (ISO date).
The body streams from the socket to the object store without being held in memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Annotated

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect

from api.deps import ActorDep, CoffreDep
from api.schemas.documents import (
    CategoryBody,
    CategoryList,
    DocumentBody,
    DocumentList,
    DocumentPatch,
)
from coffre.errors import CoffreError
from coffre.vault.categories import CATEGORIES
from coffre.vault.errors import (
    InvalidExpiryDate,
    InvalidMetadata,
    InvalidSealedKey,
    UploadInterrupted,
)
from coffre.vault.service import DocumentChange, DocumentView, NewDocument
from crypto import b64decode
from crypto.errors import InvalidInputError

router = APIRouter(tags=["documents"])


def _body(view: DocumentView) -> DocumentBody:
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
    )


def _decode(value: str, error: type[CoffreError]) -> bytes:
    try:
        return b64decode(value.strip())
    except InvalidInputError as exc:
        raise error() from exc


def _date(value: str | None) -> date | None:
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidExpiryDate() from exc


class _BlockingBody:
    """The request body as a blocking iterator, for the storage code running in a worker thread."""

    def __init__(self, request: Request) -> None:
        self._stream: AsyncIterator[bytes] = request.stream().__aiter__()

    def __iter__(self) -> Iterator[bytes]:
        return self

    async def _next_chunk(self) -> bytes:
        return await self._stream.__anext__()

    def __next__(self) -> bytes:
        try:
            return anyio.from_thread.run(self._next_chunk)
        except StopAsyncIteration:
            raise StopIteration from None
        except ClientDisconnect as exc:
            raise UploadInterrupted() from exc


@router.get("/categories")
def categories() -> CategoryList:
    return CategoryList(
        categories=[CategoryBody(code=code, label=label) for code, label in CATEGORIES.items()]
    )


@router.post("/documents", status_code=201)
async def upload_document(
    request: Request,
    actor: ActorDep,
    coffre: CoffreDep,
    category: Annotated[str, Header(alias="Coffre-Category", max_length=32)],
    metadata: Annotated[str, Header(alias="Coffre-Metadata", max_length=6000)],
    sealed_key: Annotated[str, Header(alias="Coffre-Sealed-Key", max_length=200)],
    content_length: Annotated[int | None, Header(ge=0)] = None,
    expires_on: Annotated[str | None, Header(alias="Coffre-Expires-On", max_length=10)] = None,
) -> DocumentBody:
    new = NewDocument(
        category=category,
        encrypted_metadata=_decode(metadata, InvalidMetadata),
        sealed_key=_decode(sealed_key, InvalidSealedKey),
        declared_size=content_length,
        expires_on=_date(expires_on),
    )
    view = await anyio.to_thread.run_sync(coffre.vault.upload, actor, new, _BlockingBody(request))
    return _body(view)


@router.get("/documents")
def list_documents(actor: ActorDep, coffre: CoffreDep) -> DocumentList:
    return DocumentList(documents=[_body(view) for view in coffre.vault.list(actor)])


@router.get("/documents/{document_id}")
def get_document(document_id: str, actor: ActorDep, coffre: CoffreDep) -> DocumentBody:
    return _body(coffre.vault.get(actor, document_id))


@router.get("/documents/{document_id}/content")
def download_document(document_id: str, actor: ActorDep, coffre: CoffreDep) -> StreamingResponse:
    document, stream = coffre.vault.open_content(actor, document_id)
    return StreamingResponse(
        stream,
        media_type="application/octet-stream",
        headers={
            "Content-Length": str(document.ciphertext_size),
            "Coffre-Ciphertext-Sha256": document.ciphertext_sha256,
        },
    )


@router.patch("/documents/{document_id}")
def update_document(
    document_id: str, body: DocumentPatch, actor: ActorDep, coffre: CoffreDep
) -> DocumentBody:
    change = DocumentChange(encrypted_metadata=body.encrypted_metadata, expires_on=body.expires_on)
    return _body(coffre.vault.update(actor, document_id, change))


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: str, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.vault.delete(actor, document_id)
    return Response(status_code=204)
