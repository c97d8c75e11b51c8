"""Response bodies of the document routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from api.schemas.common import B64Bytes
from api.types import Date


class DepositorBody(BaseModel):
    account_id: str
    display_name: str
    structure_name: str


class DepositBody(BaseModel):
    """A deposited document's origin: the signed statement (SPEC §16) and who signed it.
    The page verifies the signature against the depositor's certified keys."""

    envelope: dict[str, Any]
    depositor: DepositorBody


class DocumentBody(BaseModel):
    id: str
    category: str
    created_at: datetime
    ciphertext_size: int
    ciphertext_sha256: str
    encrypted_metadata: B64Bytes
    sealed_key: B64Bytes
    expires_on: date | None
    updated_at: datetime | None
    deposit: DepositBody | None = None


class DocumentPatch(BaseModel):
    """A rename: metadata re-encrypted by the client under the same document key."""

    model_config = ConfigDict(extra="forbid")

    encrypted_metadata: B64Bytes
    expires_on: Date | None = None


class DocumentList(BaseModel):
    documents: list[DocumentBody]


class CategoryBody(BaseModel):
    code: str
    label: str


class CategoryList(BaseModel):
    categories: list[CategoryBody]
