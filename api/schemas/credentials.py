"""Bodies of recovery, passphrase change, reset and erasure (api/routes/credentials.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.accounts import AccountBody, AccountBundle, KdfParamsBody
from api.schemas.common import B64Bytes
from api.types import Text


class RecoverRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Text = Field(min_length=1, max_length=64)
    recovery_auth_key: B64Bytes
    # Accounts with a second factor: the kit replaces the passphrase, not the code.
    totp_code: Text | None = Field(default=None, max_length=16)


class RecoveryKeysBody(BaseModel):
    """What the client needs to open the account with the recovery secret (SPEC §4–§6)."""

    wrapped_master_recovery: B64Bytes
    wrapped_keyring: B64Bytes
    box_public_key: B64Bytes
    sign_public_key: B64Bytes


class RecoverResponse(BaseModel):
    recovery_token: str
    expires_in: int
    account: AccountBody
    recovery: RecoveryKeysBody


class NewPassphraseBody(BaseModel):
    """A new passphrase as the server sees it: KDF params, login value, wrapped master key."""

    kdf: KdfParamsBody
    auth_key: B64Bytes
    wrapped_master_passphrase: B64Bytes


class RecoverPassphraseRequest(NewPassphraseBody):
    model_config = ConfigDict(extra="forbid")

    token: Text = Field(min_length=1, max_length=128)


class ChangePassphraseRequest(NewPassphraseBody):
    model_config = ConfigDict(extra="forbid")

    current_auth_key: B64Bytes


class ChangeRecoveryCodeRequest(BaseModel):
    """A new recovery code (SPEC §4, §5.2), proven by the passphrase's login value."""

    model_config = ConfigDict(extra="forbid")

    current_auth_key: B64Bytes
    recovery_auth_key: B64Bytes
    wrapped_master_recovery: B64Bytes


class ChangePassphraseResponse(BaseModel):
    revoked_sessions: int


class KdfUpgradeResponse(BaseModel):
    # False: the account's KDF was already v2 (another device moved it first).
    upgraded: bool


class ResetRequest(AccountBundle):
    """A reset code and the full bundle of a new account (as at sign-up)."""

    reset_code: Text = Field(min_length=1, max_length=80)


class EraseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    auth_key: B64Bytes
