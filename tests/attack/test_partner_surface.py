"""An attacker's review of issue 20's partner surface (tokens, the partner grants API,
receipts, webhooks, Idempotency-Key): a token never reaches past its scopes, not even
through a retried request; a refusal never says whether the thing exists (another's id
answers byte for byte as an unknown one, with a session or with a token); bad query
parameters give a stable 4xx, never a 500; secrets are shown once and never logged.

Real requests against the real application on both backends (the ``api`` fixture)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.consent.models import GrantOutcome
from coffre.settings import Settings
from tests.consent.world import ConsentWorld, build_consent_world
from tests.tokens.world import ALL, bearer, make_token, token_of

UNKNOWN = "0" * 32
WEBHOOKS = "/api/v1/structures/{}/webhooks"


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _grant(cw: ConsentWorld, clock: FrozenClock) -> str:
    clock.advance(seconds=1)
    return str(cw.share(now=clock.now())["id"])


def _outcomes(cw: ConsentWorld) -> int:
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(select(func.count()).select_from(GrantOutcome)) or 0)


def _same(first: Any, second: Any) -> None:
    """Two refusals a client cannot tell apart: status, body and headers that matter."""
    assert (first.status_code, first.content) == (second.status_code, second.content)
    for header in ("content-type", "content-length", "www-authenticate", "etag"):
        assert first.headers.get(header) == second.headers.get(header), header


# -- Idempotency-Key with a token --------------------------------------------------------


def test_a_tokens_retry_with_its_idempotency_key_is_replayed_and_never_run_again(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _grant(cw, clock)
    headers = {**bearer(token_of(cw, ["grants:report"])), "Idempotency-Key": "suite-rsa-1"}
    path = f"/api/v1/grants/{grant_id}/outcome"

    first = cw.api.post(path, json={"outcome": "right_opened"}, headers=headers)
    again = cw.api.post(path, json={"outcome": "right_opened"}, headers=headers)

    assert first.status_code == again.status_code == 200, again.text
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json() and again.json()["recorded"] is True
    # The same key with another body: refused, and nothing recorded.
    other = cw.api.post(path, json={"outcome": "document_missing"}, headers=headers)
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert _outcomes(cw) == 1


def test_a_revoked_token_gets_no_stored_answer_back(cw: ConsentWorld, clock: FrozenClock) -> None:
    grant_id = _grant(cw, clock)
    made = make_token(cw.api, cw.professional, ["grants:report"])
    headers = {**bearer(made["token"]), "Idempotency-Key": "suite-rsa-2"}
    path = f"/api/v1/grants/{grant_id}/outcome"
    assert cw.api.post(path, json={"outcome": "right_opened"}, headers=headers).status_code == 200
    revoked = cw.api.delete(f"/api/v1/tokens/{made['id']}", headers=cw.professional.headers)
    assert revoked.status_code == 204

    again = cw.api.post(path, json={"outcome": "right_opened"}, headers=headers)

    assert (again.status_code, again.json()["error"]["code"]) == (401, "token_revoked")
    assert "idempotent-replayed" not in again.headers


def test_a_token_of_an_ended_membership_gets_no_stored_answer_back(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _grant(cw, clock)
    headers = {**bearer(token_of(cw, ["grants:report"])), "Idempotency-Key": "suite-rsa-4"}
    path = f"/api/v1/grants/{grant_id}/outcome"
    assert cw.api.post(path, json={"outcome": "right_opened"}, headers=headers).status_code == 200
    ended = cw.api.post(
        f"/api/v1/memberships/{cw.world.memberships['professional']}/end",
        headers=cw.world.structure_admin.headers,
    )
    assert ended.status_code in (200, 204), ended.text

    again = cw.api.post(path, json={"outcome": "right_opened"}, headers=headers)

    assert (again.status_code, again.json()["error"]["code"]) == (401, "token_membership_ended")
    assert "idempotent-replayed" not in again.headers


def test_a_replayed_answer_counts_in_the_tokens_rate(
    settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    limit = 3
    limited = settings.model_copy(update={"token_rate_limit": limit})
    with TestClient(create_app(limited, clock=clock)) as api:
        cw = build_consent_world(api, tmp_path)
        grant_id = _grant(cw, clock)
        headers = {**bearer(token_of(cw, ["grants:report"])), "Idempotency-Key": "suite-rsa-3"}
        path = f"/api/v1/grants/{grant_id}/outcome"
        answers = [
            api.post(path, json={"outcome": "right_opened"}, headers=headers)
            for _ in range(limit + 1)
        ]
    assert [a.status_code for a in answers] == [200] * limit + [429]
    assert answers[-1].headers["retry-after"].isdigit()


# -- another's thing answers as an unknown one -------------------------------------------


def test_another_professionals_token_reads_as_an_unknown_one(cw: ConsentWorld) -> None:
    theirs = make_token(cw.api, cw.world.structure_admin, ["grants:read"])
    me = cw.professional.headers

    another = cw.api.delete(f"/api/v1/tokens/{theirs['id']}", headers=me)
    unknown = cw.api.delete(f"/api/v1/tokens/{UNKNOWN}", headers=me)

    assert another.status_code == 404
    _same(another, unknown)
    listed = cw.api.get("/api/v1/tokens", headers=cw.world.structure_admin.headers).json()
    assert [t["id"] for t in listed["tokens"]] == [theirs["id"]]  # still there


def test_a_grant_read_by_a_third_professional_answers_as_an_unknown_one(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    """The structure's admin is a professional of the same structure, not the grantee:
    with a session or with a token holding every scope, each grant route answers them
    exactly as it answers an unknown grant, and records nothing."""
    grant_id = _grant(cw, clock)
    third = cw.world.structure_admin
    token = bearer(str(make_token(cw.api, third, ALL)["token"]))
    routes = [
        ("GET", "/api/v1/grants/{}", None),
        ("GET", "/api/v1/grants/{}/receipt", None),
        ("POST", "/api/v1/grants/{}/outcome", {"outcome": "right_opened"}),
        ("POST", "/api/v1/grants/{}/documents/" + cw.identity + "/pull", {"reason": None}),
    ]
    for headers in (third.headers, token):
        for method, template, body in routes:
            real = cw.api.request(method, template.format(grant_id), json=body, headers=headers)
            unknown = cw.api.request(method, template.format(UNKNOWN), json=body, headers=headers)
            assert real.status_code == 404, (method, template, real.text)
            _same(real, unknown)
            assert "coffre-receipt" not in real.headers
    assert _outcomes(cw) == 0


def test_another_structures_webhooks_read_as_unknown_ones(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    made = cw.api.post(
        WEBHOOKS.format(w.structure_id),
        json={"url": "https://partner.example/hook", "events": ["grant.created"]},
        headers=w.structure_admin.headers,
    )
    assert made.status_code == 201, made.text
    hook = made.json()["id"]
    _grant(cw, clock)  # an event: a delivery in the log
    deliveries = cw.api.get(
        WEBHOOKS.format(w.structure_id) + f"/{hook}/deliveries", headers=w.structure_admin.headers
    ).json()["deliveries"]
    assert deliveries
    delivery = deliveries[0]["id"]

    base = WEBHOOKS.format(w.structure_id)
    unknown_base = WEBHOOKS.format(UNKNOWN)
    pairs = [
        ("GET", base, unknown_base),
        ("POST", base, unknown_base),
        ("DELETE", f"{base}/{hook}", f"{base}/{UNKNOWN}"),
        ("DELETE", f"{base}/{hook}", f"{unknown_base}/{UNKNOWN}"),
        ("GET", f"{base}/{hook}/deliveries", f"{unknown_base}/{UNKNOWN}/deliveries"),
        (
            "POST",
            f"{base}/{hook}/deliveries/{delivery}/replay",
            f"{base}/{hook}/deliveries/{UNKNOWN}/replay",
        ),
    ]
    body = {"url": "https://other.example/hook", "events": ["grant.created"]}
    for who in (w.professional, w.person, w.officer):
        for method, real_path, unknown_path in pairs:
            payload = body if method == "POST" and real_path == base else None
            real = cw.api.request(method, real_path, json=payload, headers=who.headers)
            unknown = cw.api.request(method, unknown_path, json=payload, headers=who.headers)
            assert real.status_code in (403, 404), (who.login, method, real_path, real.text)
            _same(real, unknown)
    # The admin's own unknown ids answer the stranger's way too.
    admin_unknown = cw.api.delete(f"{base}/{UNKNOWN}", headers=w.structure_admin.headers)
    stranger = cw.api.delete(f"{base}/{hook}", headers=w.professional.headers)
    _same(admin_unknown, stranger)
    listed = cw.api.get(base, headers=w.structure_admin.headers).json()["webhooks"]
    assert [h["id"] for h in listed] == [hook]


# -- a token and a session together ------------------------------------------------------


def test_a_bearer_token_is_never_completed_by_a_session_cookie(cw: ConsentWorld) -> None:
    """A request carrying a token AND a professional's session cookie is the token's:
    the cookie never lends it the session's reach."""
    from api.cookies import SESSION_COOKIE

    token = token_of(cw, ["grants:read"])
    cw.api.cookies.set(SESSION_COOKIE, cw.professional.token)
    try:
        for path in ("/api/v1/me", "/api/v1/tokens", "/api/v1/requests"):
            answer = cw.api.get(path, headers=bearer(token))
            assert (answer.status_code, answer.json()["error"]["code"]) == (403, "token_scope")
        # Making a token: refused (by the token's scope, or the cookie's CSRF check).
        made = cw.api.post(
            "/api/v1/tokens",
            json={"label": "x", "scopes": ["grants:read"], "days": 1},
            headers=bearer(token),
        )
        assert made.status_code == 403
        # A bad bearer with a good cookie: refused, not the cookie's session.
        bad = cw.api.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
        assert bad.status_code == 401
    finally:
        cw.api.cookies.clear()
    listed = cw.api.get("/api/v1/tokens", headers=cw.professional.headers).json()["tokens"]
    assert len(listed) == 1


