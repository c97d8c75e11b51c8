"""Bodies of the consent routes: directory, grants, pulls, requests, deposits, notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas.common import B64Bytes
from api.types import Date, JsonObject, MultilineText, Text


class StructureRef(BaseModel):
    id: str
    name: str
    address: str


class ListedProfessionalBody(BaseModel):
    account_id: str
    display_name: str
    profession: str
    profession_label: str
    structure: StructureRef


class DirectoryBody(BaseModel):
    professionals: list[ListedProfessionalBody]


class NewGrantBody(BaseModel):
    """A grant: a v1 receipt's envelope as an object (``receipt``), or a v2 receipt's
    envelope as the JSON text the person signed (``receipt_json``, SPEC §24.5)."""

    model_config = ConfigDict(extra="forbid")

    receipt: JsonObject | None = None
    receipt_json: Text | None = Field(default=None, max_length=16000)
    sealed_keys: dict[Annotated[Text, Field(max_length=64)], B64Bytes] = Field(max_length=20)
    # A grant scoped to a relay the grantee took (coffre/relays/grants.py).
    relay_id: Annotated[Text, Field(max_length=64)] | None = None

    @model_validator(mode="after")
    def _one_receipt(self) -> NewGrantBody:
        if (self.receipt is None) == (self.receipt_json is None):
            raise ValueError("send receipt (v1) or receipt_json (v2)")
        return self

    def envelope(self) -> dict[str, Any] | str:
        if self.receipt_json is not None:
            return self.receipt_json
        assert self.receipt is not None  # checked by _one_receipt
        return self.receipt


class SharedDocumentBody(BaseModel):
    id: str
    category: str
    ciphertext_size: int
    ciphertext_sha256: str
    encrypted_metadata: B64Bytes | None = None
    sealed_key: B64Bytes | None = None
    # False once the professional can no longer open it (revoked, expired and cleaned,
    # re-encrypted, deleted): the person still sees what the grant covered.
    open: bool = True
    # Format v2, for the professional (shared-with-me): the document's version, its
    # binding (JSON text as signed) and the base64url key that signed it.
    version: int | None = None
    binding: str | None = None
    binding_signer: str | None = None


class OutcomeBody(BaseModel):
    """What the grantee reported came of the grant: ``right_opened``,
    ``document_unreadable`` or ``document_missing``."""

    outcome: str
    reported_at: datetime


class GrantBody(BaseModel):
    id: str
    state: str
    person_id: str
    person_login: str
    professional_id: str
    professional_name: str
    profession: str
    structure_id: str
    structure_name: str
    purpose: str
    purpose_label: str
    reason_required: bool
    charter_version: int
    not_before: datetime
    not_after: datetime
    max_pulls: int | None
    pulls: int
    pulls_left: int | None
    revoked_at: datetime | None
    created_at: datetime
    request_id: str | None
    documents: list[SharedDocumentBody]
    # A grant scoped to a relay (the person shared the relay's documents with its taker).
    relay_id: str | None = None
    blocked: str | None = None  # why a pull would be refused now (professional only)
    # Professional only: the receipt as the person signed it (JSON text) and the key it
    # must verify under (base64url), which their client pins per person (SPEC §25.3).
    receipt: str | None = None
    person_sign_public_key: B64Bytes | None = None
    # GET /grants/received and /grants/{id}: the outcomes the grantee reported, oldest first.
    outcomes: list[OutcomeBody] = Field(default_factory=list)


class GrantList(BaseModel):
    grants: list[GrantBody]


class ReceivedGrantList(BaseModel):
    """A page of the grants made to the caller, oldest first. ``next_cursor``: pass it as
    ``cursor`` for the next page (opaque); null on the last page."""

    items: list[GrantBody]
    next_cursor: str | None


class NewOutcomeBody(BaseModel):
    """``outcome``: ``right_opened`` (droit ouvert), ``document_unreadable`` (pièce
    illisible) or ``document_missing`` (pièce manquante). No free text: the person reads
    it in their history."""

    model_config = ConfigDict(extra="forbid")

    outcome: Text = Field(max_length=32)


class OutcomeReportBody(BaseModel):
    """``recorded``: false when this outcome was already reported for the grant (a
    repeat records nothing; ``reported_at`` is the first report's)."""

    grant_id: str
    outcome: str
    reported_at: datetime
    recorded: bool
    outcomes: list[OutcomeBody]


class PullBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: MultilineText | None = Field(default=None, max_length=1000)


class NewRequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_login: Text = Field(max_length=64)
    structure_id: Text = Field(max_length=32)
    purpose: Text = Field(max_length=64)
    category: Text = Field(max_length=32)
    message: MultilineText | None = Field(default=None, max_length=1000)
    due_on: Date | None = None


class RequestBody(BaseModel):
    id: str
    status: str
    professional_id: str
    professional_name: str
    structure_id: str
    structure_name: str
    purpose: str
    purpose_label: str
    category: str
    message: str | None
    due_on: date | None
    created_at: datetime
    expires_at: datetime
    decline_word: str | None
    grant_id: str | None
    person_login: str | None = None


class RequestList(BaseModel):
    requests: list[RequestBody]


class AcceptedRequest(BaseModel):
    id: str
    status: str


class DeclineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    word: MultilineText | None = Field(default=None, max_length=1000)


class DepositedBody(BaseModel):
    """What the depositor gets back: no key, no metadata (they cannot read it back)."""

    id: str
    person_id: str
    category: str
    ciphertext_sha256: str
    created_at: datetime


class LinkedPersonBody(BaseModel):
    person_id: str
    login: str


class LinkedPersonList(BaseModel):
    persons: list[LinkedPersonBody]


class BoxKeyBody(BaseModel):
    person_id: str
    box_public_key: B64Bytes


class NotificationBody(BaseModel):
    id: str
    kind: str
    created_at: datetime
    read: bool
    data: dict[str, Any]


class NotificationList(BaseModel):
    notifications: list[NotificationBody]
    unread: int


class MarkReadBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    up_to: Text = Field(max_length=32)
