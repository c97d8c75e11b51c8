"""Encrypted documents: upload (streamed), list, read, download ciphertext, delete.

Upload: the body is the raw content stream (SPEC §8), sent as
``application/octet-stream``; the small encrypted parts travel in headers
(base64url): ``Coffre-Category``, ``Coffre-Metadata``, ``Coffre-Sealed-Key``, and
optionally ``Coffre-Expires-On`` (ISO date).
The body streams from the socket to the object store without being held in memory.

Format v2 (SPEC §24): an upload or a re-key also sends ``Coffre-Binding`` (base64url
of the owner's binding envelope, JSON text) and, for an upload, ``Coffre-Document-Id``
(the id the client chose and signed); a rename sends ``binding`` in its body; a v1
document is bound in place by ``PUT /documents/{id}/binding``. A download may ask for
``Range: bytes=0-N`` (its first bytes, a header).

A download carries a strong ``ETag``: the SHA-256 of the stored ciphertext, which the
list already gives (``ciphertext_sha256``), so it names the bytes and nothing secret.
``If-None-Match`` naming it answers 304 without a body: the page keeps a document's
ciphertext while the person is logged in (web/static/js/doc-cache.js). Who may read the
document is decided first, as for a 200: a refused request is "not found" either way.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, CoffreDep
from api.openapi_errors import body_of, errors
from api.schemas.accounts import AccountBody
from api.schemas.documents import (
    BindingBody,
    CategoryBody,
    CategoryList,
    CryptoFormatRequest,
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
    header_text,
    new_document,
    run_upload,
)
from coffre.consent.deposits import Depositor
from coffre.vault.categories import CATEGORIES
from coffre.vault.errors import (
    InvalidMetadata,
    InvalidSealedKey,
    MigrationIncomplete,
)
from coffre.vault.service import HELD_ANY, DocumentChange, DocumentView, NewContent, UploadRefused

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
        format=doc.format,
        version=doc.version,
        binding=doc.binding,
        binding_signer=view.binding_signer,
    )


def _deposit(statement: str | None, depositor: Depositor | None) -> DepositBody | None:
    if statement is None or depositor is None:
        return None
    return DepositBody(
        envelope=json.loads(statement),
        depositor=DepositorBody.model_validate(depositor),
    )


@router.get("/categories")
def categories() -> CategoryList:
    return CategoryList(
        categories=[CategoryBody(code=code, label=label) for code, label in CATEGORIES.items()]
    )


@router.post("/documents", status_code=201, responses=errors(UploadRefused))
async def upload_document(
    request: Request,
    actor: UploadActorDep,
    coffre: CoffreDep,
    category: Annotated[Text, Header(alias="Coffre-Category", max_length=32)],
    metadata: Annotated[Text, Header(alias="Coffre-Metadata", max_length=6000)],
    sealed_key: Annotated[Text, Header(alias="Coffre-Sealed-Key", max_length=200)],
    content_length: Annotated[Count | None, Header()] = None,
    expires_on: Annotated[Text | None, Header(alias="Coffre-Expires-On", max_length=10)] = None,
    document_id: Annotated[Text | None, Header(alias="Coffre-Document-Id", max_length=32)] = None,
    binding: Annotated[Text | None, Header(alias="Coffre-Binding", max_length=6000)] = None,
) -> DocumentBody:
    new = new_document(
        category,
        metadata,
        sealed_key,
        content_length,
        expires_on,
        document_id=document_id,
        binding=binding,
    )
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


# One range from the first byte, below 4 MiB: what a reader needs to see a header.
_RANGE = re.compile(r"bytes=0-([0-9]{1,7})")
MAX_RANGE_END = 4 * 1024 * 1024 - 1


def _range_end(value: str | None) -> int | None:
    match = _RANGE.fullmatch(value.strip()) if value is not None else None
    if match is None or int(match.group(1)) > MAX_RANGE_END:
        return None  # anything else: the whole stream, as RFC 9110 §14.2 allows
    return int(match.group(1))


# An entity tag of ours: the ciphertext's SHA-256 in hex, quoted (a strong validator).
_ETAG = re.compile(r'(?:W/)?"([0-9a-f]{64})"')


def _etag(sha256_hex: str) -> str:
    return f'"{sha256_hex}"'


def _held(value: str | None) -> frozenset[str]:
    """The ciphertext hashes an ``If-None-Match`` names (RFC 9110 §13.1.2: ``*`` or a
    list of entity tags, compared weakly); any other tag is nobody's, so ignored."""
    if value is None:
        return frozenset()
    held: set[str] = set()
    for tag in value.split(","):
        tag = tag.strip()
        match = _ETAG.fullmatch(tag)
        if tag == "*":
            held.add(HELD_ANY)
        elif match is not None:
            held.add(match.group(1))
    return frozenset(held)


