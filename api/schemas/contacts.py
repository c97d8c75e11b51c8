"""Bodies of recovery through a trusted contact (api/routes/contacts.py, SPEC §28)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import B64Bytes, FromDomain
from api.schemas.credentials import NewPassphraseBody
from api.types import Text


class CandidateBody(BaseModel):
    account_id: str
    login: str
    # The naming client compares its spoken pin (SPEC §25.3) with the one the person
    # reads on their phone before it seals anything to it.
    sign_public_key: B64Bytes


class NameContactRequest(BaseModel):
    """What the person's client made for the contact (SPEC §28.2)."""

    model_config = ConfigDict(extra="forbid")

    contact_id: Text = Field(min_length=1, max_length=64)
    wrapped_master_key: B64Bytes
    sealed_share: B64Bytes
    server_share: B64Bytes
    auth_key: B64Bytes


class WhoBody(FromDomain):
    account_id: str
    kind: str
    name: str
    structure: str | None


class RequestBody(FromDomain):
    id: str
    state: str  # waiting | refused | recovered | ended
    asked_at: datetime
    opens_at: datetime
    open: bool


class ArrangementBody(FromDomain):
    id: str
    person: WhoBody
    contact: WhoBody
    waiting_days: int
    since: datetime
    request: RequestBody | None


class MyContactResponse(BaseModel):
    contact: ArrangementBody | None
    # The waiting period a new naming gets (COFFRE_CONTACT_WAITING_DAYS).
    waiting_days: int


class NamingMeResponse(BaseModel):
    persons: list[ArrangementBody]


class RecoveryMaterialBody(BaseModel):
    arrangement_id: str
    person_login: str
    server_share: B64Bytes
    sealed_share: B64Bytes
    wrapped_master_key: B64Bytes
    wrapped_keyring: B64Bytes
    box_public_key: B64Bytes
    sign_public_key: B64Bytes
    kdf_version: int  # the person's passphrase KDF (1 or 2): the new one is made in it


class ContactRecoverRequest(NewPassphraseBody):
    """A new passphrase and recovery code for the person, proven by the contact's
    authenticator (SPEC §28.3 step 4)."""

    model_config = ConfigDict(extra="forbid")

    contact_auth_key: B64Bytes
    recovery_auth_key: B64Bytes
    wrapped_master_recovery: B64Bytes


class ContactRecoveredResponse(BaseModel):
    revoked_sessions: int
