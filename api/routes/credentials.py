"""Regaining access and leaving: recovery with the kit, passphrase change, reset
without the kit, account erasure (coffre/accounts/recovery.py, reset.py, erasure.py).

The server never receives a passphrase, the recovery secret or the master key:
only login values, KDF parameters and wrapped keys the client made.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.cookies import clear_session_cookie, set_session_cookie
from api.deps import ActorDep, CoffreDep, client_address, user_agent
from api.openapi_errors import errors
from api.schemas.accounts import AccountBody, LoginResponse, MeResponse
from api.schemas.credentials import (
    ChangePassphraseRequest,
    ChangePassphraseResponse,
    ChangeRecoveryCodeRequest,
    EraseRequest,
    KdfUpgradeResponse,
    NewPassphraseBody,
    RecoverPassphraseRequest,
    RecoverRequest,
    RecoverResponse,
    RecoveryKeysBody,
    ResetRequest,
)
from api.schemas.reset import (
    PendingResetBody,
    PendingResetResponse,
    ResetCancelledResponse,
    ResetRequestedResponse,
)
from coffre.accounts.credential_errors import (
    ErasureRefused,
    InvalidRecoveryToken,
    InvalidResetCode,
    ResetNotPending,
    WrongPassphrase,
)
from coffre.accounts.errors import (
    InvalidCredentials,
    InvalidKeyMaterial,
    InvalidTotp,
    KdfV1Refused,
    TooManyAttempts,
)
from coffre.accounts.recovery import NewPassphrase, NewRecoveryCode
from coffre.accounts.service import LoginResult
from coffre.accounts.sessions import SessionKind

router = APIRouter(tags=["credentials"])


def _new_passphrase(body: NewPassphraseBody) -> NewPassphrase:
    return NewPassphrase(
        kdf=body.kdf,
        auth_key=body.auth_key,
        wrapped_master_passphrase=body.wrapped_master_passphrase,
    )


@router.post("/auth/recover", responses=errors(InvalidCredentials, InvalidTotp, TooManyAttempts))
def recover(body: RecoverRequest, request: Request, coffre: CoffreDep) -> RecoverResponse:
    """Step 1 of recovery: the recovery login value, checked and throttled like a login."""
    start = coffre.recovery.begin(
        body.login,
        body.recovery_auth_key,
        totp_code=body.totp_code,
        address=client_address(request),
    )
    account = start.account
    return RecoverResponse(
        recovery_token=start.token,
        expires_in=start.expires_in,
        account=AccountBody.of(account),
        recovery=RecoveryKeysBody(
            wrapped_master_recovery=account.wrapped_master_recovery,
            wrapped_keyring=account.wrapped_keyring,
            box_public_key=account.box_public_key,
            sign_public_key=account.sign_public_key,
        ),
    )


def _complete(
    body: RecoverPassphraseRequest, request: Request, coffre: CoffreDep, kind: SessionKind
) -> LoginResult:
    return coffre.recovery.complete(
        body.token, _new_passphrase(body), kind=kind, user_agent=user_agent(request)
    )


@router.post(
    "/auth/recover/passphrase",
    responses=errors(InvalidKeyMaterial, InvalidRecoveryToken, KdfV1Refused),
)
def recover_passphrase(
    body: RecoverPassphraseRequest, request: Request, coffre: CoffreDep
) -> LoginResponse:
    """Step 2: the new passphrase's wrapped master key; every session ends, a new one opens."""
    return LoginResponse.of(_complete(body, request, coffre, SessionKind.API))


@router.post(
    "/auth/web-recover/passphrase",
    responses=errors(InvalidKeyMaterial, InvalidRecoveryToken, KdfV1Refused),
)
def web_recover_passphrase(
    body: RecoverPassphraseRequest, request: Request, coffre: CoffreDep, response: Response
) -> MeResponse:
    """Step 2 for the page: the new session goes into the HttpOnly cookie."""
    result = _complete(body, request, coffre, SessionKind.WEB)
    set_session_cookie(response, result.token, coffre.settings)
    return MeResponse.of(result.account)


