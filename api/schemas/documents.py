"""Response bodies of the document routes."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from api.schemas.common import B64Bytes


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


class DocumentPatch(BaseModel):
    """A rename: metadata re-encrypted by the client under the same document key."""

    model_config = ConfigDict(extra="forbid")

    encrypted_metadata: B64Bytes
    expires_on: date | None = None


class DocumentList(BaseModel):
    documents: list[DocumentBody]


class CategoryBody(BaseModel):
    code: str
    label: str


class CategoryList(BaseModel):
    categories: list[CategoryBody]
