"""Personal access tokens: made by a professional, scoped, expiring, revocable, dead
with the membership or the certificate, refused on every route not listed for them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.consent.world import ConsentWorld, build_consent_world
from tests.tokens.world import bearer, make_token, token_of


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _code(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.json()["error"]["code"])


def test_a_token_is_shown_once_and_only_its_hash_is_stored(
    cw: ConsentWorld, settings: Settings
) -> None:
    made = make_token(cw.api, cw.professional, ["grants:read"], days=90)
    token = made["token"]
    assert token.startswith("coffre_pat_") and len(token) == len("coffre_pat_") + 43
    assert made["scopes"] == ["grants:read"] and made["last_used_at"] is None

    listed = cw.api.get("/api/v1/tokens", headers=cw.professional.headers).json()["tokens"]
    assert [t["id"] for t in listed] == [made["id"]]
    assert "token" not in listed[0]
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM access_tokens")).mappings().all()
    engine.dispose()
    dump = " ".join(str(value) for row in rows for value in row.values())
    assert token not in dump and token[11:] not in dump
    assert [bytes(r["token_hash"]) for r in rows] == [hashlib.sha256(token.encode()).digest()]


def test_a_token_works_on_its_scope_and_its_use_is_listed(cw: ConsentWorld) -> None:
    token = token_of(cw, ["grants:read"])
    shared = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert shared.status_code == 200, shared.text
    [listed] = cw.api.get("/api/v1/tokens", headers=cw.professional.headers).json()["tokens"]
    assert listed["last_used_at"] is not None


BAD_REQUESTS = [
    {"label": "x", "scopes": ["grants:read"], "days": 91},
    {"label": "x", "scopes": ["grants:read"], "days": 0},
    {"label": "x", "scopes": [], "days": 30},
    {"label": "x", "scopes": ["admin"], "days": 30},
    {"label": "", "scopes": ["grants:read"], "days": 30},
    {"label": "x", "scopes": ["grants:read"]},
]


def test_a_token_beyond_90_days_or_without_scope_or_label_is_refused(cw: ConsentWorld) -> None:
    for body in BAD_REQUESTS:
        response = cw.api.post("/api/v1/tokens", json=body, headers=cw.professional.headers)
        assert response.status_code == 422, body
    assert cw.api.get("/api/v1/tokens", headers=cw.professional.headers).json()["tokens"] == []


def test_a_token_without_the_route_s_scope_is_refused_before_any_lookup(cw: ConsentWorld) -> None:
    token = token_of(cw, ["requests"])
    for url in ("/api/v1/shared-with-me",):
        refused = cw.api.get(url, headers=bearer(token))
        assert refused.status_code == 403 and _code(refused) == "token_scope"
    pull = cw.api.post(
        "/api/v1/grants/unknown/documents/unknown/pull", json={}, headers=bearer(token)
    )
    assert pull.status_code == 403 and _code(pull) == "token_scope"


NOT_FOR_TOKENS = [
    ("GET", "/api/v1/tokens"),
    ("POST", "/api/v1/tokens"),
    ("DELETE", "/api/v1/tokens/x"),
    ("GET", "/api/v1/sessions"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/documents"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/me/totp"),
    ("DELETE", "/api/v1/me/totp"),
    ("POST", "/api/v1/documents"),
]


def test_a_token_is_refused_on_routes_not_listed_for_tokens(cw: ConsentWorld) -> None:
    token = token_of(cw)
    for method, url in NOT_FOR_TOKENS:
        response = cw.api.request(method, url, headers=bearer(token), json={})
        assert response.status_code == 403, (method, url, response.text)
        assert _code(response) == "token_scope"
    # Still alive, and no session was ended by the log-out it tried.
    assert cw.api.get("/api/v1/shared-with-me", headers=bearer(token)).status_code == 200


def test_an_expired_token_is_refused(cw: ConsentWorld, clock: FrozenClock) -> None:
    token = token_of(cw, ["grants:read"], days=1)
    clock.advance(days=1)
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert refused.status_code == 401 and _code(refused) == "token_expired"


def test_a_revoked_token_is_dead_at_once_and_audited(cw: ConsentWorld) -> None:
    made = make_token(cw.api, cw.professional, ["grants:read"])
    assert cw.api.get("/api/v1/shared-with-me", headers=bearer(made["token"])).status_code == 200
    gone = cw.api.delete(f"/api/v1/tokens/{made['id']}", headers=cw.professional.headers)
    assert gone.status_code == 204
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(made["token"]))
    assert refused.status_code == 401 and _code(refused) == "token_revoked"
    again = cw.api.delete(f"/api/v1/tokens/{made['id']}", headers=cw.professional.headers)
    assert again.status_code == 404 and _code(again) == "token_not_found"
    assert cw.api.get("/api/v1/tokens", headers=cw.professional.headers).json()["tokens"] == []


def test_another_professional_cannot_revoke_or_see_a_token(cw: ConsentWorld) -> None:
    made = make_token(cw.api, cw.professional, ["grants:read"])
    admin = cw.world.structure_admin
    assert cw.api.get("/api/v1/tokens", headers=admin.headers).json()["tokens"] == []
    refused = cw.api.delete(f"/api/v1/tokens/{made['id']}", headers=admin.headers)
    assert refused.status_code == 404 and _code(refused) == "token_not_found"
    assert cw.api.get("/api/v1/shared-with-me", headers=bearer(made["token"])).status_code == 200


def test_a_person_cannot_make_a_token(cw: ConsentWorld) -> None:
    refused = cw.api.post(
        "/api/v1/tokens",
        json={"label": "x", "scopes": ["grants:read"], "days": 1},
        headers=cw.person.headers,
    )
    assert refused.status_code == 403 and _code(refused) == "tokens_not_allowed"


def test_a_token_dies_when_its_membership_ends(cw: ConsentWorld) -> None:
    token = token_of(cw, ["grants:read"])
    ended = cw.api.post(
        f"/api/v1/memberships/{cw.world.memberships['professional']}/end",
        headers=cw.world.structure_admin.headers,
    )
    assert ended.status_code in (200, 204), ended.text
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert refused.status_code == 401 and _code(refused) == "token_membership_ended"


def test_an_unknown_token_is_not_authenticated(cw: ConsentWorld) -> None:
    fake = "coffre_pat_" + "A" * 43
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(fake))
    assert refused.status_code == 401 and _code(refused) == "not_authenticated"