def test_a_token_in_the_session_cookie_is_held_to_its_scopes(cw: ConsentWorld) -> None:
    from api.cookies import SESSION_COOKIE

    token = token_of(cw, ["grants:read"])
    cw.api.cookies.set(SESSION_COOKIE, token)
    try:
        me = cw.api.get("/api/v1/me")
        assert (me.status_code, me.json()["error"]["code"]) == (403, "token_scope")
        made = cw.api.post(
            "/api/v1/tokens", json={"label": "x", "scopes": ["grants:pull"], "days": 1}
        )
        assert made.status_code == 403
        assert cw.api.get("/api/v1/grants/received").status_code == 200
    finally:
        cw.api.cookies.clear()


# -- secrets are shown once, never logged or listed -------------------------------------


def test_a_token_and_a_webhook_secret_are_shown_once_and_never_logged(
    cw: ConsentWorld, caplog: pytest.LogCaptureFixture
) -> None:
    w = cw.world
    with caplog.at_level(logging.DEBUG):
        made = make_token(cw.api, cw.professional, ["grants:read"])
        cw.api.get("/api/v1/grants/received", headers=bearer(made["token"]))
        cw.api.get("/api/v1/me", headers=bearer(made["token"]))
        hook = cw.api.post(
            WEBHOOKS.format(w.structure_id),
            json={"url": "https://partner.example/hook", "events": ["grant.created"]},
            headers=w.structure_admin.headers,
        ).json()
    token, secret = made["token"], hook["secret"]
    assert token and secret
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert token not in logged and secret not in logged
    assert token[11:] not in logged and secret.split("_")[-1] not in logged
    listed = cw.api.get("/api/v1/tokens", headers=cw.professional.headers)
    assert token not in listed.text and "token" not in listed.json()["tokens"][0]
    hooks = cw.api.get(WEBHOOKS.format(w.structure_id), headers=w.structure_admin.headers)
    assert secret not in hooks.text and hooks.json()["webhooks"][0]["secret"] is None


