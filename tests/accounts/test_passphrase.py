"""Changing the passphrase while logged in: the current one is required, others sessions end."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import ApiError
from coffre.settings import Settings
from crypto import b64encode, rewrap_for_new_passphrase
from crypto.errors import DecryptionError
from tests.accounts.credential_helpers import (
    NEW_PASSPHRASE,
    client_for,
    error_code,
    make_owner,
    rows,
    run_cli,
    upload_files,
)
from tests.factories import Person, make_person

WRONG_KEY = b"\x07" * 32


def _change_body(current_auth_key: bytes, passphrase: str = NEW_PASSPHRASE) -> dict[str, object]:
    new = rewrap_for_new_passphrase(b"\x01" * 32, passphrase)
    return {
        "current_auth_key": b64encode(current_auth_key),
        "kdf": new.kdf_params.to_json(),
        "auth_key": b64encode(new.auth_key),
        "wrapped_master_passphrase": b64encode(new.wrapped_master_passphrase),
    }


def _still_logs_in(api: TestClient, person: Person) -> bool:
    response = api.post(
        "/api/v1/auth/login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    )
    return response.status_code == 200


def test_a_new_passphrase_opens_the_same_documents_and_the_old_one_no_longer_does(
    api: TestClient, tmp_path: Path
) -> None:
    owner = make_owner(api)
    uploaded = upload_files(owner, tmp_path / "sources", count=1)

    assert owner.client.change_passphrase(owner.passphrase, NEW_PASSPHRASE) == 0

    with pytest.raises(ApiError) as refused:
        client_for(api).login(owner.login, owner.passphrase)
    assert refused.value.code == "invalid_credentials"
    other = client_for(api)
    session = other.login(owner.login, NEW_PASSPHRASE)
    [(document_id, content)] = uploaded.items()
    other.download(document_id, tmp_path / "out", session.keys)
    assert (tmp_path / "out").read_bytes() == content


def test_the_server_never_holds_either_passphrase(api: TestClient, settings: Settings) -> None:
    owner = make_owner(api)
    owner.client.change_passphrase(owner.passphrase, NEW_PASSPHRASE)
    [row] = rows(settings, "accounts")
    dump = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    assert owner.passphrase.encode() not in dump
    assert NEW_PASSPHRASE.encode() not in dump


def test_a_stolen_session_alone_cannot_change_the_passphrase(api: TestClient) -> None:
    person = make_person(api)
    response = api.post(
        "/api/v1/me/passphrase", json=_change_body(WRONG_KEY), headers=person.headers
    )
    assert response.status_code == 403
    assert error_code(response) == "wrong_passphrase"
    assert _still_logs_in(api, person)


def test_a_wrong_current_passphrase_is_caught_by_the_client_before_sending(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    with pytest.raises(DecryptionError):
        owner.client.change_passphrase("pas la bonne phrase du tout", NEW_PASSPHRASE)


def test_the_other_sessions_end_and_this_one_stays(api: TestClient) -> None:
    person = make_person(api)
    elsewhere = api.post(
        "/api/v1/auth/login",
        json={"login": person.login, "auth_key": b64encode(person.auth_key)},
    ).json()["token"]

    response = api.post(
        "/api/v1/me/passphrase", json=_change_body(person.auth_key), headers=person.headers
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"revoked_sessions": 1}
    assert api.get("/api/v1/me", headers=person.headers).status_code == 200
    gone = api.get("/api/v1/me", headers={"Authorization": f"Bearer {elsewhere}"})
    assert gone.status_code == 401


def test_wrong_current_passphrases_are_throttled_like_logins(
    api: TestClient, settings: Settings
) -> None:
    person = make_person(api)
    for _ in range(settings.login_free_failures):
        response = api.post(
            "/api/v1/me/passphrase", json=_change_body(WRONG_KEY), headers=person.headers
        )
        assert response.status_code == 403
    held = api.post(
        "/api/v1/me/passphrase", json=_change_body(person.auth_key), headers=person.headers
    )
    assert held.status_code == 429
    assert error_code(held) == "too_many_attempts"


def test_weak_parameters_are_refused_and_nothing_changes(api: TestClient) -> None:
    person = make_person(api)
    body = _change_body(person.auth_key)
    body["kdf"]["memlimit"] = 1024 * 1024  # type: ignore[index]
    response = api.post("/api/v1/me/passphrase", json=body, headers=person.headers)
    assert response.status_code == 422
    assert error_code(response) == "weak_kdf_parameters"
    assert _still_logs_in(api, person)


def test_malformed_key_material_is_refused(api: TestClient) -> None:
    person = make_person(api)
    body = _change_body(person.auth_key)
    body["wrapped_master_passphrase"] = b64encode(b"\x01" * 40)
    response = api.post("/api/v1/me/passphrase", json=body, headers=person.headers)
    assert response.status_code == 422
    assert error_code(response) == "invalid_key_material"


def test_without_a_session_nothing_can_be_changed(api: TestClient) -> None:
    person = make_person(api)
    response = api.post("/api/v1/me/passphrase", json=_change_body(person.auth_key))
    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_the_cli_changes_the_passphrase(live_server: str, tmp_path: Path) -> None:
    old = {"COFFRE_PASSPHRASE": "ancienne phrase du terminal"}
    assert run_cli(live_server, tmp_path, "signup", "--login", "elsa", **old).returncode == 0
    changed = run_cli(live_server, tmp_path, "passwd", COFFRE_NEW_PASSPHRASE=NEW_PASSPHRASE, **old)
    assert changed.returncode == 0, changed.stderr
    assert "phrase secrète est changée" in changed.stdout
    assert run_cli(live_server, tmp_path, "list", COFFRE_PASSPHRASE=NEW_PASSPHRASE).returncode == 0
    assert run_cli(live_server, tmp_path, "login", "--login", "elsa", **old).returncode == 1