@router.get(
    "/documents/{document_id}/content",
    response_model=None,
    responses={
        **body_of("application/octet-stream", 200, 206),
        304: {"description": "The client holds these very bytes (If-None-Match)"},
    },
)
def download_document(
    document_id: PathId,
    actor: ActorDep,
    coffre: CoffreDep,
    range_: Annotated[Text | None, Header(alias="Range", max_length=100)] = None,
    if_none_match: Annotated[Text | None, Header(alias="If-None-Match", max_length=1000)] = None,
) -> StreamingResponse | Response:
    end = _range_end(range_)
    first = None if end is None else end + 1
    document, stream = coffre.vault.open_content(
        actor, document_id, first=first, held=_held(if_none_match)
    )
    etag = _etag(document.ciphertext_sha256)
    if stream is None:  # the client holds these very bytes (RFC 9110 §15.4.5)
        return Response(status_code=304, headers={"ETag": etag})
    headers = {
        "Coffre-Ciphertext-Sha256": document.ciphertext_sha256,
        "Accept-Ranges": "bytes",
        "ETag": etag,
    }
    if first is None or document.ciphertext_size == 0:
        headers["Content-Length"] = str(document.ciphertext_size)
        return StreamingResponse(stream, media_type="application/octet-stream", headers=headers)
    last = min(first, document.ciphertext_size) - 1
    headers["Content-Length"] = str(last + 1)
    headers["Content-Range"] = f"bytes 0-{last}/{document.ciphertext_size}"
    return StreamingResponse(
        stream, status_code=206, media_type="application/octet-stream", headers=headers
    )


@router.put("/documents/{document_id}/content")
async def replace_content(
    document_id: PathId,
    request: Request,
    actor: UploadActorDep,
    coffre: CoffreDep,
    metadata: Annotated[Text, Header(alias="Coffre-Metadata", max_length=6000)],
    sealed_key: Annotated[Text, Header(alias="Coffre-Sealed-Key", max_length=200)],
    binding: Annotated[Text | None, Header(alias="Coffre-Binding", max_length=6000)] = None,
) -> DocumentBody:
    """Re-encryption under a new key: every grantee's key for this document goes."""
    new = NewContent(
        encrypted_metadata=decode_header(metadata, InvalidMetadata),
        sealed_key=decode_header(sealed_key, InvalidSealedKey),
        binding=header_text(binding),
    )
    view = await run_upload(
        request, actor, coffre.vault.replace_content, actor, document_id, new, BlockingBody(request)
    )
    return document_body(view)


@router.patch("/documents/{document_id}")
def update_document(
    document_id: PathId, body: DocumentPatch, actor: ActorDep, coffre: CoffreDep
) -> DocumentBody:
    change = DocumentChange(
        encrypted_metadata=body.encrypted_metadata,
        expires_on=body.expires_on,
        binding=body.binding,
    )
    return document_body(coffre.vault.update(actor, document_id, change))


@router.put("/documents/{document_id}/binding")
def bind_document(
    document_id: PathId, body: BindingBody, actor: ActorDep, coffre: CoffreDep
) -> DocumentBody:
    """Migration: the owner's v2 binding of a v1 document, over its stored parts."""
    return document_body(coffre.vault.bind(actor, document_id, body.binding))


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(document_id: PathId, actor: ActorDep, coffre: CoffreDep) -> Response:
    coffre.vault.delete(actor, document_id)
    return Response(status_code=204)


@router.post("/me/crypto-format", responses=errors(MigrationIncomplete))
def switch_crypto_format(
    body: CryptoFormatRequest, actor: ActorDep, coffre: CoffreDep
) -> AccountBody:
    """The account writes format v2 from now on, once every document it owns is bound
    (409 ``migration_incomplete`` otherwise); idempotent. Every v1 write is then refused.
    Here rather than with the account routes: the rule is the vault's."""
    coffre.vault.switch_format(actor, body.format)
    return AccountBody.of(coffre.accounts.account(actor))
