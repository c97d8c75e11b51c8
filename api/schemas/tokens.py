"""Bodies of the personal access token routes (api/routes/tokens.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import FromDomain
from api.types import Text
from coffre.policy.tokens import Scope


class TokenCreate(BaseModel):
    """A new token: its label, the scopes it needs (at least one), its life in days."""

    model_config = ConfigDict(extra="forbid")

    label: Text = Field(min_length=1, max_length=80)
    # Texts, not the enum: a control character is invalid_text like in any text; an
    # unknown scope is the domain's invalid_token_request. The document lists the scopes.
    scopes: list[Annotated[Text, Field(max_length=32)]] = Field(
        min_length=1,
        max_length=len(Scope),
        json_schema_extra={"items": {"type": "string", "enum": [s.value for s in Scope]}},
    )
    days: int = Field(ge=1, le=90)


class TokenBody(FromDomain):
    id: str
    label: str
    scopes: list[str]
    structure_id: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    expired: bool


class TokenCreated(TokenBody):
    """The new token's text, shown once: the server keeps only its SHA-256."""

    token: str


class TokenList(BaseModel):
    tokens: list[TokenBody]
