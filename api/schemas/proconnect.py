"""Request and response bodies of the ProConnect routes (docs/PROCONNECT.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.accounts import KdfParamsBody
from api.schemas.common import B64Bytes
from api.types import Text
from coffre.accounts.proconnect import PendingLogin


class ProConnectPending(BaseModel):
    """Who ProConnect says this is, before the passphrase. ``linking``: a first login,
    the professional types their login too (the invitation links it); otherwise
    ``login`` and ``kdf`` are the linked account's."""

    linking: bool
    given_name: str
    usual_name: str
    login: str | None = None
    kdf: KdfParamsBody | None = None

    @classmethod
    def of(cls, pending: PendingLogin) -> ProConnectPending:
        return cls(
            linking=pending.linking,
            given_name=pending.given_name,
            usual_name=pending.usual_name,
            login=pending.login,
            kdf=pending.kdf,
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
