"""Response bodies of the document routes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import B64Bytes, FromDomain
from api.types import Date, Text


class DepositorBody(FromDomain):
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
    # Format v2 (SPEC §24): 1 = v1 stream, 2 = v2 stream; the version and the binding
    # envelope as JSON text exactly as signed (a v2 deposit's envelope for a deposited
    # document), null while a v1 document is unbound; who signed it (base64url).
    format: int = 1
    version: int | None = None
    binding: str | None = None
    binding_signer: str | None = None


class DocumentPatch(BaseModel):
    """A rename: metadata re-encrypted by the client under the same document key; for a
    bound document, with the binding of the next version (JSON text)."""

    model_config = ConfigDict(extra="forbid")

    encrypted_metadata: B64Bytes
    expires_on: Date | None = None
    binding: Text | None = Field(default=None, max_length=4000)


class BindingBody(BaseModel):
    """A migration binding: the owner's v2 binding of a v1 document (JSON text)."""

    model_config = ConfigDict(extra="forbid")

    binding: Text = Field(max_length=4000)


class CryptoFormatRequest(BaseModel):
    """``POST /me/crypto-format``: the format the account writes from now on (2)."""

    model_config = ConfigDict(extra="forbid")

    format: int = Field(ge=1, le=2)


class DocumentList(BaseModel):
    documents: list[DocumentBody]


class CategoryBody(BaseModel):
    code: str
    label: str


class CategoryList(BaseModel):
    categories: list[CategoryBody]
