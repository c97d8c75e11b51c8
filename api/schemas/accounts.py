"""Request and response bodies of the accounts routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import B64Bytes


class KdfParamsBody(BaseModel):
    alg: str = Field(max_length=16)
    salt: B64Bytes
    opslimit: int
    memlimit: int


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: str = Field(min_length=1, max_length=64)
    kdf: KdfParamsBody
    auth_key: B64Bytes
    recovery_auth_key: B64Bytes
    wrapped_master_passphrase: B64Bytes
    wrapped_master_recovery: B64Bytes
    wrapped_keyring: B64Bytes
    box_public_key: B64Bytes
    sign_public_key: B64Bytes
    # Assisted sign-up: the code a professional gave the person (optional).
    invitation_code: str | None = Field(default=None, max_length=64)


class AccountBody(BaseModel):
    id: str
    kind: str
    login: str
    box_public_key: B64Bytes
    sign_public_key: B64Bytes


class PreloginRequest(BaseModel):
    login: str = Field(min_length=1, max_length=64)


class PreloginResponse(BaseModel):
    kdf: KdfParamsBody


class LoginRequest(BaseModel):
    login: str = Field(min_length=1, max_length=64)
    auth_key: B64Bytes
    # The 6-digit code of the authenticator app, for accounts with TOTP on.
    totp_code: str | None = Field(default=None, max_length=16)


class KeyringBody(BaseModel):
    kdf: KdfParamsBody
    wrapped_master_passphrase: B64Bytes
    wrapped_keyring: B64Bytes
    box_public_key: B64Bytes
    sign_public_key: B64Bytes


class LoginResponse(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int
    account: AccountBody
    keyring: KeyringBody
    # True: this session may only enrol a second factor (POST /me/totp, then confirm).
    totp_enrolment_required: bool = False


class MeResponse(BaseModel):
    account: AccountBody
    keyring: KeyringBody