def test_a_deposit_token_learns_nothing_of_a_person_not_linked_to_it(cw: ConsentWorld) -> None:
    from tests.factories import make_person

    stranger = make_person(cw.api, slot=7, login="inconnue-attaque")
    me = cw.api.get("/api/v1/me", headers=stranger.headers).json()["account"]["id"]
    token = bearer(token_of(cw, ["deposits"]))
    real = cw.api.get(f"/api/v1/persons/{me}/box-key", headers=token)
    unknown = cw.api.get(f"/api/v1/persons/{UNKNOWN}/box-key", headers=token)
    assert real.status_code == 404, real.text
    _same(real, unknown)
    linked = cw.api.get("/api/v1/persons/linked", headers=token).json()["persons"]
    assert me not in [p["person_id"] for p in linked]


def test_another_persons_grant_and_receipt_read_as_unknown_ones(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    from tests.factories import make_person

    grant_id = _grant(cw, clock)
    other = make_person(cw.api, slot=8, login="autre-personne-attaque")
    for template in ("/api/v1/grants/{}", "/api/v1/grants/{}/receipt"):
        real = cw.api.get(template.format(grant_id), headers=other.headers)
        unknown = cw.api.get(template.format(UNKNOWN), headers=other.headers)
        assert real.status_code == 404, (template, real.text)
        _same(real, unknown)
    outcome = cw.api.post(
        f"/api/v1/grants/{grant_id}/outcome",
        json={"outcome": "right_opened"},
        headers=cw.person.headers,  # the grant's own person cannot report for the grantee
    )
    assert outcome.status_code in (403, 404)
    assert _outcomes(cw) == 0
