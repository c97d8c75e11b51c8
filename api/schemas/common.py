"""Shared schema types: bytes travel as base64url without padding (SPEC §1)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from api.types import clean_text_before
from crypto import b64decode, b64encode
from crypto.errors import InvalidInputError


def _decode(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str) or len(value) > 8192:
        raise ValueError("expected a base64url string")
    clean_text_before(value)  # a control character answers invalid_text, as in any text
    try:
        return b64decode(value)
    except InvalidInputError as exc:
        raise ValueError("invalid base64url") from exc


class FromDomain(BaseModel):
    """A response read from a domain object's attributes (``Body.model_validate(obj)``),
    nested ones included, instead of copied field by field in the route: the schema names
    what the API shows, the domain object provides it."""

    model_config = ConfigDict(from_attributes=True)


B64Bytes = Annotated[
    bytes,
    BeforeValidator(_decode),
    PlainSerializer(b64encode, return_type=str),
    WithJsonSchema({"type": "string", "contentEncoding": "base64url"}),
]
