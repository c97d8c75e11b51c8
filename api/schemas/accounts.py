"""Request and response bodies of the accounts routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema

from api.schemas.common import B64Bytes
from api.types import Text, clean_json
from coffre.accounts.kdf import AccountKdf, kdf_of
from coffre.accounts.models import Account
from coffre.accounts.service import LoginResult, SignupData
from crypto import CryptoError, KdfParams
from crypto.kdf_v2 import KdfParamsV2


def _read_kdf(value: object) -> AccountKdf:
    """The JSON form of SPEC §19.1 (with "v": 2) or of SPEC §3.1 (without): exact members
    and types here; floor, ceiling and sizes are the domain's check (coffre/accounts/kdf.py,
    weak_kdf_parameters or invalid_key_material), as a client checks them."""
    if isinstance(value, KdfParams | KdfParamsV2):
        return value
    if isinstance(value, dict):
        clean_json(value)  # invalid_text for a control character, as every text field
    try:
        if isinstance(value, dict) and "v" in value:
            return KdfParamsV2.from_json(value)
        return KdfParams.from_json(value)
    except CryptoError as exc:
        raise ValueError("KDF parameters are malformed") from exc


def _kdf_json(params: AccountKdf) -> dict[str, Any]:
    return params.to_json()


_KDF_SCHEMA: dict[str, Any] = {
    "description": "Passphrase KDF parameters: v2 (crypto/SPEC.md §19.1) or v1 (§3.1).",
    "oneOf": [
        {
            "type": "object",
            "title": "KdfParamsV2",
            "required": ["v", "alg", "salt_random", "opslimit", "memlimit"],
            "additionalProperties": False,
            "properties": {
                "v": {"const": 2},
                "alg": {"const": "argon2id13"},
                "salt_random": {"type": "string", "description": "base64url of 16 bytes"},
                "opslimit": {"type": "integer", "minimum": 3, "maximum": 10},
                "memlimit": {"type": "integer", "minimum": 67108864, "maximum": 268435456},
            },
        },
        {
            "type": "object",
            "title": "KdfParamsV1",
            "required": ["alg", "salt", "opslimit", "memlimit"],
            "additionalProperties": False,
            "properties": {
                "alg": {"const": "argon2id13"},
                "salt": {"type": "string", "description": "base64url of 16 bytes"},
                "opslimit": {"type": "integer", "minimum": 3, "maximum": 10},
                "memlimit": {"type": "integer", "minimum": 67108864, "maximum": 268435456},
            },
        },
    ],
}

# Read and written as the JSON text of the format (never re-shaped): v2 accounts get
# {"v": 2, "alg", "salt_random", "opslimit", "memlimit"}, v1 accounts the v1 form.
KdfParamsBody = Annotated[
    KdfParams | KdfParamsV2,
    PlainValidator(_read_kdf),
    PlainSerializer(_kdf_json, return_type=dict[str, Any]),
    WithJsonSchema(_KDF_SCHEMA),
]


class AccountBundle(BaseModel):
    """A new account's public bundle, as its client made it (sign-up, invitation, reset)."""

    model_config = ConfigDict(extra="forbid")

    login: Text = Field(min_length=1, max_length=64)
    kdf: KdfParamsBody
    auth_key: B64Bytes
    recovery_auth_key: B64Bytes
    wrapped_master_passphrase: B64Bytes
    wrapped_master_recovery: B64Bytes
    wrapped_keyring: B64Bytes
    box_public_key: B64Bytes
    sign_public_key: B64Bytes

    def data(self) -> SignupData:
        return SignupData(
            login=self.login,
            kdf=self.kdf,
            auth_key=self.auth_key,
            recovery_auth_key=self.recovery_auth_key,
            wrapped_master_passphrase=self.wrapped_master_passphrase,
            wrapped_master_recovery=self.wrapped_master_recovery,
            wrapped_keyring=self.wrapped_keyring,
            box_public_key=self.box_public_key,
            sign_public_key=self.sign_public_key,
        )


class SignupRequest(AccountBundle):
    # Assisted sign-up: the code a professional gave the person (optional).
    invitation_code: Text | None = Field(default=None, max_length=64)


class AccountBody(BaseModel):
    id: str
    kind: str
    login: str
    box_public_key: B64Bytes
    sign_public_key: B64Bytes
    # 1 or 2: once 2, the server refuses every v1 write for or by the account.
    crypto_format: int = 1

    @classmethod
    def of(cls, account: Account) -> AccountBody:
        return cls(
            id=account.id,
            kind=account.kind,
            login=account.login,
            box_public_key=account.box_public_key,
            sign_public_key=account.sign_public_key,
            crypto_format=account.crypto_format or 1,
        )


class TerritoryResponse(BaseModel):
    territory: str


class PreloginRequest(BaseModel):
    login: Text = Field(min_length=1, max_length=64)


class PreloginResponse(BaseModel):
    kdf: KdfParamsBody


class LoginRequest(BaseModel):
    login: Text = Field(min_length=1, max_length=64)
    auth_key: B64Bytes
    # The 6-digit code of the authenticator app, for accounts with TOTP on.
    totp_code: Text | None = Field(default=None, max_length=16)


class KeyringBody(BaseModel):
    kdf: KdfParamsBody
    wrapped_master_passphrase: B64Bytes
    wrapped_keyring: B64Bytes
    box_public_key: B64Bytes
    sign_public_key: B64Bytes

    @classmethod
    def of(cls, account: Account) -> KeyringBody:
        return cls(
            kdf=kdf_of(account),
            wrapped_master_passphrase=account.wrapped_master_passphrase,
            wrapped_keyring=account.wrapped_keyring,
            box_public_key=account.box_public_key,
            sign_public_key=account.sign_public_key,
        )


class LoginResponse(BaseModel):
    token: str
    token_type: str = "bearer"  # noqa: S105 - the scheme name, not a secret
    expires_in: int
    account: AccountBody
    keyring: KeyringBody
    # True: this session may only enrol a second factor (POST /me/totp, then confirm).
    totp_enrolment_required: bool = False

    @classmethod
    def of(cls, result: LoginResult) -> LoginResponse:
        return cls(
            token=result.token,
            expires_in=result.expires_in,
            account=AccountBody.of(result.account),
            keyring=KeyringBody.of(result.account),
            totp_enrolment_required=result.restricted,
        )


class MeResponse(BaseModel):
    account: AccountBody
    keyring: KeyringBody
    # At web login: True when this session may only enrol a second factor (as
    # LoginResponse); the page then says so instead of opening the vault.
    totp_enrolment_required: bool = False

    @classmethod
    def of(cls, account: Account, *, restricted: bool = False) -> MeResponse:
        return cls(
            account=AccountBody.of(account),
            keyring=KeyringBody.of(account),
            totp_enrolment_required=restricted,
        )
