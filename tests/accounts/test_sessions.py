"""Sessions and devices: a person sees their sessions and ends them from anywhere."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.cookies import CSRF_COOKIE, CSRF_HEADER
from coffre.accounts.devices import device_label
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.accounts.factories import (
    ANDROID_CHROME,
    IPHONE_SAFARI,
    bearer,
    login,
)
from tests.factories import make_person


def _sessions(api: TestClient, headers: dict[str, str]) -> list[dict[str, object]]:
    response = api.get("/api/v1/sessions", headers=headers)
    assert response.status_code == 200, response.text
    sessions: list[dict[str, object]] = response.json()["sessions"]
    return sessions


def _second_session(api: TestClient, person_login: str, auth_key: bytes) -> str:
    response = login(api, person_login, auth_key, user_agent=ANDROID_CHROME)
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


def test_each_session_is_listed_with_its_device_and_kind(api: TestClient) -> None:
    person = make_person(api)
    phone = _second_session(api, person.login, person.auth_key)
    web = TestClient(api.app, base_url="https://testserver")  # the cookie is Secure
    assert login(web, person.login, person.auth_key, user_agent=IPHONE_SAFARI, web=True).is_success

    sessions = _sessions(api, bearer(phone))

    assert {(s["label"], s["kind"]) for s in sessions} == {
        ("Chrome sur Android", "api"),
        ("Safari sur iPhone", "web"),
        ("Appareil inconnu", "api"),  # make_person's login sent a test client's header
    }
    assert [s["label"] for s in sessions if s["current"]] == ["Chrome sur Android"]
    assert set(sessions[0]) == {"id", "label", "kind", "created_at", "last_seen_at", "current"}


def test_the_user_agent_itself_is_not_stored(api: TestClient, settings: Settings) -> None:
    person = make_person(api)
    _second_session(api, person.login, person.auth_key)
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM sessions")).mappings().all()
    engine.dispose()
    dump = " ".join(str(value) for row in rows for value in row.values())
    assert "SM-A546B" not in dump
    assert "Chrome/120" not in dump


def test_a_revoked_session_stops_working_at_once(api: TestClient) -> None:
    person = make_person(api)
    phone = _second_session(api, person.login, person.auth_key)
    phone_id = next(s["id"] for s in _sessions(api, bearer(phone)) if s["current"])

    assert api.delete(f"/api/v1/sessions/{phone_id}", headers=person.headers).status_code == 204

    refused = api.get("/api/v1/me", headers=bearer(phone))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"
    assert [s["current"] for s in _sessions(api, person.headers)] == [True]


def test_another_accounts_session_reads_as_an_unknown_one(api: TestClient) -> None:
    owner = make_person(api)
    intruder = make_person(api, slot=1)
    owner_session = _sessions(api, owner.headers)[0]["id"]

    theirs = api.delete(f"/api/v1/sessions/{owner_session}", headers=intruder.headers)
    unknown = api.delete("/api/v1/sessions/0123456789abcdef", headers=intruder.headers)

    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    assert theirs.json()["error"]["code"] == "session_not_found"
    assert api.get("/api/v1/me", headers=owner.headers).status_code == 200


def test_revoking_the_other_sessions_keeps_only_the_current_one(api: TestClient) -> None:
    person = make_person(api)
    phone = _second_session(api, person.login, person.auth_key)
    other = _second_session(api, person.login, person.auth_key)

    response = api.post("/api/v1/sessions/revoke-others", headers=bearer(phone))

    assert response.status_code == 200
    assert response.json() == {"revoked": 2}
    assert api.get("/api/v1/me", headers=person.headers).status_code == 401
    assert api.get("/api/v1/me", headers=bearer(other)).status_code == 401
    assert [s["label"] for s in _sessions(api, bearer(phone))] == ["Chrome sur Android"]


def test_ending_the_current_session_is_a_log_out(api: TestClient) -> None:
    person = make_person(api)
    current = _sessions(api, person.headers)[0]["id"]
    assert api.delete(f"/api/v1/sessions/{current}", headers=person.headers).status_code == 204
    assert api.get("/api/v1/sessions", headers=person.headers).status_code == 401


def test_a_closed_session_cannot_be_revoked_twice(api: TestClient) -> None:
    person = make_person(api)
    phone = _second_session(api, person.login, person.auth_key)
    phone_id = next(s["id"] for s in _sessions(api, bearer(phone)) if s["current"])
    assert api.delete(f"/api/v1/sessions/{phone_id}", headers=person.headers).status_code == 204
    again = api.delete(f"/api/v1/sessions/{phone_id}", headers=person.headers)
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "session_not_found"


def test_idle_sessions_are_no_longer_listed(
    api: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    person = make_person(api)
    clock.advance(seconds=settings.session_idle_seconds - 60)
    phone = _second_session(api, person.login, person.auth_key)
    clock.advance(seconds=120)
    assert [s["label"] for s in _sessions(api, bearer(phone))] == ["Chrome sur Android"]


def test_a_web_session_revokes_with_the_csrf_header_only(api: TestClient) -> None:
    person = make_person(api)
    web = TestClient(api.app, base_url="https://testserver")  # the cookie is Secure
    assert login(web, person.login, person.auth_key, user_agent=IPHONE_SAFARI, web=True).is_success
    api_session = next(s["id"] for s in _sessions(web, {}) if s["kind"] == "api")

    forged = web.delete(f"/api/v1/sessions/{api_session}")
    assert forged.status_code == 403
    allowed = web.delete(
        f"/api/v1/sessions/{api_session}", headers={CSRF_HEADER: web.cookies[CSRF_COOKIE]}
    )
    assert allowed.status_code == 204


@pytest.mark.parametrize(
    ("user_agent", "label"),
    [
        (ANDROID_CHROME, "Chrome sur Android"),
        (IPHONE_SAFARI, "Safari sur iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
            "Edge sur Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Firefox sur Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like "
            "Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
            "Samsung Internet sur Android",
        ),
        ("coffre-client/0.1 (Linux)", "Application Coffre sur Linux"),
        ("Jean-Michel's homemade bot", "Appareil inconnu"),
        (None, "Appareil inconnu"),
    ],
)
def test_the_device_label_names_only_a_browser_and_a_system(
    user_agent: str | None, label: str
) -> None:
    assert device_label(user_agent) == label
