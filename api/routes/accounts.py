"""Sign-up, login (two steps: KDF parameters, then the derived login value), logout, keyring."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.cookies import clear_session_cookie, set_session_cookie
from api.deps import ActorDep, CoffreDep, EnrolmentActorDep, client_address, user_agent
from api.schemas.accounts import (
    AccountBody,
    KdfParamsBody,
    KeyringBody,
    LoginRequest,
    LoginResponse,
    MeResponse,
    PreloginRequest,
    PreloginResponse,
    SignupRequest,
)
from coffre.accounts.models import Account
from coffre.accounts.service import LoginResult, SignupData
from coffre.accounts.sessions import SessionKind
from crypto import KdfParams

router = APIRouter(tags=["accounts"])


def _account_body(account: Account) -> AccountBody:
    return AccountBody(
        id=account.id,
        kind=account.kind,
        login=account.login,
        box_public_key=account.box_public_key,
        sign_public_key=account.sign_public_key,
    )


def _keyring_body(account: Account) -> KeyringBody:
    return KeyringBody(
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


def signup_data(body: SignupRequest) -> SignupData:
    return SignupData(
        login=body.login,
        kdf=KdfParams(
            salt=body.kdf.salt,
            opslimit=body.kdf.opslimit,
            memlimit=body.kdf.memlimit,
            alg=body.kdf.alg,
        ),
        auth_key=body.auth_key,
        recovery_auth_key=body.recovery_auth_key,
        wrapped_master_passphrase=body.wrapped_master_passphrase,
        wrapped_master_recovery=body.wrapped_master_recovery,
        wrapped_keyring=body.wrapped_keyring,
        box_public_key=body.box_public_key,
        sign_public_key=body.sign_public_key,
    )


@router.post("/accounts", status_code=201)
def signup(body: SignupRequest, coffre: CoffreDep) -> AccountBody:
    """Create a person's account from what their client produced (no passphrase here).

    With an ``invitation_code`` (assisted sign-up), the invitation is consumed in the
    same transaction.
    """
    data = signup_data(body)
    if body.invitation_code:
        account = coffre.structures.accept_person(body.invitation_code, data)
    else:
        account = coffre.accounts.signup(data)
    return _account_body(account)


@router.post("/auth/prelogin")
def prelogin(body: PreloginRequest, coffre: CoffreDep) -> PreloginResponse:
    """The KDF parameters to derive the login value; the same shape for unknown logins."""
    params = coffre.accounts.prelogin(body.login)
    return PreloginResponse(
        kdf=KdfParamsBody(
            alg=params.alg, salt=params.salt, opslimit=params.opslimit, memlimit=params.memlimit
        )
    )


def _login(
    body: LoginRequest, request: Request, coffre: CoffreDep, kind: SessionKind
) -> LoginResult:
    return coffre.accounts.login(
        body.login,
        body.auth_key,
        totp_code=body.totp_code,
        address=client_address(request),
        user_agent=user_agent(request),
        kind=kind,
    )


@router.post("/auth/login")
def login(body: LoginRequest, request: Request, coffre: CoffreDep) -> LoginResponse:
    """Login for API clients (CLI, partners): the token is returned, for a bearer header."""
    result = _login(body, request, coffre, SessionKind.API)
    return LoginResponse(
        token=result.token,
        expires_in=result.expires_in,
        account=_account_body(result.account),
        keyring=_keyring_body(result.account),
        totp_enrolment_required=result.restricted,
    )


@router.post("/auth/web-login")
def web_login(
    body: LoginRequest, request: Request, coffre: CoffreDep, response: Response
) -> MeResponse:
    """Login for the page: the token goes into an HttpOnly cookie, never to the script."""
    result = _login(body, request, coffre, SessionKind.WEB)
    set_session_cookie(response, result.token, coffre.settings)
    return MeResponse(account=_account_body(result.account), keyring=_keyring_body(result.account))


@router.post("/auth/logout", status_code=204)
def logout(actor: EnrolmentActorDep, coffre: CoffreDep) -> Response:
    coffre.accounts.logout(actor)
    response = Response(status_code=204)
    clear_session_cookie(response, coffre.settings)
    return response


@router.get("/me")
def me(actor: ActorDep, coffre: CoffreDep) -> MeResponse:
    """The caller's account and wrapped keyring."""
    account = coffre.accounts.account(actor)
    return MeResponse(account=_account_body(account), keyring=_keyring_body(account))
