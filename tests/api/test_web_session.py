"""The page's session: an HttpOnly cookie the script never sees, and CSRF on every change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from tests.factories import encrypted_document, person_material


@pytest.fixture
def browser(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    # https: the session cookie is Secure and would not be sent over plain http.
    with TestClient(create_app(settings, clock=clock), base_url="https://testserver") as client:
        yield client


def _web_login(browser: TestClient) -> dict[str, str]:
    person = person_material()
    assert browser.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    response = browser.post(
        "/api/v1/auth/web-login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    )
    assert response.status_code == 200
    assert "token" not in response.json()
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie
    csrf = browser.cookies.get("coffre_csrf")
    assert csrf
    return {"x-coffre-csrf": csrf}


def test_the_session_cookie_authenticates_reads(browser: TestClient) -> None:
    _web_login(browser)
    assert browser.get("/api/v1/me").status_code == 200
    assert browser.get("/api/v1/documents").json() == {"documents": []}


def test_a_change_without_the_csrf_header_is_refused_and_changes_nothing(
    browser: TestClient,
) -> None:
    csrf = _web_login(browser)
    person = person_material()
    document = encrypted_document(person)
    refused = browser.post(
        "/api/v1/documents", content=document.ciphertext, headers=document.headers
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"
    forged = browser.post(
        "/api/v1/documents",
        content=document.ciphertext,
        headers={**document.headers, "x-coffre-csrf": "forged"},
    )
    assert forged.status_code == 403
    assert browser.get("/api/v1/documents").json() == {"documents": []}
    assert browser.post("/api/v1/auth/logout").status_code == 403
    assert browser.post("/api/v1/auth/logout", headers=csrf).status_code == 204


def test_logging_out_clears_the_cookie_and_ends_the_session(browser: TestClient) -> None:
    csrf = _web_login(browser)
    token = browser.cookies.get("coffre_session")
    assert browser.post("/api/v1/auth/logout", headers=csrf).status_code == 204
    assert browser.cookies.get("coffre_session") is None
    browser.cookies.set("coffre_session", token or "", domain="testserver")
    assert browser.get("/api/v1/me").status_code == 401


def test_bearer_clients_need_no_csrf_header(api: TestClient) -> None:
    from tests.factories import make_person

    person = make_person(api)
    assert api.post("/api/v1/auth/logout", headers=person.headers).status_code == 204
