"""Request and response bodies of the structures routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.accounts import SignupRequest
from api.schemas.common import B64Bytes, FromDomain
from api.types import CleanBefore, JsonObject, Text


class StructureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    kind: Text = Field(max_length=32)
    address: Text = Field(min_length=1, max_length=300)
    territory: Text = Field(max_length=8)
    siret: Text | None = Field(default=None, max_length=20)


class StructureBody(FromDomain):
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

    kind: Annotated[Literal["professional", "structure_admin"], CleanBefore]
    display_name: Text = Field(min_length=1, max_length=120)
    profession: Text = Field(max_length=40)


class OfficerInvitationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Text = Field(min_length=1, max_length=120)
    profession: Text = Field(default="autre", max_length=40)


class InvitationBody(BaseModel):
    code: str
    kind: str
    expires_at: datetime
    url: str | None = None
    qr_svg: str | None = None


class AcceptRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Text = Field(min_length=1, max_length=64)
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
    # The key's v2 pin (SPEC §25) to compare face to face: spoken groups and the QR
    # payload the professional's page shows; the certificate's state and end.
    pin: str = ""
    pin_qr: str = ""
    not_after: datetime | None = None
    revoked_at: datetime | None = None
    certificate_state: Literal["none", "valid", "ending", "expired", "revoked"] = "none"
    # Revoked, and the member has new keys since (a key rotation, POST /me/keys/rotate):
    # the new key waits to be certified face to face (the same certification call).
    new_key: bool = False


class BulkInvitationItem(BaseModel):
    row: int
    display_name: str
    profession: str
    email: str
    code: str
    url: str
    expires_at: datetime


class BulkInvitationList(BaseModel):
    """Invitations made from a CSV file: Coffre sends no e-mail, hand the links out."""

    invitations: list[BulkInvitationItem]


class MemberList(BaseModel):
    members: list[MemberBody]


class CertificateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    certificate: JsonObject


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
    fingerprint: str  # v1 (SPEC §12), for clients that pinned it before v2
    pin: str  # the spoken v2 pin (SPEC §25.3), what people compare
    pin_qr: str  # the v2 QR payload (SPEC §25.2)
    root: dict[str, Any]


class ResetCodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Text = Field(min_length=1, max_length=64)


class ResetCodeBody(FromDomain):
    code: str
    login: str
    expires_at: datetime
