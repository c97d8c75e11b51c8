"""Response bodies of the document routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from api.schemas.common import B64Bytes


class DocumentBody(BaseModel):
    id: str
    category: str
    created_at: datetime
    ciphertext_size: int
    ciphertext_sha256: str
    encrypted_metadata: B64Bytes
    sealed_key: B64Bytes


class DocumentList(BaseModel):
    documents: list[DocumentBody]


class CategoryBody(BaseModel):
    code: str
    label: str


class CategoryList(BaseModel):
    categories: list[CategoryBody]
