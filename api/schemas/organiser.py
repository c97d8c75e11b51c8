"""Bodies of the person's organiser (api/routes/organiser.py).

``ciphertext`` is a SPEC §30 item in base64url without padding (SPEC §1): at most
35043 bytes (46724 characters), more than ``B64Bytes`` takes; a larger one is decoded
(the request's body limit bounds it) so that the service answers
``invalid_organiser_item`` rather than a malformed request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from api.types import Text, clean_text_before
from crypto import b64decode, b64encode
from crypto.errors import InvalidInputError

CIPHERTEXT_TEXT_MAX = 64 * 1024


def _ciphertext(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str) or len(value) > CIPHERTEXT_TEXT_MAX:
        raise ValueError("expected a base64url string")
    clean_text_before(value)
    try:
        return b64decode(value)
    except InvalidInputError as exc:
        raise ValueError("invalid base64url") from exc


ItemBytes = Annotated[
    bytes,
    BeforeValidator(_ciphertext),
    PlainSerializer(b64encode, return_type=str),
    WithJsonSchema({"type": "string", "contentEncoding": "base64url"}),
]


class NewItemRequest(BaseModel):
    # Drawn by the page (SPEC §30.3: the owner's signature names it).
    id: Annotated[Text, Field(max_length=64)]
    ciphertext: ItemBytes


class ChangeItemRequest(BaseModel):
    ciphertext: ItemBytes
    # The version the page read: the change is refused if the item moved on since.
    version: Annotated[int, Field(ge=1, le=2**31 - 1)]


class ItemBody(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ciphertext: ItemBytes
    version: int
    created_at: datetime
    updated_at: datetime


class ItemsResponse(BaseModel):
    items: list[ItemBody]
    # How many items a person may keep (COFFRE_ORGANISER_ITEMS_PER_PERSON).
    limit: int
