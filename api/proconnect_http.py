"""The HTTP side of ProConnect (``coffre.accounts.proconnect.ProviderClient``).

authlib's httpx OAuth 2 client does the token request (client_secret_post, the PKCE
verifier, its error answers raised as ``OAuthError``); plain httpx reads the discovery
document, the JWKS and the userinfo answer. Every call has a timeout; nothing the
provider says is logged (tokens, names). Built once in the app's lifespan, only when
the four COFFRE_PROCONNECT_* settings are set.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client

from coffre.accounts.proconnect import ProConnectService
from coffre.accounts.proconnect_errors import (
    ProConnectIssuerInvalid,
    ProConnectProviderRefused,
    ProConnectUnavailable,
)
from coffre.container import Coffre
from coffre.settings import Settings

_TIMEOUT_SECONDS = 10.0
_TIMEOUT = httpx.Timeout(_TIMEOUT_SECONDS)


class HttpProviderClient:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = httpx.get(url, timeout=_TIMEOUT, follow_redirects=False)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProConnectUnavailable() from exc
        if not isinstance(body, dict):
            raise ProConnectUnavailable()
        return body

    def metadata(self) -> Mapping[str, Any]:
        with self._lock:
            if self._metadata is None:
                issuer = self._settings.proconnect_issuer.rstrip("/")
                found = self._get_json(issuer + "/.well-known/openid-configuration")
                # OpenID Connect Discovery §4.3: the document names the issuer we asked.
                if found.get("issuer") != self._settings.proconnect_issuer:
                    raise ProConnectIssuerInvalid()
                self._metadata = found
            return self._metadata

    def jwks(self, *, refresh: bool = False) -> Mapping[str, Any]:
        uri = str(self.metadata()["jwks_uri"])
        with self._lock:
            if self._jwks is None or refresh:
                self._jwks = self._get_json(uri)
            return self._jwks

    def exchange_code(self, *, code: str, code_verifier: str) -> Mapping[str, Any]:
        endpoint = str(self.metadata()["token_endpoint"])
        client = OAuth2Client(
            self._settings.proconnect_client_id,
            self._settings.proconnect_client_secret,
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method name
            timeout=_TIMEOUT_SECONDS,
        )
        try:
            with client:
                token = client.fetch_token(
                    endpoint,
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=self._settings.proconnect_redirect_uri,
                    code_verifier=code_verifier,
                )
        except OAuthError as exc:  # invalid_grant: a code reused, expired, not ours
            raise ProConnectProviderRefused() from exc
        except (httpx.HTTPError, ValueError) as exc:
            raise ProConnectUnavailable() from exc
        return dict(token)

    def userinfo(self, access_token: str) -> tuple[str, bytes]:
        endpoint = str(self.metadata()["userinfo_endpoint"])
        try:
            response = httpx.get(
                endpoint,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=_TIMEOUT,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            raise ProConnectUnavailable() from exc
        if response.status_code in (401, 403):
            raise ProConnectProviderRefused()
        if response.status_code != 200:
            raise ProConnectUnavailable()
        return response.headers.get("content-type", ""), response.content


def proconnect_service(coffre: Coffre) -> ProConnectService:
    """The service, with a provider client only when ProConnect is configured."""
    settings = coffre.settings
    provider = HttpProviderClient(settings) if settings.proconnect_enabled else None
    return ProConnectService(coffre.db, settings, coffre.clock, coffre.accounts, provider)