@router.post(
    "/me/passphrase",
    responses=errors(InvalidKeyMaterial, WrongPassphrase, TooManyAttempts, KdfV1Refused),
)
def change_passphrase(
    body: ChangePassphraseRequest, request: Request, actor: ActorDep, coffre: CoffreDep
) -> ChangePassphraseResponse:
    """A new passphrase while logged in; the current login value is required."""
    revoked = coffre.recovery.change_passphrase(
        actor, body.current_auth_key, _new_passphrase(body), address=client_address(request)
    )
    return ChangePassphraseResponse(revoked_sessions=revoked)


@router.post(
    "/me/recovery-code",
    status_code=204,
    responses=errors(InvalidKeyMaterial, WrongPassphrase, TooManyAttempts),
)
def change_recovery_code(
    body: ChangeRecoveryCodeRequest, request: Request, actor: ActorDep, coffre: CoffreDep
) -> Response:
    """A new recovery kit while logged in ("Refaire mon kit de récupération"): the new
    recovery login value and wrapped master key replace the old ones at once, so the
    old kit no longer opens the account; the passphrase and the sessions stay."""
    new = NewRecoveryCode(
        recovery_auth_key=body.recovery_auth_key,
        wrapped_master_recovery=body.wrapped_master_recovery,
    )
    coffre.recovery.change_recovery_code(
        actor, body.current_auth_key, new, address=client_address(request)
    )
    return Response(status_code=204)


@router.post(
    "/me/kdf-upgrade",
    responses=errors(InvalidKeyMaterial, WrongPassphrase, TooManyAttempts, KdfV1Refused),
)
def upgrade_kdf(
    body: ChangePassphraseRequest, request: Request, actor: ActorDep, coffre: CoffreDep
) -> KdfUpgradeResponse:
    """Move a v1 account's passphrase KDF to v2 (crypto/SPEC.md §19) with the same
    passphrase, as its client does at the first unlock: the current (v1) login value,
    the v2 parameters, login value and wrapped master key. Sessions stay valid;
    ``upgraded`` is false when the account was already v2 (nothing changed)."""
    upgraded = coffre.recovery.upgrade_kdf(
        actor, body.current_auth_key, _new_passphrase(body), address=client_address(request)
    )
    return KdfUpgradeResponse(upgraded=upgraded)


@router.post("/auth/reset", responses=errors(InvalidResetCode, KdfV1Refused))
def reset(body: ResetRequest, coffre: CoffreDep) -> ResetRequestedResponse:
    """Without the kit: the code is spent and the new keys wait (7 days by default);
    then they replace the old ones and the old documents are destroyed."""
    requested = coffre.resets.reset(body.data(), body.reset_code)
    return ResetRequestedResponse(
        account=AccountBody.of(requested.account),
        completes_at=requested.completes_at,
        message=requested.message_fr,
    )


@router.get("/me/reset")
def pending_reset(actor: ActorDep, coffre: CoffreDep) -> PendingResetResponse:
    """A reset of the caller's account that waits, or a reset code not used yet."""
    view = coffre.resets.pending(actor)
    if view is None:
        return PendingResetResponse(pending=None)
    body = PendingResetBody(stage=view.stage, since=view.since, until=view.until)
    return PendingResetResponse(pending=body)


@router.post("/me/reset/cancel", responses=errors(ResetNotPending))
def cancel_reset(actor: ActorDep, coffre: CoffreDep) -> ResetCancelledResponse:
    """Cancel the waiting reset (and withdraw a code not used yet): nothing changes."""
    cancelled = coffre.resets.cancel(actor)
    return ResetCancelledResponse(
        waiting_cancelled=cancelled.waiting_cancelled,
        codes_withdrawn=cancelled.codes_withdrawn,
        message=cancelled.message_fr,
    )


@router.delete(
    "/me", status_code=204, responses=errors(WrongPassphrase, TooManyAttempts, ErasureRefused)
)
def erase_account(
    body: EraseRequest, request: Request, actor: ActorDep, coffre: CoffreDep
) -> Response:
    """Erase the caller's account and every document in it (GDPR); the login is freed."""
    coffre.erasure.erase(actor, body.auth_key, address=client_address(request))
    response = Response(status_code=204)
    clear_session_cookie(response, coffre.settings)
    return response
