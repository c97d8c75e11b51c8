"""The TOTP second factor: enrolment, login codes, replay, and who must use it.

Codes are computed with pyotp at the FrozenClock's time; the clock moves, nobody sleeps.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.clock import FrozenClock
from coffre.policy import TOTP_REQUIRED, Role
from coffre.settings import Settings
from tests.accounts.factories import (
    WRONG_KEY,
    bearer,
    enrol_totp,
    login,
    make_account,
    totp_code,
)
from tests.factories import Person, make_person

OPTIONAL_ROLES = sorted(set(Role) - TOTP_REQUIRED)
REQUIRED_ROLES = sorted(TOTP_REQUIRED)


def _with_totp(api: TestClient, clock: FrozenClock) -> tuple[Person, str]:
    """A person who turned TOTP on; the clock is moved past the confirmation's step."""
    person = make_person(api)
    secret = enrol_totp(api, person.headers, clock)
    clock.advance(seconds=30)
    return person, secret


def test_enrolment_gives_a_secret_an_otpauth_uri_and_a_qr_code(
    api: TestClient, settings: Settings
) -> None:
    person = make_person(api)
    response = api.post("/api/v1/me/totp", headers=person.headers)
    assert response.status_code == 201
    body = response.json()
    uri = urlparse(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert parse_qs(uri.query)["secret"] == [body["secret"]]
    assert parse_qs(uri.query)["issuer"] == [settings.totp_issuer]
    assert len(base64.b32decode(body["secret"])) == 20  # 160 bits, 32 characters
    svg = body["qr_svg"]
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg


def test_an_unconfirmed_enrolment_is_not_asked_for_at_login(api: TestClient) -> None:
    person = make_person(api)
    assert api.post("/api/v1/me/totp", headers=person.headers).status_code == 201
    assert login(api, person.login, person.auth_key).status_code == 200


def test_a_wrong_confirmation_code_leaves_totp_off(api: TestClient, clock: FrozenClock) -> None:
    person = make_person(api)
    secret = api.post("/api/v1/me/totp", headers=person.headers).json()["secret"]
    wrong = f"{(int(totp_code(secret, clock)) + 1) % 1_000_000:06d}"
    response = api.post("/api/v1/me/totp/confirm", json={"code": wrong}, headers=person.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_totp"
    assert login(api, person.login, person.auth_key).status_code == 200


def test_confirming_without_an_enrolment_is_a_conflict(api: TestClient) -> None:
    person = make_person(api)
    response = api.post("/api/v1/me/totp/confirm", json={"code": "123456"}, headers=person.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "totp_not_enrolled"


def test_once_on_a_login_without_code_gets_totp_required(
    api: TestClient, clock: FrozenClock
) -> None:
    person, _ = _with_totp(api, clock)
    response = login(api, person.login, person.auth_key)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "totp_required"


def test_totp_required_is_only_said_to_someone_with_the_passphrase(
    api: TestClient, clock: FrozenClock
) -> None:
    person, _ = _with_totp(api, clock)
    response = login(api, person.login, WRONG_KEY)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_a_login_with_the_current_code_opens_a_session(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    response = login(api, person.login, person.auth_key, totp_code=totp_code(secret, clock))
    assert response.status_code == 200
    assert response.json()["totp_enrolment_required"] is False
    assert api.get("/api/v1/me", headers=bearer(response.json()["token"])).status_code == 200


def test_a_code_typed_with_a_space_is_accepted(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    code = totp_code(secret, clock)
    response = login(api, person.login, person.auth_key, totp_code=f"{code[:3]} {code[3:]}")
    assert response.status_code == 200


def test_a_code_of_the_previous_step_is_still_accepted(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    late = totp_code(secret, clock)
    clock.advance(seconds=30)  # the phone's clock is a little behind
    assert login(api, person.login, person.auth_key, totp_code=late).status_code == 200


def test_a_code_two_steps_old_is_refused(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    old = totp_code(secret, clock)
    clock.advance(seconds=60)
    response = login(api, person.login, person.auth_key, totp_code=old)
    assert response.json()["error"]["code"] == "invalid_totp"


def test_a_code_is_accepted_only_once(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    code = totp_code(secret, clock)
    assert login(api, person.login, person.auth_key, totp_code=code).status_code == 200
    replay = login(api, person.login, person.auth_key, totp_code=code)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "invalid_totp"


def test_the_confirmation_code_cannot_be_replayed_at_login(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    secret = enrol_totp(api, person.headers, clock)
    replay = login(api, person.login, person.auth_key, totp_code=totp_code(secret, clock))
    assert replay.json()["error"]["code"] == "invalid_totp"


def test_wrong_codes_count_as_failed_logins(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    for wrong in ("000000", "111111", "abcdef"):
        response = login(api, person.login, person.auth_key, totp_code=wrong)
        assert response.json()["error"]["code"] == "invalid_totp"
    throttled = login(api, person.login, person.auth_key, totp_code=totp_code(secret, clock))
    assert throttled.status_code == 429


def test_the_secret_is_encrypted_at_rest(
    api: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    person = make_person(api)
    secret = enrol_totp(api, person.headers, clock)
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        stored = bytes(conn.execute(text("SELECT secret_box FROM totp_credentials")).scalar_one())
    engine.dispose()
    raw = base64.b32decode(secret + "=" * (-len(secret) % 8))
    assert raw not in stored
    assert secret.encode() not in stored


def test_a_person_turns_totp_off_with_a_current_code(api: TestClient, clock: FrozenClock) -> None:
    person, secret = _with_totp(api, clock)
    response = api.request(
        "DELETE",
        "/api/v1/me/totp",
        json={"code": totp_code(secret, clock)},
        headers=person.headers,
    )
    assert response.status_code == 204
    assert login(api, person.login, person.auth_key).status_code == 200


def test_turning_totp_off_needs_a_valid_code(api: TestClient, clock: FrozenClock) -> None:
    person, _ = _with_totp(api, clock)
    response = api.request(
        "DELETE", "/api/v1/me/totp", json={"code": "000000"}, headers=person.headers
    )
    assert response.json()["error"]["code"] == "invalid_totp"
    assert login(api, person.login, person.auth_key).json()["error"]["code"] == "totp_required"


def test_enrolling_again_while_on_is_a_conflict(api: TestClient, clock: FrozenClock) -> None:
    person, _ = _with_totp(api, clock)
    response = api.post("/api/v1/me/totp", headers=person.headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "totp_already_enabled"


@pytest.mark.parametrize("role", OPTIONAL_ROLES)
def test_roles_without_the_requirement_log_in_without_a_second_factor(
    api: TestClient, role: Role
) -> None:
    account = make_account(api, role)
    response = login(api, account.login, account.auth_key)
    assert response.status_code == 200
    assert response.json()["totp_enrolment_required"] is False
    assert api.get("/api/v1/me", headers=account.headers).status_code == 200


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_a_role_that_requires_totp_gets_an_enrolment_only_session(
    api: TestClient, role: Role
) -> None:
    account = make_account(api, role)
    response = login(api, account.login, account.auth_key)
    assert response.json()["totp_enrolment_required"] is True
    for method, path in (("GET", "/api/v1/me"), ("GET", "/api/v1/sessions")):
        refused = api.request(method, path, headers=account.headers)
        assert refused.status_code == 403, path
        assert refused.json()["error"]["code"] == "totp_enrolment_required"
    assert api.post("/api/v1/me/totp", headers=account.headers).status_code == 201


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_the_page_login_says_too_that_the_session_may_only_enrol(
    api: TestClient, role: Role
) -> None:
    account = make_account(api, role)
    response = login(api, account.login, account.auth_key, web=True)
    assert response.status_code == 200
    assert response.json()["totp_enrolment_required"] is True


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_confirming_lifts_the_restriction_of_the_session(
    api: TestClient, clock: FrozenClock, role: Role
) -> None:
    account = make_account(api, role)
    enrol_totp(api, account.headers, clock)
    assert api.get("/api/v1/me", headers=account.headers).status_code == 200


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_once_enrolled_a_role_that_requires_totp_needs_a_code_at_every_login(
    api: TestClient, clock: FrozenClock, role: Role
) -> None:
    account = make_account(api, role)
    secret = enrol_totp(api, account.headers, clock)
    clock.advance(seconds=30)
    assert login(api, account.login, account.auth_key).json()["error"]["code"] == "totp_required"
    full = login(api, account.login, account.auth_key, totp_code=totp_code(secret, clock))
    assert full.json()["totp_enrolment_required"] is False
    assert api.get("/api/v1/me", headers=bearer(full.json()["token"])).status_code == 200


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_a_role_that_requires_totp_cannot_turn_it_off(
    api: TestClient, clock: FrozenClock, role: Role
) -> None:
    account = make_account(api, role)
    secret = enrol_totp(api, account.headers, clock)
    clock.advance(seconds=30)
    response = api.request(
        "DELETE",
        "/api/v1/me/totp",
        json={"code": totp_code(secret, clock)},
        headers=account.headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "totp_mandatory"


def test_confirming_ends_the_other_enrolment_only_sessions(
    api: TestClient, clock: FrozenClock
) -> None:
    admin = make_account(api, Role.TERRITORY_ADMIN)
    other = login(api, admin.login, admin.auth_key).json()["token"]  # e.g. someone else's
    enrol_totp(api, admin.headers, clock)
    refused = api.post("/api/v1/me/totp", headers=bearer(other))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"


def test_an_enrolment_only_session_can_log_out(api: TestClient) -> None:
    admin = make_account(api, Role.CHARTER_OFFICER)
    assert api.post("/api/v1/auth/logout", headers=admin.headers).status_code == 204
    assert api.post("/api/v1/me/totp", headers=admin.headers).status_code == 401
