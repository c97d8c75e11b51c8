"""The web session cookie and the CSRF protection that goes with it.

The page never sees its session token: it lives in an HttpOnly, SameSite=Strict
cookie. Requests that carry that cookie and change something must also carry the
CSRF header (signed double-submit cookie, from the ``starlette-csrf`` library);
API clients that send a bearer token and no cookie are not concerned.
"""

from __future__ import annotations

import re

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette_csrf.middleware import CSRFMiddleware

from api.errors import error_body
from coffre.settings import Settings

SESSION_COOKIE = "coffre_session"
CSRF_COOKIE = "coffre_csrf"
CSRF_HEADER = "x-coffre-csrf"
CSRF_FAILED_FR = "La page a expiré. Rechargez-la puis recommencez : rien n'a été modifié."


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_seconds,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="strict"
    )


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


class CoffreCSRFMiddleware(CSRFMiddleware):
    """starlette-csrf with Coffre's JSON error shape."""

    def _get_error_response(self, request: Request) -> Response:
        return JSONResponse(error_body("csrf_failed", CSRF_FAILED_FR), status_code=403)


def csrf_middleware_options(settings: Settings) -> dict[str, object]:
    return {
        "secret": settings.secret_key,
        "sensitive_cookies": {SESSION_COOKIE},
        "cookie_name": CSRF_COOKIE,
        "header_name": CSRF_HEADER,
        "cookie_secure": settings.cookie_secure,
        "cookie_samesite": "strict",
        # Logging in sets the session cookie; there is none to abuse before that.
        "exempt_urls": [re.compile(r"^/api/v1/auth/(web-login|prelogin)$")],
    }
