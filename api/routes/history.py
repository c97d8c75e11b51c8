"""The person's history and full export (docs/AUDIT.md, "History and export").

``GET /me/history`` reads the caller's slice of the audit trail, in plain words;
``POST /me/exports`` records the export and answers what the client needs to build
the archive (the client downloads and decrypts each document itself).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, CoffreDep
from api.routes.consent import grant_body
from api.routes.receipts import receipt_body
from api.schemas.history import (
    AccountRefBody,
    AuditRefBody,
    ExportBody,
    ExportedDepositBody,
    ExportedDocumentBody,
    HistoryBody,
    HistoryItemBody,
    PartyBody,
)
from api.types import Text
from coffre.audit.history import ExportedDocument, HistoryItem, Party
from coffre.vault.formats import signer_of

router = APIRouter(tags=["history"])


def party_body(party: Party) -> PartyBody:
    return PartyBody.model_validate(party)


def item_body(item: HistoryItem) -> HistoryItemBody:
    return HistoryItemBody.model_validate(item)


def exported_body(exported: ExportedDocument) -> ExportedDocumentBody:
    doc = exported.document
    deposit = None
    if exported.deposit_envelope is not None and exported.depositor is not None:
        deposit = ExportedDepositBody(
            envelope=exported.deposit_envelope, depositor=party_body(exported.depositor)
        )
    return ExportedDocumentBody(
        id=doc.id,
        category=doc.category,
        created_at=doc.created_at,
        updated_at=doc.updated_at,
        expires_on=doc.expires_on,
        ciphertext_size=doc.ciphertext_size,
        ciphertext_sha256=doc.ciphertext_sha256,
        encrypted_metadata=doc.encrypted_metadata or b"",
        sealed_key=exported.sealed_key,
        deposit=deposit,
        format=doc.format,
        version=doc.version,
        binding=doc.binding,
        binding_signer=signer_of(doc.binding) if doc.binding is not None else None,
    )


@router.get("/me/history")
def my_history(
    actor: ActorDep,
    coffre: CoffreDep,
    document: Annotated[Text | None, Query(max_length=64)] = None,
    professional: Annotated[Text | None, Query(max_length=64)] = None,
) -> HistoryBody:
    items = coffre.history.for_person(actor, document_id=document, professional_id=professional)
    return HistoryBody(items=[item_body(item) for item in items])


@router.post("/me/exports", status_code=201)
def export_everything(actor: ActorDep, coffre: CoffreDep) -> ExportBody:
    data = coffre.exports.record(actor)
    return ExportBody(
        exported_at=data.exported_at,
        account=AccountRefBody(id=data.account_id, login=data.login),
        documents=[exported_body(d) for d in data.documents],
        grants=[grant_body(view) for view in data.grants],
        receipts=[receipt_body(r) for r in coffre.receipts.receipts_of_person(actor)],
        history=[item_body(item) for item in data.history],
        audit=AuditRefBody(verifier_key=data.verifier_key, checkpoint=data.checkpoint),
    )
