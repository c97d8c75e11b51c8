"""Bodies of the session (devices) and TOTP routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import FromDomain
from api.types import Text


class SessionBody(FromDomain):
    id: str
    label: str
    kind: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


class SessionList(BaseModel):
    sessions: list[SessionBody]


class RevokedSessions(BaseModel):
    revoked: int


class TotpEnrolmentBody(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg: str


class TotpCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=16)
