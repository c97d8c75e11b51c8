"""The CSRF token is bound to the session: a cookie and header pair minted for another
session, or handed to an anonymous visitor, does not pass with this session's cookie
(a sibling sub-domain can plant cookies in the person's browser)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cookies import CSRF_COOKIE, CSRF_HEADER
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from tests.factories import person_material

HTTPS = "https://testserver"  # the session cookie is Secure


@pytest.fixture
def app(settings: Settings, clock: FrozenClock) -> Iterator[object]:
    application = create_app(settings, clock=clock)
    with TestClient(application, base_url=HTTPS):  # runs the lifespan once for all clients
        yield application


def _browser(app: object) -> TestClient:
    return TestClient(app, base_url=HTTPS)  # type: ignore[arg-type]


def _log_in(browser: TestClient, slot: int) -> str:
    person = person_material(slot)
    signup = TestClient(browser.app, base_url=HTTPS)  # without this browser's cookies
    assert signup.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    response = browser.post(
        "/api/v1/auth/web-login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    )
    assert response.status_code == 200, response.text
    token = browser.cookies.get(CSRF_COOKIE)
    assert token
    return token


def _plant(browser: TestClient, token: str) -> None:
    browser.cookies.delete(CSRF_COOKIE)
    # http.cookiejar files a dotless host under "<host>.local": planted where it is sent.
    browser.cookies.set(CSRF_COOKIE, token, domain="testserver.local")


def _revoke_others(browser: TestClient, token: str) -> int:
    response = browser.post("/api/v1/sessions/revoke-others", headers={CSRF_HEADER: token})
    if response.status_code == 403:
        assert response.json()["error"]["code"] == "csrf_failed"
    return response.status_code


def test_the_sessions_own_token_passes(app: object) -> None:
    browser = _browser(app)
    token = _log_in(browser, 0)
    assert _revoke_others(browser, token) == 200


def test_a_pair_minted_for_another_session_is_refused(app: object) -> None:
    victim, attacker = _browser(app), _browser(app)
    _log_in(victim, 0)
    attackers_token = _log_in(attacker, 1)
    _plant(victim, attackers_token)  # cookie and header both the attacker's
    assert _revoke_others(victim, attackers_token) == 403
    # The attacker's own session still works with it: the refusal is the binding.
    assert _revoke_others(attacker, attackers_token) == 200


def test_a_pair_given_to_an_anonymous_visitor_is_refused(app: object) -> None:
    victim, anonymous = _browser(app), _browser(app)
    _log_in(victim, 0)
    anonymous.get("/api/v1/health")
    # Whatever the server hands out without a session (the old library minted a pair).
    anonymous_token = anonymous.cookies.get(CSRF_COOKIE) or "not-minted-for-this-session"
    _plant(victim, anonymous_token)
    assert _revoke_others(victim, anonymous_token) == 403


def test_each_session_gets_its_own_token_at_login(app: object) -> None:
    browser = _browser(app)
    first = _log_in(browser, 0)
    second = _log_in(browser, 1)
    assert first != second
    assert _revoke_others(browser, first) == 403
    assert _revoke_others(browser, second) == 200


def test_a_stale_token_cookie_is_replaced_on_the_next_answer(app: object) -> None:
    browser = _browser(app)
    token = _log_in(browser, 0)
    _plant(browser, "left-over-from-an-older-page")
    response = browser.get("/api/v1/me")
    assert response.status_code == 200
    assert f"{CSRF_COOKIE}={token};" in response.headers["set-cookie"]
    assert _revoke_others(browser, token) == 200
