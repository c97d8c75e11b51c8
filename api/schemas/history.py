"""Bodies of the history and export routes (docs/AUDIT.md, "History and export")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from api.schemas.common import B64Bytes, FromDomain
from api.schemas.consent import GrantBody
from api.schemas.receipts import ReceiptBody


class PartyBody(FromDomain):
    """Who: ``kind`` is self (named "vous"), professional, territory_admin,
    charter_officer, operator or unknown (a failed login)."""

    kind: str
    name: str
    account_id: str | None
    structure_id: str | None
    structure_name: str | None


class DocumentRefBody(FromDomain):
    id: str
    category: str
    category_label: str


class EntryLeafBody(FromDomain):
    """The entry as the log committed to it: the event (RFC 8785 JSON text) and its salt.
    The page recomputes the leaf from them (auditlog/SPEC.md §1) and checks its inclusion
    in a cosigned checkpoint (``GET /audit/proof/inclusion``)."""

    body: str
    salt: B64Bytes


class HistoryItemBody(FromDomain):
    seq: int
    at: datetime
    action: str
    outcome: str
    who: PartyBody
    professional: PartyBody | None
    documents: list[DocumentRefBody]
    category: str | None
    category_label: str | None
    grant_id: str | None
    request_id: str | None
    purpose: str | None
    purpose_label: str | None
    reason: str | None
    refusal: str | None
    until: datetime | None
    # grant.outcome: right_opened | document_unreadable | document_missing.
    report: str | None = None
    summary: str
    leaf: EntryLeafBody | None = None


class HistoryBody(BaseModel):
    items: list[HistoryItemBody]


class ExportedDepositBody(BaseModel):
    """The signed deposit statement (SPEC §16) and who signed it: the client verifies."""

    envelope: dict[str, Any]
    depositor: PartyBody


class ExportedDocumentBody(BaseModel):
    id: str
    category: str
    created_at: datetime
    updated_at: datetime | None
    expires_on: date | None
    ciphertext_size: int
    ciphertext_sha256: str
    encrypted_metadata: B64Bytes
    sealed_key: B64Bytes
    deposit: ExportedDepositBody | None
    # Format v2, as in the document body: the binding (JSON text as signed) to check.
    format: int = 1
    version: int | None = None
    binding: str | None = None
    binding_signer: str | None = None


class AccountRefBody(BaseModel):
    id: str
    login: str


class AuditRefBody(BaseModel):
    """The checkpoint signed right after the export's entry, and the key that checks it."""

    verifier_key: str
    checkpoint: str


class ExportBody(BaseModel):
    exported_at: datetime
    account: AccountRefBody
    documents: list[ExportedDocumentBody]
    grants: list[GrantBody]
    # Every grant's receipt, as GET /grants/{id}/receipt gives it (docs/CONSENT.md).
    receipts: list[ReceiptBody] = []
    history: list[HistoryItemBody]
    audit: AuditRefBody
