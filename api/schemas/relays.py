"""Relays between structures (coffre/relays/, docs/NETWORK.md "Relais").

The answers read the domain's ``RelayView`` through pydantic's ``from_attributes``.
Byte fields (the SPEC §29 notes, sealed keys, public keys) are base64url without
padding (SPEC §1), like every byte field of the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import B64Bytes
from api.types import MultilineText, Text

ShortText = Annotated[Text, Field(max_length=64)]


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
    note: B64Bytes | None
    note_key: B64Bytes | None
    return_note: B64Bytes | None
    return_key: B64Bytes | None
    keys: list[PublicKeysBody]


class RelayList(BaseModel):
    relays: list[RelayBody]


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
    note: B64Bytes
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

    note: B64Bytes
    note_keys: list[NoteKeyIn] = Field(max_length=10)
