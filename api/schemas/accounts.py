"""Request and response bodies of the accounts routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import B64Bytes
from api.types import Text
from coffre.accounts.models import Account
from coffre.accounts.service import LoginResult, SignupData
from crypto import KdfParams


class KdfParamsBody(BaseModel):
    alg: Text = Field(max_length=16)
    salt: B64Bytes
    # Bounded here (BIGINT, libsodium's own range); the floor and ceiling of SPEC §3 are
    # the domain's check (weak_kdf_parameters).
    opslimit: int = Field(ge=0, le=2**32 - 1)
    memlimit: int = Field(ge=0, le=2**42)

    @classmethod
    def of(cls, params: KdfParams) -> KdfParamsBody:
        return cls(
            alg=params.alg, salt=params.salt, opslimit=params.opslimit, memlimit=params.memlimit
        )

    def params(self) -> KdfParams:
        return KdfParams(
            salt=self.salt, opslimit=self.opslimit, memlimit=self.memlimit, alg=self.alg
        )


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
            kdf=self.kdf.params(),
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
            kdf=KdfParamsBody(
                alg=account.kdf_alg,
                salt=account.kdf_salt,
                opslimit=account.kdf_opslimit,
                memlimit=account.kdf_memlimit,
            ),
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
