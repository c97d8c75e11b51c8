"""Request and response bodies of the ProConnect routes (docs/PROCONNECT.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.accounts import AccountBundle, KdfParamsBody
from api.schemas.common import B64Bytes
from api.types import Text
from coffre.accounts.proconnect import PendingLogin
from coffre.accounts.proconnect_links import LinkStatus


class ProConnectPending(BaseModel):
    """Who ProConnect says this is, before the passphrase. ``linking``: a first login,
    the professional types their login too (the invitation links it); otherwise
    ``login`` and ``kdf`` are the linked account's."""

    linking: bool
    given_name: str
    usual_name: str
    login: str | None = None
    kdf: KdfParamsBody | None = None
    # A first login whose invitation can make a new account: the page offers to
    # choose a pseudonym and a passphrase (``/auth/proconnect/join``).
    joining: bool = False

    @classmethod
    def of(cls, pending: PendingLogin) -> ProConnectPending:
        return cls(
            linking=pending.linking,
            given_name=pending.given_name,
            usual_name=pending.usual_name,
            login=pending.login,
            kdf=pending.kdf,
            joining=pending.joining,
        )


class ProConnectCompleteRequest(BaseModel):
    # Only for a first login (linking); ignored when the identity is already linked.
    login: Text | None = Field(default=None, max_length=64)
    auth_key: B64Bytes
    totp_code: Text | None = Field(default=None, max_length=16)


class ProConnectStartRequest(BaseModel):
    # The invitation code as printed (coffre/structures/codes.py).
    invitation: Text = Field(min_length=1, max_length=64)


class ProConnectStarted(BaseModel):
    """Where the page sends the browser (the provider's authorization endpoint)."""

    authorization_url: str


class ProConnectJoinRequest(BaseModel):
    """A new professional's account, made on the device as at any sign-up (the keys
    wrapped by the passphrase chosen there); the invitation is the one of the login."""

    model_config = ConfigDict(extra="forbid")

    account: AccountBundle


class ProConnectLinkBody(BaseModel):
    linked: bool
    siret: str | None = None
    created_at: datetime | None = None
    last_login_at: datetime | None = None

    @classmethod
    def of(cls, status: LinkStatus) -> ProConnectLinkBody:
        return cls(
            linked=status.linked,
            siret=status.siret,
            created_at=status.created_at,
            last_login_at=status.last_login_at,
        )


class ProConnectUnlinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    auth_key: B64Bytes
