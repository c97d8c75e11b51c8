"""ProConnect login for professionals: start, callback, then the passphrase (docs/PROCONNECT.md).

The browser's login in progress is named by an HttpOnly cookie whose token only the
browser holds (its hash is in the flow row). The cookie is SameSite=Lax: the
provider sends the browser back with a top-level GET from another site, which a
Strict cookie would not survive; a cross-site POST (``complete``) does not carry it.
Every route answers 404 (``proconnect_disabled``) when ProConnect is not configured.

Once a session opens, the ID token stays in the browser only, in a second HttpOnly
cookie (SameSite=Strict, the same path): it is the ``id_token_hint`` the provider
needs to end the agent's ProConnect session when they log out of Coffre
(``/auth/proconnect/logout``). Coffre's server keeps no copy.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.cookies import set_session_cookie
from api.deps import ActorDep, CoffreDep, client_address, user_agent
from api.openapi_errors import errors
from api.schemas.accounts import MeResponse
from api.schemas.proconnect import (
    ProConnectCompleteRequest,
    ProConnectJoinRequest,
    ProConnectLinkBody,
    ProConnectPending,
    ProConnectStarted,
    ProConnectStartRequest,
    ProConnectUnlinkRequest,
)
from coffre.accounts.credential_errors import WrongPassphrase
from coffre.accounts.errors import TooManyAttempts
from coffre.accounts.proconnect import FLOW_SECONDS, OpenedLogin, ProConnectService
from coffre.accounts.proconnect_errors import ProConnectDisabled, ProConnectLinkNotFound
from coffre.errors import CoffreError

router = APIRouter(tags=["proconnect"])

FLOW_COOKIE = "coffre_proconnect"
LOGOUT_COOKIE = "coffre_proconnect_logout"
_COOKIE_PATH = "/api/v1/auth/proconnect"


def _service(request: Request) -> ProConnectService:
    service: ProConnectService = request.app.state.proconnect
    return service


def _enabled(request: Request) -> ProConnectService:
    service = _service(request)
    if not service.enabled:
        raise ProConnectDisabled()
    return service


def _flow_cookie(request: Request) -> str | None:
    return request.cookies.get(FLOW_COOKIE)


def _forget_flow(response: Response, secure: bool) -> None:
    response.delete_cookie(FLOW_COOKIE, path=_COOKIE_PATH, secure=secure, httponly=True)


def _set_flow(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        FLOW_COOKIE,
        token,
        max_age=FLOW_SECONDS,
        path=_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def _opened(response: Response, opened: OpenedLogin, coffre: CoffreDep) -> MeResponse:
    """The session cookie, the ID token kept for the logout, the flow forgotten."""
    settings = coffre.settings
    set_session_cookie(response, opened.login.token, settings)
    _forget_flow(response, settings.cookie_secure)
    if opened.id_token:
        response.set_cookie(
            LOGOUT_COOKIE,
            opened.id_token,
            max_age=settings.session_ttl_seconds,
            path=_COOKIE_PATH,
            secure=settings.cookie_secure,
            httponly=True,
            samesite="strict",
        )
    return MeResponse.of(opened.login.account, restricted=opened.login.restricted)


@router.get("/auth/proconnect/start")
def start(request: Request, coffre: CoffreDep) -> Response:
    """Go to ProConnect (303): the login screen's "Se connecter avec ProConnect" link."""
    started = _service(request).start(None)
    response = RedirectResponse(started.authorization_url, status_code=303)
    _set_flow(response, started.browser_token, coffre.settings.cookie_secure)
    return response


@router.post("/auth/proconnect/start")
def start_with_invitation(
    body: ProConnectStartRequest, request: Request, coffre: CoffreDep, response: Response
) -> ProConnectStarted:
    """A first login, to link the identity with an invitation code: the code travels in
    a JSON body (a secret must not land in access logs) and the page then sends the
    browser to ``authorization_url`` itself (a form's redirect to another origin would
    break the page's CSP ``form-action 'self'``)."""
    started = _service(request).start(body.invitation)
    _set_flow(response, started.browser_token, coffre.settings.cookie_secure)
    return ProConnectStarted(authorization_url=started.authorization_url)


@router.get("/auth/proconnect/callback")
def callback(request: Request, coffre: CoffreDep) -> Response:
    """The provider sends the browser back here; then to the page, which asks for the
    passphrase (``/#proconnect``) or says why it was refused (``/#proconnect-error=code``)."""
    params = request.query_params
    service = _service(request)
    if not service.enabled:
        raise ProConnectDisabled()  # a 404 as the other routes, not a redirect
    try:
        service.callback(
            _flow_cookie(request),
            state=params.get("state"),
            code=params.get("code"),
            error=params.get("error"),
            issuer=params.get("iss"),
        )
    except CoffreError as refusal:
        refused = RedirectResponse(f"/#proconnect-error={quote(refusal.code)}", status_code=303)
        _forget_flow(refused, coffre.settings.cookie_secure)
        return refused
    return RedirectResponse("/#proconnect", status_code=303)


@router.get("/auth/proconnect/pending")
def pending(request: Request) -> ProConnectPending:
    """Who ProConnect said this is (names for the page), before the passphrase."""
    return ProConnectPending.of(_service(request).pending(_flow_cookie(request)))


@router.post("/auth/proconnect/complete")
def complete(
    body: ProConnectCompleteRequest, request: Request, coffre: CoffreDep, response: Response
) -> MeResponse:
    """The passphrase's login value (derived in the page): the session opens only now,
    in an HttpOnly cookie as at a passphrase login; a first login links the identity."""
    opened = _service(request).complete(
        _flow_cookie(request),
        auth_key=body.auth_key,
        login=body.login,
        totp_code=body.totp_code,
        address=client_address(request),
        user_agent=user_agent(request),
    )
    return _opened(response, opened, coffre)


@router.post("/auth/proconnect/join", status_code=201)
def join(
    body: ProConnectJoinRequest, request: Request, coffre: CoffreDep, response: Response
) -> MeResponse:
    """A professional invited by their structure, without an account yet: the account
    the page made (keys and passphrase chosen on the device), its membership and the
    link, at once; the session opens as at a sign-up."""
    opened = _service(request).join(
        _flow_cookie(request),
        body.account.data(),
        address=client_address(request),
        user_agent=user_agent(request),
    )
    return _opened(response, opened, coffre)


@router.get("/auth/proconnect/logout")
def logout(request: Request, coffre: CoffreDep) -> Response:
    """After the page has ended the Coffre session: to ProConnect's logout (which comes
    back to the home page), or straight home when this browser holds no ID token."""
    url = _enabled(request).logout_url(request.cookies.get(LOGOUT_COOKIE))
    response = RedirectResponse(url or "/", status_code=303)
    response.delete_cookie(
        LOGOUT_COOKIE, path=_COOKIE_PATH, secure=coffre.settings.cookie_secure, httponly=True
    )
    return response


@router.get("/auth/proconnect/link")
def link_status(request: Request, actor: ActorDep) -> ProConnectLinkBody:
    """Whether the caller's account is linked to a ProConnect identity."""
    return ProConnectLinkBody.of(_enabled(request).links.status(actor))


@router.post(
    "/auth/proconnect/unlink",
    status_code=204,
    responses=errors(WrongPassphrase, TooManyAttempts, ProConnectLinkNotFound),
)
def unlink(body: ProConnectUnlinkRequest, request: Request, actor: ActorDep) -> Response:
    """Undo the caller's link, the passphrase proven again (its login value)."""
    _enabled(request).links.unlink(actor, body.auth_key, address=client_address(request))
    return Response(status_code=204)
