"""The provider's side of a ProConnect login: what Coffre asks of the provider
(``ProviderClient``, implemented over HTTP by api/proconnect_http.py) and the checks
of what it answers: the ID token (signature against the provider's JWKS, RS256 or
ES256 only; issuer; audience and ``azp``; expiry; ``nonce``) and the userinfo answer
(a signed JWT as ProConnect sends it, or JSON) for ``given_name``, ``usual_name``,
``email`` and ``siret``. Each failure raises its own error (proconnect_errors.py).
The flow and the link are coffre/accounts/proconnect.py's.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError, MissingKeyError
from joserfc.jwk import KeySet

from coffre.accounts.proconnect_errors import (
    ProConnectAudienceInvalid,
    ProConnectIssuerInvalid,
    ProConnectNonceInvalid,
    ProConnectSignatureInvalid,
    ProConnectTokenExpired,
    ProConnectTokenInvalid,
)
from coffre.settings import Settings

ALGORITHMS = ("RS256", "ES256")
LEEWAY_SECONDS = 60  # clock skew tolerated on exp / iat
_SIRET = re.compile(r"^[0-9]{14}$")


class ProviderClient(Protocol):
    """The HTTP side of the provider (api/proconnect_http.py). Errors are raised as
    ``ProConnectUnavailable`` (no answer) or ``ProConnectProviderRefused``."""

    def metadata(self) -> Mapping[str, Any]:
        """The provider's /.well-known/openid-configuration (its issuer checked)."""
        ...

    def jwks(self, *, refresh: bool = False) -> Mapping[str, Any]:
        """The provider's signing keys; ``refresh`` fetches them again (rotation)."""
        ...

    def exchange_code(self, *, code: str, code_verifier: str) -> Mapping[str, Any]:
        """The token endpoint's answer for an authorization code."""
        ...

    def userinfo(self, access_token: str) -> tuple[str, bytes]:
        """The userinfo answer: its content type and body."""
        ...


def decode(provider: ProviderClient, token: str) -> dict[str, Any]:
    """A JWT signed by one of the provider's keys (RS256/ES256), its claims."""
    for refresh in (False, True):
        keys = KeySet.import_key_set(dict(provider.jwks(refresh=refresh)))  # type: ignore[arg-type]
        try:
            decoded = jwt.decode(token, keys, algorithms=list(ALGORITHMS))
        except (BadSignatureError, MissingKeyError):
            continue  # the provider may have rotated its keys: fetch them once more
        except (JoseError, ValueError) as exc:
            raise ProConnectTokenInvalid() from exc
        return dict(decoded.claims)
    raise ProConnectSignatureInvalid()


def check_id_token(
    provider: ProviderClient, settings: Settings, id_token: str, nonce: str, at: datetime
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, times and nonce
    are checked (OpenID Connect Core §3.1.3.7)."""
    claims = decode(provider, id_token)
    if claims.get("iss") != settings.proconnect_issuer:
        raise ProConnectIssuerInvalid()
    check_audience(settings, claims)
    now = int(at.timestamp())
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int) or not isinstance(iat, int):
        raise ProConnectTokenInvalid()
    if exp + LEEWAY_SECONDS <= now:
        raise ProConnectTokenExpired()
    if iat - LEEWAY_SECONDS > now:
        raise ProConnectTokenInvalid()
    given = claims.get("nonce")
    if not isinstance(given, str) or not hmac.compare_digest(given.encode(), nonce.encode()):
        raise ProConnectNonceInvalid()
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub or len(sub) > 255:
        raise ProConnectTokenInvalid()
    return claims


def check_audience(settings: Settings, claims: Mapping[str, Any]) -> None:
    client_id = settings.proconnect_client_id
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if client_id not in audiences:
        raise ProConnectAudienceInvalid()
    # OpenID Connect Core §3.1.3.7: several audiences need azp to name us.
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != client_id:
        raise ProConnectAudienceInvalid()


def userinfo_identity(
    provider: ProviderClient, settings: Settings, access_token: str, subject: str
) -> dict[str, str]:
    """The claims Coffre keeps from the userinfo answer (signed JWT or JSON)."""
    content_type, body = provider.userinfo(access_token)
    if content_type.split(";")[0].strip().lower() == "application/jwt":
        # ProConnect signs its userinfo answer: same keys, same issuer and audience.
        info = decode(provider, body.decode("ascii", "replace").strip())
        if info.get("iss") != settings.proconnect_issuer:
            raise ProConnectIssuerInvalid()
        check_audience(settings, info)
    else:
        try:
            parsed = json.loads(body)
        except ValueError as exc:
            raise ProConnectTokenInvalid() from exc
        if not isinstance(parsed, dict):
            raise ProConnectTokenInvalid()
        info = parsed
    if info.get("sub") != subject:
        # OpenID Connect Core §5.3.2: another subject's answer must not be used.
        raise ProConnectTokenInvalid()
    identity: dict[str, str] = {}
    for name, limit in (("given_name", 120), ("usual_name", 120), ("email", 254)):
        value = info.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise ProConnectTokenInvalid()
        identity[name] = value.strip()
    siret = info.get("siret")
    if not isinstance(siret, str) or not _SIRET.match(siret):
        raise ProConnectTokenInvalid()
    identity["siret"] = siret
    return identity
