"""Sign-up, login (two steps: KDF parameters, then the derived login value), logout, keyring."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.cookies import clear_session_cookie, set_session_cookie
from api.deps import ActorDep, CoffreDep, EnrolmentActorDep, client_address, user_agent
from api.openapi_errors import errors
from api.schemas.accounts import (
    AccountBody,
    LoginRequest,
    LoginResponse,
    MeResponse,
    PreloginRequest,
    PreloginResponse,
    SignupRequest,
    TerritoryResponse,
)
from coffre.accounts.errors import (
    InvalidCredentials,
    InvalidKeyMaterial,
    InvalidLogin,
    InvalidTotp,
    LoginTaken,
    TooManyAttempts,
    TotpRequired,
    WeakKdfParameters,
)
from coffre.accounts.service import LoginResult
from coffre.accounts.sessions import SessionKind
from coffre.structures.errors import InvalidInvitation

# What a login can answer besides a malformed body.
LOGIN_ERRORS = errors(InvalidCredentials, TotpRequired, InvalidTotp, TooManyAttempts, InvalidLogin)

router = APIRouter(tags=["accounts"])


@router.post(
    "/accounts",
    status_code=201,
    responses=errors(
        LoginTaken, InvalidLogin, InvalidKeyMaterial, WeakKdfParameters, InvalidInvitation
    ),
)
def signup(body: SignupRequest, coffre: CoffreDep) -> AccountBody:
    """Create a person's account from what their client produced (no passphrase here).

    With an ``invitation_code`` (assisted sign-up), the invitation is consumed in the
    same transaction.
    """
    data = body.data()
    if body.invitation_code:
        account = coffre.structures.accept_person(body.invitation_code, data)
    else:
        account = coffre.accounts.signup(data)
    return AccountBody.of(account)


@router.get("/territory")
def territory(coffre: CoffreDep) -> TerritoryResponse:
    """The territory's identifier (COFFRE_TERRITORY) that clients put in every v2
    passphrase salt (crypto/SPEC.md §19.2). A client configured with it does not ask."""
    return TerritoryResponse(territory=coffre.settings.territory)


@router.post("/auth/prelogin")
def prelogin(body: PreloginRequest, coffre: CoffreDep) -> PreloginResponse:
    """The KDF parameters to derive the login value; the same shape for unknown logins."""
    return PreloginResponse(kdf=coffre.accounts.prelogin(body.login))


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


@router.post("/auth/login", responses=LOGIN_ERRORS)
def login(body: LoginRequest, request: Request, coffre: CoffreDep) -> LoginResponse:
    """Login for API clients (CLI, partners): the token is returned, for a bearer header."""
    return LoginResponse.of(_login(body, request, coffre, SessionKind.API))


@router.post("/auth/web-login", responses=LOGIN_ERRORS)
def web_login(
    body: LoginRequest, request: Request, coffre: CoffreDep, response: Response
) -> MeResponse:
    """Login for the page: the token goes into an HttpOnly cookie, never to the script."""
    result = _login(body, request, coffre, SessionKind.WEB)
    set_session_cookie(response, result.token, coffre.settings)
    return MeResponse.of(result.account, restricted=result.restricted)


@router.post("/auth/logout", status_code=204)
def logout(actor: EnrolmentActorDep, coffre: CoffreDep) -> Response:
    coffre.accounts.logout(actor)
    response = Response(status_code=204)
    clear_session_cookie(response, coffre.settings)
    return response


@router.get("/me")
def me(actor: ActorDep, coffre: CoffreDep) -> MeResponse:
    """The caller's account and wrapped keyring."""
    return MeResponse.of(coffre.accounts.account(actor))
