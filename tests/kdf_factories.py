"""Accounts under KDF v2 (crypto/SPEC.md §19), built as the Python client builds them.

tests/factories.py makes v1 accounts (their material is cached per slot: a v1 salt
does not depend on the login). A v2 salt holds the territory and the login, so v2
material is made per login (one Argon2id each, about 0.2 s).
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi.testclient import TestClient

from client.kdf import NewPassphraseV2, new_account_v2, rewrap_v2
from crypto import b64encode
from tests.factories import PASSPHRASE, Person

# The default of COFFRE_TERRITORY (the tests' settings do not change it).
TERRITORY = "local"


def person_material_v2(login: str | None = None, passphrase: str = PASSPHRASE) -> Person:
    login = login or f"personne-{secrets.token_hex(4)}"
    new = new_account_v2(passphrase, territory=TERRITORY, login=login)
    body: dict[str, Any] = {
        "login": login,
        "kdf": new.kdf_params.to_json(),
        "auth_key": b64encode(new.auth_key),
        "recovery_auth_key": b64encode(new.recovery_auth_key),
        "wrapped_master_passphrase": b64encode(new.wrapped_master_passphrase),
        "wrapped_master_recovery": b64encode(new.wrapped_master_recovery),
        "wrapped_keyring": b64encode(new.wrapped_keyring),
        "box_public_key": b64encode(new.keys.box_public),
        "sign_public_key": b64encode(new.keys.sign_public),
    }
    return Person(login, passphrase, new.keys, body, new.auth_key)


def make_person_v2(api: TestClient, login: str | None = None) -> Person:
    """Sign up and log in a v2 person; returns them with a session token."""
    person = person_material_v2(login)
    response = api.post("/api/v1/accounts", json=person.signup_body)
    assert response.status_code == 201, response.text
    answer = api.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    assert answer.status_code == 200, answer.text
    return Person(
        person.login,
        person.passphrase,
        person.keys,
        person.signup_body,
        person.auth_key,
        answer.json()["token"],
    )


def new_passphrase_v2(
    login: str, passphrase: str = "une autre phrase bien longue"
) -> NewPassphraseV2:
    """A new v2 passphrase for a master key the test does not have (only the shape
    matters to the server)."""
    return rewrap_v2(b"\x01" * 32, passphrase, territory=TERRITORY, login=login)
