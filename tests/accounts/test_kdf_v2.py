"""Passphrase KDF v2 (crypto/SPEC.md §19) on the server and in the Python client.

v2 accounts sign up, log in and change their passphrase with v2 parameters; the server
checks new parameters as a client would; a v1 account is moved to v2 by its client at
its next unlock (sessions kept) and never takes v1 parameters again; the client derives
the salt itself, so one random part sent to two accounts still gives two salts.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from client import ApiError
from client.kdf import canonical_login, derive, read_kdf
from coffre.accounts.errors import InvalidLogin
from coffre.accounts.login import normalise_login
from coffre.accounts.models import Account
from coffre.audit.models import AuditEntry
from coffre.settings import Settings
from crypto import KdfParamsV2, b64decode, b64encode, derive_salt, rewrap_for_new_passphrase
from crypto.errors import InvalidInputError
from tests.accounts.credential_helpers import client_for, coffre_of, error_code
from tests.concurrency import answer, burst
from tests.factories import make_person, person_material
from tests.kdf_factories import TERRITORY, make_person_v2, new_passphrase_v2, person_material_v2

V2_MEMBERS = {"v", "alg", "salt_random", "opslimit", "memlimit"}
NEW_PASSPHRASE = "citron bateau lampe nuage violet"


def _account(api: TestClient, login: str) -> Account:
    with coffre_of(api).db.unit_of_work() as db:
        account = db.scalars(select(Account).where(Account.login == login)).one()
        db.expunge(account)
        return account


def _prelogin(api: TestClient, login: str) -> dict[str, Any]:
    kdf: dict[str, Any] = api.post("/api/v1/auth/prelogin", json={"login": login}).json()["kdf"]
    return kdf


# -- v2 accounts ---------------------------------------------------------------------


def test_a_client_signs_up_logs_in_and_changes_its_passphrase_in_v2(api: TestClient) -> None:
    client = client_for(api)
    client.signup("Camille.V2", "tortue jardin ficelle amande")
    kdf = _prelogin(api, "camille.v2")
    assert set(kdf) == V2_MEMBERS and kdf["v"] == 2
    session = client.login("CAMILLE.v2", "tortue jardin ficelle amande")
    assert session.login == "camille.v2"
    assert _account(api, "camille.v2").kdf_version == 2

    client.change_passphrase("tortue jardin ficelle amande", NEW_PASSPHRASE)
    changed = _prelogin(api, "camille.v2")
    assert set(changed) == V2_MEMBERS and changed["salt_random"] != kdf["salt_random"]
    again = client_for(api).login("camille.v2", NEW_PASSPHRASE)
    assert again.keys.sign_public == session.keys.sign_public


def test_the_login_answer_carries_the_v2_parameters_as_stored(api: TestClient) -> None:
    person = make_person_v2(api)
    me = api.get("/api/v1/me", headers=person.headers).json()
    assert me["keyring"]["kdf"] == person.signup_body["kdf"]


def test_fake_parameters_are_v2_and_the_same_at_every_ask(api: TestClient) -> None:
    first = _prelogin(api, "personne-inconnue")
    assert set(first) == V2_MEMBERS and first["v"] == 2
    assert first == _prelogin(api, "PERSONNE-inconnue")  # the same login, canonical
    assert first["salt_random"] != _prelogin(api, "autre-inconnue")["salt_random"]
    read_kdf(first)  # a client accepts them: nothing tells them from a real account's


def _weak(kdf: dict[str, Any], **changes: Any) -> dict[str, Any]:
    bad = copy.deepcopy(kdf)
    bad.update(changes)
    return bad


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"opslimit": 2}, 422, "weak_kdf_parameters"),
        ({"memlimit": 32 * 1024 * 1024}, 422, "weak_kdf_parameters"),
        ({"alg": "argon2i13"}, 422, "weak_kdf_parameters"),
        ({"opslimit": 11}, 422, "invalid_key_material"),
        ({"memlimit": 512 * 1024 * 1024}, 422, "invalid_key_material"),
        ({"memlimit": 64 * 1024 * 1024 + 1}, 422, "invalid_key_material"),
        ({"salt_random": b64encode(b"\x01" * 15)}, 422, "invalid_request"),
        ({"salt": b64encode(b"\x01" * 16)}, 422, "invalid_request"),
        ({"v": 3}, 422, "invalid_request"),
        ({"opslimit": True}, 422, "invalid_request"),
        ({"opslimit": 3.0}, 422, "invalid_request"),
    ],
)
def test_weak_or_malformed_v2_parameters_are_refused_at_signup(
    api: TestClient, changes: dict[str, Any], status: int, code: str
) -> None:
    body = copy.deepcopy(person_material_v2().signup_body)
    body["kdf"] = _weak(body["kdf"], **changes)
    response = api.post("/api/v1/accounts", json=body)
    assert response.status_code == status, response.text
    assert error_code(response) == code
    assert api.post("/api/v1/auth/prelogin", json={"login": body["login"]}).json()["kdf"][
        "salt_random"
    ] != body["kdf"].get("salt_random")


def test_weak_v2_parameters_are_refused_at_a_passphrase_change(api: TestClient) -> None:
    person = make_person_v2(api)
    new = new_passphrase_v2(person.login).body()
    new["kdf"]["opslimit"] = 1  # type: ignore[index]
    body = {"current_auth_key": b64encode(person.auth_key), **new}
    response = api.post("/api/v1/me/passphrase", json=body, headers=person.headers)
    assert response.status_code == 422
    assert error_code(response) == "weak_kdf_parameters"
    assert _account(api, person.login).kdf_salt == b64decode(
        person.signup_body["kdf"]["salt_random"]
    )


def test_a_v2_account_refuses_v1_parameters_at_a_passphrase_change(api: TestClient) -> None:
    person = make_person_v2(api)
    old = rewrap_for_new_passphrase(b"\x01" * 32, NEW_PASSPHRASE)
    body = {
        "current_auth_key": b64encode(person.auth_key),
        "kdf": old.kdf_params.to_json(),
        "auth_key": b64encode(old.auth_key),
        "wrapped_master_passphrase": b64encode(old.wrapped_master_passphrase),
    }
    response = api.post("/api/v1/me/passphrase", json=body, headers=person.headers)
    assert response.status_code == 409
    assert error_code(response) == "format_v1_refused"
    assert "Rechargez la page" in response.json()["error"]["message"]
    assert _account(api, person.login).kdf_version == 2


# -- moving a v1 account ---------------------------------------------------------------


def test_a_v1_account_is_moved_to_v2_by_its_client_at_login(api: TestClient) -> None:
    person = make_person(api)  # v1, as accounts made before KDF v2
    assert _account(api, person.login).kdf_version == 1
    outcome = client_for(api).login(person.login, person.passphrase)
    assert outcome.keys.sign_public == person.keys.sign_public

    account = _account(api, person.login)
    assert account.kdf_version == 2
    kdf = _prelogin(api, person.login)
    assert set(kdf) == V2_MEMBERS
    # The earlier session is still valid: the passphrase did not change.
    assert api.get("/api/v1/me", headers=person.headers).status_code == 200
    # The v1 login value no longer opens it; the same passphrase in v2 does.
    old = api.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    assert old.status_code == 401
    again = client_for(api).login(person.login, person.passphrase)
    assert again.keys.box_public == person.keys.box_public
    assert _prelogin(api, person.login) == kdf  # moved once
    with coffre_of(api).db.unit_of_work() as db:
        entries = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "account.kdf_upgrade", AuditEntry.actor_id == account.id
        )
        assert db.scalar(entries) == 1


def test_a_saved_v1_session_unlocks_and_waits_for_a_typed_login_to_move(
    api: TestClient,
) -> None:
    person = make_person(api)
    client = client_for(api)
    client.token = person.token
    keys = client.unlock(person.passphrase)
    assert keys.sign_public == person.keys.sign_public
    # The login was not typed here: a v2 login value is only sent for a typed one.
    assert _account(api, person.login).kdf_version == 1
    client.login(person.login.upper(), person.passphrase)
    assert _account(api, person.login).kdf_version == 2
    assert client.unlock(person.passphrase).sign_public == person.keys.sign_public


def test_a_moved_account_refuses_v1_parameters_and_keeps_v2(api: TestClient) -> None:
    person = make_person(api)
    client_for(api).login(person.login, person.passphrase)
    v1 = person_material(1).signup_body["kdf"]
    derived = derive(
        person.passphrase,
        read_kdf(_prelogin(api, person.login)),
        territory=TERRITORY,
        login=person.login,
    )
    body = {
        "current_auth_key": b64encode(derived.auth_key),
        "kdf": v1,
        "auth_key": person_material(1).signup_body["auth_key"],
        "wrapped_master_passphrase": person_material(1).signup_body["wrapped_master_passphrase"],
    }
    response = api.post("/api/v1/me/passphrase", json=body, headers=person.headers)
    assert response.status_code == 409
    assert error_code(response) == "format_v1_refused"
    # Moving again is nothing to do.
    upgrade = api.post(
        "/api/v1/me/kdf-upgrade",
        json={
            "current_auth_key": b64encode(derived.auth_key),
            **new_passphrase_v2(person.login).body(),
        },
        headers=person.headers,
    )
    assert upgrade.json() == {"upgraded": False}
    assert client_for(api).login(person.login, person.passphrase)


def test_the_upgrade_takes_only_v2_parameters_and_the_current_login_value(
    api: TestClient,
) -> None:
    person = make_person(api)
    v1 = rewrap_for_new_passphrase(b"\x01" * 32, person.passphrase)
    as_v1 = {
        "current_auth_key": b64encode(person.auth_key),
        "kdf": v1.kdf_params.to_json(),
        "auth_key": b64encode(v1.auth_key),
        "wrapped_master_passphrase": b64encode(v1.wrapped_master_passphrase),
    }
    response = api.post("/api/v1/me/kdf-upgrade", json=as_v1, headers=person.headers)
    assert error_code(response) == "invalid_key_material"
    wrong = {"current_auth_key": b64encode(b"\x07" * 32), **new_passphrase_v2(person.login).body()}
    response = api.post("/api/v1/me/kdf-upgrade", json=wrong, headers=person.headers)
    assert response.status_code == 403
    assert error_code(response) == "wrong_passphrase"
    assert _account(api, person.login).kdf_version == 1


PARALLEL = 20


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Losers of the burst are not failures, but leave room anyway.
    return settings.model_copy(
        update={"login_address_free_failures": 100, "login_address_max_failures": 100}
    )


def test_twenty_parallel_upgrades_of_one_account_move_it_once(
    api: TestClient, http: httpx.Client
) -> None:
    person = make_person(api, login="deux-appareils")
    bodies = [
        {
            "current_auth_key": b64encode(person.auth_key),
            **new_passphrase_v2(person.login, person.passphrase).body(),
        }
        for _ in range(2)
    ]

    def upgrade(index: int) -> tuple[tuple[int, str], bool | None]:
        response = http.post(
            "/api/v1/me/kdf-upgrade", json=bodies[index % 2], headers=person.headers
        )
        return answer(response), response.json().get("upgraded")

    outcomes = Counter(burst(PARALLEL, upgrade))
    assert outcomes[((200, ""), True)] == 1
    assert outcomes[((200, ""), False)] == PARALLEL - 1
    account = _account(api, person.login)
    assert account.kdf_version == 2
    stored = b64encode(account.kdf_salt)
    winner = [b for b in bodies if b["kdf"]["salt_random"] == stored]  # type: ignore[index]
    assert len(winner) == 1
    with coffre_of(api).db.unit_of_work() as db:
        entries = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "account.kdf_upgrade", AuditEntry.actor_id == account.id
        )
        assert db.scalar(entries) == 1
    # The winner's login value (same passphrase, v2 keys) logs in.
    params = read_kdf(_prelogin(api, person.login))
    auth_key = derive(person.passphrase, params, territory=TERRITORY, login=person.login).auth_key
    body = {"login": person.login, "auth_key": b64encode(auth_key)}
    assert api.post("/api/v1/auth/login", json=body).status_code == 200


# -- a hostile server -----------------------------------------------------------------


def test_one_random_part_given_to_two_accounts_still_gives_them_two_salts(
    api: TestClient,
) -> None:
    first, second = make_person_v2(api), make_person_v2(api)
    shared = b64decode(first.signup_body["kdf"]["salt_random"])
    # The server hands the second account the first one's random part.
    with coffre_of(api).db.unit_of_work() as db:
        db.execute(update(Account).where(Account.login == second.login).values(kdf_salt=shared))
    sent = [read_kdf(_prelogin(api, p.login)) for p in (first, second)]
    assert sent[0] == sent[1]
    assert isinstance(sent[0], KdfParamsV2)
    salts = {derive_salt(TERRITORY, p.login, shared) for p in (first, second)}
    assert len(salts) == 2
    keys = {
        derive("the same guess", params, territory=TERRITORY, login=p.login).auth_key
        for params, p in zip(sent, (first, second), strict=True)
    }
    assert len(keys) == 2  # one guess tests one account only


def test_the_client_refuses_weak_v2_parameters_before_deriving(api: TestClient) -> None:
    client = client_for(api)
    client.signup("faible-v2", "tortue jardin ficelle amande")
    with coffre_of(api).db.unit_of_work() as db:
        db.execute(update(Account).where(Account.login == "faible-v2").values(kdf_opslimit=1))
    from crypto import WeakParametersError

    with pytest.raises(WeakParametersError):
        client_for(api).login("faible-v2", "tortue jardin ficelle amande")


@pytest.mark.parametrize(
    "raw",
    [
        "Camille.V2",
        "  élodie_M ",
        "ÉLODIE",
        "Straße-12",
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "+44 20 7946 0958",
        "ｆｕｌｌｗｉｄｔｈ",
        "ǅemal",
        "İstanbul",
        "ﬁlou",
    ],
)
def test_the_client_canonical_login_is_the_server_one(raw: str) -> None:
    def server(text: str) -> str | None:
        try:
            return normalise_login(text)
        except InvalidLogin:
            return None

    def client(text: str) -> str | None:
        try:
            return canonical_login(text)
        except InvalidInputError:
            return None

    assert client(raw) == server(raw)


def test_a_login_the_server_refuses_is_refused_by_the_client_too() -> None:
    for raw in ["ab", "a b c", "12", "x" * 41, "moi@ici"]:
        with pytest.raises(InvalidLogin):
            normalise_login(raw)
        with pytest.raises(InvalidInputError):
            canonical_login(raw)


def test_an_unknown_login_fails_like_a_wrong_passphrase(api: TestClient) -> None:
    with pytest.raises(ApiError) as refused:
        client_for(api).login("personne-inconnue", "tortue jardin ficelle amande")
    assert refused.value.code == "invalid_credentials"
