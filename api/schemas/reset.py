"""Bodies of a reset without the kit: its use, the pending reset shown to the person,
and its cancellation (api/routes/credentials.py, coffre/accounts/reset.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from api.schemas.accounts import AccountBody


class ResetRequestedResponse(BaseModel):
    account: AccountBody
    # The new keys replace the old ones, and the old documents are destroyed, then
    # (COFFRE_RESET_WAITING_DAYS after now); until then the old passphrase or kit can cancel.
    completes_at: datetime
    # Said plainly, in French: what happens, when, and what is lost.
    message: str


class PendingResetBody(BaseModel):
    # "code": a reset code was issued and not used yet (until = its expiry);
    # "waiting": a code was used, the reset completes at ``until`` unless cancelled.
    stage: Literal["code", "waiting"]
    since: datetime
    until: datetime


class PendingResetResponse(BaseModel):
    pending: PendingResetBody | None


class ResetCancelledResponse(BaseModel):
    waiting_cancelled: bool
    codes_withdrawn: int
    message: str
