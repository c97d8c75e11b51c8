"""A new recovery kit while logged in ("Refaire mon kit de récupération", issue 18).

POST /me/recovery-code, proven by the passphrase's login value, replaces the recovery
login value and the master key wrapped for recovery together: the new code opens the
account with the same master key (every document stays readable), the old code no
longer does, a recovery started with the old kit ends, the passphrase and the
sessions stay. Twenty parallel changes leave one whole kit in force, never the login
value of one and the wrapped key of another.
"""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.credentials import Credentials
from coffre.accounts.models import Account
from coffre.audit.models import AuditEntry
from crypto import (
    KdfParams,
    b64decode,
    b64encode,
    derive_recovery_keys,
    format_recovery_code,
    new_recovery_secret,
    open_master_key,
    parse_recovery_code,
    unwrap_master_key,
    wrap_master_key,
)
from tests.accounts.credential_helpers import (
    coffre_of,
    error_code,
    recover_start,
)
from tests.concurrency import answer, burst
from tests.factories import Person, make_person
from tests.kdf_factories import new_passphrase_v2

PARALLEL = 20
PATH = "/api/v1/me/recovery-code"


def _master_key(person: Person) -> bytes:
    body = person.signup_body
    params = KdfParams.from_json(body["kdf"])
    return open_master_key(person.passphrase, params, b64decode(body["wrapped_master_passphrase"]))


def _new_kit(master_key: bytes) -> tuple[str, dict[str, str]]:
    """A new recovery code and its body for the server (what the page does)."""
    secret = new_recovery_secret()
    keys = derive_recovery_keys(secret)
    body = {
        "recovery_auth_key": b64encode(keys.auth_key),
        "wrapped_master_recovery": b64encode(
            wrap_master_key(master_key, keys.wrap_key, "recovery")
        ),
    }
    return format_recovery_code(secret), body


def _auth_key(code: str) -> bytes:
    return derive_recovery_keys(parse_recovery_code(code)).auth_key


def test_a_new_kit_opens_the_vault_and_the_old_one_no_longer_does(api: TestClient) -> None:
    person = make_person(api, login="kit-refait")
    old_auth_key = b64decode(person.signup_body["recovery_auth_key"])
    assert recover_start(api, person.login, old_auth_key).status_code == 200
    code, body = _new_kit(_master_key(person))

    response = api.post(
        PATH, json={"current_auth_key": b64encode(person.auth_key), **body}, headers=person.headers
    )

    assert response.status_code == 204, response.text
    old = recover_start(api, person.login, old_auth_key)
    assert (old.status_code, error_code(old)) == (401, "invalid_credentials")
    started = recover_start(api, person.login, _auth_key(code))
    assert started.status_code == 200, started.text
    wrapped = b64decode(started.json()["recovery"]["wrapped_master_recovery"])
    wrap_key = derive_recovery_keys(parse_recovery_code(code)).wrap_key
    assert unwrap_master_key(wrapped, wrap_key, "recovery") == _master_key(person)
    # The passphrase and this session stay.
    assert api.get("/api/v1/me", headers=person.headers).status_code == 200
    login = api.post(
        "/api/v1/auth/login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    )
    assert login.status_code == 200, login.text


def test_a_recovery_started_with_the_old_kit_ends_when_the_kit_is_made_again(
    api: TestClient,
) -> None:
    person = make_person(api, login="kit-en-cours")
    old_auth_key = b64decode(person.signup_body["recovery_auth_key"])
    started = recover_start(api, person.login, old_auth_key)
    token = started.json()["recovery_token"]
    _code, body = _new_kit(_master_key(person))
    current = {"current_auth_key": b64encode(person.auth_key)}
    assert api.post(PATH, json={**current, **body}, headers=person.headers).status_code == 204

    step2 = api.post(
        "/api/v1/auth/recover/passphrase",
        json={"token": token, **_passphrase_shape()},
    )

    assert (step2.status_code, error_code(step2)) == (401, "invalid_recovery_token")


def _passphrase_shape() -> dict[str, object]:
    return new_passphrase_v2("kit-en-cours", "citron bateau lampe nuage violet").body()


def test_a_wrong_passphrase_changes_nothing(api: TestClient) -> None:
    person = make_person(api, login="kit-mauvaise-phrase")
    old_auth_key = b64decode(person.signup_body["recovery_auth_key"])
    _code, body = _new_kit(_master_key(person))

    response = api.post(
        PATH, json={"current_auth_key": b64encode(b"\x07" * 32), **body}, headers=person.headers
    )

    assert (response.status_code, error_code(response)) == (403, "wrong_passphrase")
    assert recover_start(api, person.login, old_auth_key).status_code == 200


def test_a_recovery_value_equal_to_the_passphrase_one_is_refused(api: TestClient) -> None:
    person = make_person(api, login="kit-meme-valeur")
    _code, body = _new_kit(_master_key(person))
    body["recovery_auth_key"] = b64encode(person.auth_key)
    current = {"current_auth_key": b64encode(person.auth_key)}

    response = api.post(PATH, json={**current, **body}, headers=person.headers)

    assert (response.status_code, error_code(response)) == (422, "invalid_key_material")
    short = {**body, "wrapped_master_recovery": b64encode(b"\x01" * 40)}
    response = api.post(PATH, json={**current, **short}, headers=person.headers)
    assert (response.status_code, error_code(response)) == (422, "invalid_key_material")


def test_twenty_parallel_new_kits_leave_one_whole_kit_in_force(
    api: TestClient, http: httpx.Client
) -> None:
    person = make_person(api, login="kit-en-parallele")
    kits = [_new_kit(_master_key(person)) for _ in range(PARALLEL)]
    current = {"current_auth_key": b64encode(person.auth_key)}

    def change(index: int) -> tuple[int, str]:
        body = {**current, **kits[index][1]}
        return answer(http.post(PATH, json=body, headers=person.headers))

    outcomes = burst(PARALLEL, change)

    assert outcomes == [(204, "")] * PARALLEL
    coffre = coffre_of(api)
    with coffre.db.unit_of_work() as db:
        account = db.scalars(select(Account).where(Account.login == person.login)).one()
        verifier, wrapped = account.recovery_verifier, account.wrapped_master_recovery
        query = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == "account.recovery_code", AuditEntry.actor_id == account.id
        )
        assert db.scalar(query) == PARALLEL
    credentials = Credentials(coffre.accounts, coffre.settings)
    in_force = [
        code
        for code, body in kits
        if credentials.verifier(b64decode(body["recovery_auth_key"])) == verifier
    ]
    assert len(in_force) == 1
    (code,) = in_force
    wrap_key = derive_recovery_keys(parse_recovery_code(code)).wrap_key
    assert unwrap_master_key(wrapped, wrap_key, "recovery") == _master_key(person)
    assert recover_start(api, person.login, _auth_key(code)).status_code == 200
