"""ProConnect login for professionals: start, callback, then the passphrase (docs/PROCONNECT.md).

The browser's login in progress is named by an HttpOnly cookie whose token only the
browser holds (its hash is in the flow row). The cookie is SameSite=Lax: the
provider sends the browser back with a top-level GET from another site, which a
Strict cookie would not survive; a cross-site POST (``complete``) does not carry it.
All four routes answer 404 (``proconnect_disabled``) when ProConnect is not configured.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.cookies import set_session_cookie
from api.deps import CoffreDep, client_address, user_agent
from api.schemas.accounts import MeResponse
from api.schemas.proconnect import (
    ProConnectCompleteRequest,
    ProConnectPending,
    ProConnectStarted,
    ProConnectStartRequest,
)
from coffre.accounts.proconnect import FLOW_SECONDS, ProConnectService
from coffre.accounts.proconnect_errors import ProConnectDisabled
from coffre.errors import CoffreError

router = APIRouter(tags=["proconnect"])

FLOW_COOKIE = "coffre_proconnect"
_COOKIE_PATH = "/api/v1/auth/proconnect"


def _service(request: Request) -> ProConnectService:
    service: ProConnectService = request.app.state.proconnect
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
    result = _service(request).complete(
        _flow_cookie(request),
        auth_key=body.auth_key,
        login=body.login,
        totp_code=body.totp_code,
        address=client_address(request),
        user_agent=user_agent(request),
    )
    set_session_cookie(response, result.token, coffre.settings)
    _forget_flow(response, coffre.settings.cookie_secure)
    return MeResponse.of(result.account, restricted=result.restricted)
