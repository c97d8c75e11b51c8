"""Request and response bodies of the structures routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.accounts import SignupRequest
from api.schemas.common import B64Bytes


class StructureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(max_length=32)
    address: str = Field(min_length=1, max_length=300)
    territory: str = Field(max_length=8)
    siret: str | None = Field(default=None, max_length=20)


class StructureBody(BaseModel):
    id: str
    name: str
    kind: str
    address: str
    territory: str
    siret: str | None
    admitted_at: datetime


class StructureList(BaseModel):
    structures: list[StructureBody]


class InvitationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["professional", "structure_admin"]
    display_name: str = Field(min_length=1, max_length=120)
    profession: str = Field(max_length=40)


class OfficerInvitationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str = Field(min_length=1, max_length=120)
    profession: str = Field(default="autre", max_length=40)


class InvitationBody(BaseModel):
    code: str
    kind: str
    expires_at: datetime
    url: str | None = None
    qr_svg: str | None = None


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    account: SignupRequest


class MemberBody(BaseModel):
    membership_id: str
    account_id: str
    display_name: str
    profession: str
    role: str
    joined_at: datetime
    left_at: datetime | None
    certified: bool
    box_public_key: B64Bytes
    sign_public_key: B64Bytes
    fingerprint: str
    fingerprint_qr_svg: str


class MemberList(BaseModel):
    members: list[MemberBody]


class CertificateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    certificate: dict[str, Any]


class KeyChainBody(BaseModel):
    account_id: str
    display_name: str
    profession: str
    structure_id: str | None
    box_public_key: B64Bytes
    sign_public_key: B64Bytes
    certificates: list[dict[str, Any]]
    root: dict[str, Any]
    fingerprint: str
    fingerprint_qr_svg: str


class TrustRootBody(BaseModel):
    territory: str
    fingerprint: str
    root: dict[str, Any]


class ResetCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(min_length=1, max_length=64)


class ResetCodeBody(BaseModel):
    code: str
    login: str
    expires_at: datetime
