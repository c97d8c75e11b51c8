"""Sign-up, login, sessions: the passphrase never reaches the server."""

from __future__ import annotations

import copy

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from tests.factories import make_person, person_material
from tests.kdf_factories import make_person_v2


def _login(api: TestClient, login: str, auth_key: bytes) -> tuple[int, dict]:
    response = api.post(
        "/api/v1/auth/login", json={"login": login, "auth_key": b64encode(auth_key)}
    )
    return response.status_code, response.json()


def test_signup_stores_only_what_the_client_produced(api: TestClient, settings: Settings) -> None:
    person = person_material(login="Marie.Dupont")
    response = api.post("/api/v1/accounts", json=person.signup_body)
    assert response.status_code == 201
    assert response.json()["login"] == "marie.dupont"
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM accounts")).mappings().one()
    engine.dispose()
    dump = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    assert person.passphrase.encode() not in dump
    # The login value itself is not stored, only a keyed hash of it.
    assert person.auth_key not in dump
    assert bytes(row["box_public_key"]) == person.keys.box_public


def test_a_phone_number_is_one_login_whatever_its_spelling(api: TestClient) -> None:
    first = person_material(login="06 12 34 56 78")
    assert api.post("/api/v1/accounts", json=first.signup_body).status_code == 201
    again = person_material(slot=1, login="+33 6 12-34-56-78")
    response = api.post("/api/v1/accounts", json=again.signup_body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "login_taken"


def test_signup_with_a_taken_login_is_refused_and_changes_nothing(api: TestClient) -> None:
    person = make_person(api, login="sami")
    other = person_material(slot=1, login="SAMI")
    response = api.post("/api/v1/accounts", json=other.signup_body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "login_taken"
    status, _ = _login(api, "sami", person.auth_key)
    assert status == 200


def test_signup_with_an_unusable_login_gets_a_clear_error(api: TestClient) -> None:
    for bad in ("a", "with space inside and far too long for a pseudonym here", "x<script>"):
        body = person_material(login=bad).signup_body
        response = api.post("/api/v1/accounts", json=body)
        assert response.status_code == 422, bad
        assert response.json()["error"]["code"] == "invalid_login"


def test_signup_refuses_kdf_parameters_below_the_floor(api: TestClient) -> None:
    body = copy.deepcopy(person_material().signup_body)
    body["kdf"]["memlimit"] = 8 * 1024 * 1024
    response = api.post("/api/v1/accounts", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "weak_kdf_parameters"


def test_signup_refuses_key_material_of_the_wrong_size(api: TestClient) -> None:
    body = copy.deepcopy(person_material().signup_body)
    body["box_public_key"] = b64encode(b"\x01" * 31)
    response = api.post("/api/v1/accounts", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_key_material"


def test_signup_with_malformed_base64_is_an_invalid_request(api: TestClient) -> None:
    body = copy.deepcopy(person_material().signup_body)
    body["auth_key"] = "not base64 !!"
    response = api.post("/api/v1/accounts", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "not base64" not in response.text  # submitted values are never echoed


def test_prelogin_does_not_reveal_whether_an_account_exists(api: TestClient) -> None:
    person = make_person_v2(api)
    real = api.post("/api/v1/auth/prelogin", json={"login": person.login}).json()
    assert real["kdf"] == person.signup_body["kdf"]
    unknown = api.post("/api/v1/auth/prelogin", json={"login": "nobody-here"}).json()
    again = api.post("/api/v1/auth/prelogin", json={"login": "nobody-here"}).json()
    assert unknown == again  # deterministic fake random part
    assert (
        set(unknown["kdf"])
        == set(real["kdf"])
        == {
            "v",
            "alg",
            "salt_random",
            "opslimit",
            "memlimit",
        }
    )
    assert unknown["kdf"]["v"] == 2
    assert unknown["kdf"]["opslimit"] == real["kdf"]["opslimit"]
    assert unknown["kdf"]["salt_random"] != real["kdf"]["salt_random"]
    other = api.post("/api/v1/auth/prelogin", json={"login": "nobody-else"}).json()
    assert other["kdf"]["salt_random"] != unknown["kdf"]["salt_random"]


def test_a_v1_account_gets_its_v1_parameters_until_it_moves(api: TestClient) -> None:
    person = make_person(api)
    real = api.post("/api/v1/auth/prelogin", json={"login": person.login}).json()
    assert real["kdf"] == person.signup_body["kdf"]
    assert "v" not in real["kdf"]
    assert "salt" in real["kdf"]


def test_wrong_login_value_and_unknown_login_get_the_same_refusal(api: TestClient) -> None:
    person = make_person(api)
    wrong = _login(api, person.login, b"\x00" * 32)
    unknown = _login(api, "nobody-here", person.auth_key)
    assert wrong[0] == unknown[0] == 401
    assert wrong[1] == unknown[1]
    assert wrong[1]["error"]["code"] == "invalid_credentials"


def test_logout_ends_the_session(api: TestClient) -> None:
    person = make_person(api)
    assert api.get("/api/v1/me", headers=person.headers).status_code == 200
    assert api.post("/api/v1/auth/logout", headers=person.headers).status_code == 204
    response = api.get("/api/v1/me", headers=person.headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_an_idle_session_expires(api: TestClient, settings: Settings, clock: FrozenClock) -> None:
    person = make_person(api)
    clock.advance(seconds=settings.session_idle_seconds + 1)
    assert api.get("/api/v1/me", headers=person.headers).status_code == 401


def test_requests_without_a_session_are_refused(api: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        response = api.get("/api/v1/documents", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_me_returns_the_wrapped_keyring_for_the_client_to_open(api: TestClient) -> None:
    person = make_person(api)
    me = api.get("/api/v1/me", headers=person.headers).json()
    assert me["keyring"]["wrapped_keyring"] == person.signup_body["wrapped_keyring"]
    assert me["keyring"]["kdf"] == person.signup_body["kdf"]
    assert "recovery" not in str(me["keyring"])  # the recovery wrap is not handed out at login
