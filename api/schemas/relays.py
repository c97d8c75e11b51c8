"""Relays between structures (coffre/relays/, docs/NETWORK.md "Relais").

The answers read the domain's ``RelayView`` through pydantic's ``from_attributes``.
Byte fields (the SPEC §29 notes, sealed keys, public keys) are base64url without
padding (SPEC §1), like every byte field of the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from api.schemas.common import B64Bytes
from api.types import MultilineText, Text, clean_text_before
from crypto import b64decode, b64encode
from crypto.errors import InvalidInputError

ShortText = Annotated[Text, Field(max_length=64)]
# A SPEC §29 envelope is at most 8297 bytes (11063 characters of base64url), more than
# ``B64Bytes`` takes; a larger one is decoded (the request's body limit bounds it) so
# that the service answers ``relay_note_too_big`` rather than a malformed request.
NOTE_TEXT_MAX = 64 * 1024


def _note(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str) or len(value) > NOTE_TEXT_MAX:
        raise ValueError("expected a base64url string")
    clean_text_before(value)
    try:
        return b64decode(value)
    except InvalidInputError as exc:
        raise ValueError("invalid base64url") from exc


NoteBytes = Annotated[
    bytes,
    BeforeValidator(_note),
    PlainSerializer(b64encode, return_type=str),
    WithJsonSchema({"type": "string", "contentEncoding": "base64url"}),
]


class NamedBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str


class PublicKeysBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account_id: str
    box_public_key: B64Bytes
    sign_public_key: B64Bytes


class RelayBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    person: NamedBody
    orienting: NamedBody
    orienting_structure: NamedBody
    responsible: NamedBody
    service: NamedBody
    target_structure: NamedBody
    purpose: str
    purpose_label: str
    categories: list[str]
    state: str
    charter_version: int
    created_at: datetime
    agreed_at: datetime | None
    taken_by: str | None
    taker: NamedBody | None
    taken_at: datetime | None
    decline_reason: str | None
    remind_at: datetime
    reminded_at: datetime | None
    expires_at: datetime
    closed_at: datetime | None
    close_reason: str | None
    returned_at: datetime | None
    # The person's chosen documents: for the person and the taker only.
    documents: list[str] | None
    # The SPEC §29 envelopes, each only with the caller's own sealed key.
    note: NoteBytes | None
    note_key: B64Bytes | None
    return_note: NoteBytes | None
    return_key: B64Bytes | None
    keys: list[PublicKeysBody]


class RelayList(BaseModel):
    relays: list[RelayBody]
    next: str | None = None  # the cursor of the next page (GET /relays?cursor=), or None


class NoteKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient_id: ShortText
    sealed_key: B64Bytes


class NewRelayBody(BaseModel):
    """``id`` is chosen by the client (32 hex): the note is signed over it."""

    model_config = ConfigDict(extra="forbid")

    id: ShortText
    person_id: ShortText
    service_id: ShortText
    purpose: ShortText
    categories: list[ShortText] = Field(max_length=30)
    note: NoteBytes
    note_keys: list[NoteKeyIn] = Field(max_length=10)
    # The orienting structure, for a professional member of several.
    structure_id: ShortText | None = None


class AgreeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_ids: list[ShortText] = Field(max_length=50)


class DeclineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[MultilineText, Field(max_length=2000)]


class CloseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ShortText | None = None


class NoteKeyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    which: ShortText
    recipient_id: ShortText
    sealed_key: B64Bytes


class ReturnBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: NoteBytes
    note_keys: list[NoteKeyIn] = Field(max_length=10)
