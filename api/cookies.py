"""The web session cookie and the CSRF protection that goes with it.

The page never sees its session token: it lives in an HttpOnly, SameSite=Strict
cookie. Requests that carry that cookie and change something must also carry the
CSRF header, whose value is bound to that very session (a keyed hash of its token,
``csrf_token``): a token minted for another session or for an anonymous visitor is
refused. API clients that send a bearer token and no cookie are not concerned.
"""

from __future__ import annotations

import hmac
import re

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body
from coffre.metrics import REFUSALS
from coffre.settings import Settings
from crypto import b64encode

SESSION_COOKIE = "coffre_session"
CSRF_COOKIE = "coffre_csrf"
CSRF_HEADER = "x-coffre-csrf"
# The CSRF key's purpose in the keyring (coffre/secrets/keyring.py): tokens are made
# under the newest secret and accepted under any secret of the ring.
CSRF_KEY_LABEL = "coffre/csrf/v2"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FAILED_FR = "La page a expiré. Rechargez-la puis recommencez : rien n'a été modifié."


def set_session_cookie(response: Response, token: str, settings: Settings) -> None:
    """The session cookie, and next to it the CSRF token bound to that session."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_seconds,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="strict",
    )
    _set_csrf_cookie(
        response,
        csrf_token(settings.keyring.derive(CSRF_KEY_LABEL), token),
        secure=settings.cookie_secure,
        max_age=settings.session_ttl_seconds,
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="strict"
    )
    response.delete_cookie(CSRF_COOKIE, path="/", secure=settings.cookie_secure, samesite="strict")


def _set_csrf_cookie(
    response: Response, token: str, *, secure: bool, max_age: int | None = None
) -> None:
    # Readable by the page's script (it copies it into the header); worth nothing alone.
    response.set_cookie(
        CSRF_COOKIE,
        token,
        max_age=max_age,
        path="/",
        secure=secure,
        httponly=False,
        samesite="strict",
    )


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(SESSION_COOKIE)


def csrf_token(key: bytes, session_token: str) -> str:
    """The CSRF token of one session: a keyed hash of its session token, so that only
    the server can make it and it is worth nothing with any other session."""
    return b64encode(hmac.new(key, session_token.encode(), "sha256").digest())


class CoffreCSRFMiddleware:
    """Refuses a change made with the session cookie unless the CSRF header carries
    that session's own token (``csrf_token``).

    The token is bound to the session: a token minted for another session, or for a
    visitor without one, is refused, so a cookie planted in the browser (a sibling
    sub-domain can set cookies for ours) does not help a forged request. The page
    reads the token from the script-readable ``coffre_csrf`` cookie, set with the
    session cookie at login, and set again on any answer to a request whose cookie
    is not the session's (a page loaded before an upgrade keeps working after a reload).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: list[bytes],
        cookie_secure: bool,
        exempt_urls: re.Pattern[str],
    ) -> None:
        self.app = app
        # Newest first: the first makes tokens, every one verifies them (a secret added
        # in front keeps the pages already open working; a retired one no longer does).
        self.keys = keys
        self.cookie_secure = cookie_secure
        self.exempt_urls = exempt_urls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session = request.cookies.get(SESSION_COOKIE)
        if not session:
            await self.app(scope, receive, send)
            return
        valid = [csrf_token(key, session) for key in self.keys]
        expected = valid[0]
        if request.method not in _SAFE_METHODS and not self.exempt_urls.match(request.url.path):
            submitted = request.headers.get(CSRF_HEADER, "").encode()
            # Every key compared (no early exit): the time does not tell which matched.
            matches = [hmac.compare_digest(submitted, token.encode()) for token in valid]
            if not any(matches):
                REFUSALS.labels("csrf_failed").inc()
                refused = JSONResponse(error_body("csrf_failed", CSRF_FAILED_FR), status_code=403)
                await refused(scope, receive, send)
                return
        # An older key's token still passes, but the cookie moves to the newest one.
        if request.cookies.get(CSRF_COOKIE) == expected:
            await self.app(scope, receive, send)
            return

        async def send_with_token(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                sets_own = any(
                    value.startswith(CSRF_COOKIE + "=") for value in headers.getlist("set-cookie")
                )
                if not sets_own:  # a login sets the new session's token itself
                    headers.append("set-cookie", self._cookie(expected))
            await send(message)

        await self.app(scope, receive, send_with_token)

    def _cookie(self, token: str) -> str:
        response = Response()
        _set_csrf_cookie(response, token, secure=self.cookie_secure)
        return response.headers["set-cookie"]


def csrf_middleware_options(settings: Settings) -> dict[str, object]:
    return {
        "keys": settings.keyring.derive_all(CSRF_KEY_LABEL),
        "cookie_secure": settings.cookie_secure,
        # Logging in sets the session cookie; there is none to abuse before that. The
        # ProConnect steps are bound to their own SameSite=Lax flow cookie instead.
        "exempt_urls": re.compile(
            r"^/api/v1/auth/(web-login|prelogin|proconnect/start|proconnect/complete)$"
        ),
    }
