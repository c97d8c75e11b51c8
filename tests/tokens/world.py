"""A consent world with a professional who makes personal access tokens."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.consent.world import ConsentWorld
from tests.structures.world import Who

ALL = ["grants:read", "grants:pull", "grants:report", "requests", "deposits"]


def make_token(
    api: TestClient,
    who: Who,
    scopes: list[str] | None = None,
    *,
    days: int = 30,
    label: str = "Logiciel RSA",
) -> dict[str, Any]:
    response = api.post(
        "/api/v1/tokens",
        json={"label": label, "scopes": ALL if scopes is None else scopes, "days": days},
        headers=who.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of(cw: ConsentWorld, scopes: list[str] | None = None, **kw: Any) -> str:
    return str(make_token(cw.api, cw.professional, scopes, **kw)["token"])
