"""Recovery with the kit: a new passphrase, the same master key, every document readable."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from client import ApiError
from coffre.accounts.models import LoginFailure, RecoveryToken
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from crypto.errors import InvalidInputError
from tests.accounts.credential_helpers import (
    NEW_PASSPHRASE,
    Owner,
    client_for,
    coffre_of,
    error_code,
    make_owner,
    recover_start,
    rows,
    run_cli,
    upload_files,
)
from tests.accounts.factories import enrol_totp, totp_code
from tests.factories import make_person, typo_caught_by_the_check_character
from tests.kdf_factories import new_passphrase_v2

WRONG_KEY = b"\x07" * 32


def _passphrase_body(token: str, passphrase: str = NEW_PASSPHRASE) -> dict[str, object]:
    """Step 2 for a master key we do not have: only the shape matters to the server
    (KDF v2, as every client now sends)."""
    return {"token": token, **new_passphrase_v2("quelqu-un", passphrase).body()}


def _started(api: TestClient, owner: Owner) -> str:
    response = recover_start(api, owner.login, owner.recovery_auth_key)
    assert response.status_code == 200, response.text
    return str(response.json()["recovery_token"])


def test_recovery_with_the_kit_keeps_every_document_readable(
    api: TestClient, tmp_path: Path
) -> None:
    owner = make_owner(api)
    uploaded = upload_files(owner, tmp_path / "sources")

    forgetful = client_for(api)
    recovered = forgetful.recover(owner.login, owner.recovery_code, NEW_PASSPHRASE)

    assert recovered.keys.box_public == owner.session.keys.box_public
    listed = forgetful.list_documents(recovered.keys)
    assert {entry.id for entry in listed} == set(uploaded)
    for document_id, content in uploaded.items():
        target = tmp_path / f"{document_id}.out"
        forgetful.download(document_id, target, recovered.keys)
        assert target.read_bytes() == content


def test_a_typed_recovery_code_is_forgiven_its_dashes_case_and_look_alike_digits(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    typed = owner.recovery_code.replace("-", " ").lower().replace("o", "0").replace("i", "1")
    recovered = client_for(api).recover(owner.login, typed, NEW_PASSPHRASE)
    assert recovered.login == owner.login


def test_after_recovery_the_old_passphrase_fails_and_the_new_one_opens_the_vault(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    client_for(api).recover(owner.login, owner.recovery_code, NEW_PASSPHRASE)

    with pytest.raises(ApiError) as refused:
        client_for(api).login(owner.login, owner.passphrase)
    assert refused.value.code == "invalid_credentials"
    again = client_for(api).login(owner.login, NEW_PASSPHRASE)
    assert again.keys.sign_public == owner.session.keys.sign_public


def test_the_recovery_code_keeps_working_after_a_recovery(api: TestClient) -> None:
    owner = make_owner(api)
    client_for(api).recover(owner.login, owner.recovery_code, NEW_PASSPHRASE)
    second = client_for(api).recover(owner.login, owner.recovery_code, "encore une autre phrase")
    assert second.login == owner.login


def test_recovery_ends_every_session_and_opens_a_new_one(api: TestClient) -> None:
    owner = make_owner(api)
    before = {"Authorization": f"Bearer {owner.session.token}"}
    assert api.get("/api/v1/me", headers=before).status_code == 200

    recovered = client_for(api).recover(owner.login, owner.recovery_code, NEW_PASSPHRASE)

    assert api.get("/api/v1/me", headers=before).status_code == 401
    after = {"Authorization": f"Bearer {recovered.token}"}
    assert api.get("/api/v1/me", headers=after).status_code == 200


def test_step_one_hands_out_the_recovery_wrap_and_a_token_stored_only_as_a_hash(
    api: TestClient, settings: Settings
) -> None:
    owner = make_owner(api)
    response = recover_start(api, owner.login, owner.recovery_auth_key)
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == 600
    assert set(body["recovery"]) == {
        "wrapped_master_recovery",
        "wrapped_keyring",
        "box_public_key",
        "sign_public_key",
    }
    [row] = rows(settings, "recovery_tokens")
    assert body["recovery_token"].encode() not in b"".join(
        v if isinstance(v, bytes) else str(v).encode() for v in row.values()
    )


def test_a_wrong_recovery_value_and_an_unknown_login_get_the_same_refusal(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    wrong = recover_start(api, owner.login, WRONG_KEY)
    unknown = recover_start(api, "personne-inconnue", owner.recovery_auth_key)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert error_code(wrong) == "invalid_credentials"


def test_the_passphrase_login_value_does_not_open_a_recovery(api: TestClient) -> None:
    person = make_person(api)
    response = recover_start(api, person.login, person.auth_key)
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"


def test_recovery_attempts_spend_the_same_budget_as_logins(
    api: TestClient, settings: Settings
) -> None:
    owner = make_owner(api)
    for _ in range(settings.login_free_failures):
        assert recover_start(api, owner.login, WRONG_KEY).status_code == 401
    # The login itself is now held back, even with the right passphrase.
    with pytest.raises(ApiError) as held:
        client_for(api).login(owner.login, owner.passphrase)
    assert held.value.code == "too_many_attempts"
    refused = recover_start(api, owner.login, owner.recovery_auth_key)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_a_mistyped_recovery_code_is_caught_before_anything_is_sent(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    typo = typo_caught_by_the_check_character(owner.recovery_code)
    with pytest.raises(InvalidInputError):
        client_for(api).recover(owner.login, typo, NEW_PASSPHRASE)
    with coffre_of(api).db.unit_of_work() as db:
        assert db.scalar(select(func.count(LoginFailure.id))) == 0


def test_the_recovery_token_serves_once(api: TestClient) -> None:
    owner = make_owner(api)
    token = _started(api, owner)
    first = api.post("/api/v1/auth/recover/passphrase", json=_passphrase_body(token))
    assert first.status_code == 200, first.text
    again = api.post("/api/v1/auth/recover/passphrase", json=_passphrase_body(token))
    assert again.status_code == 401
    assert error_code(again) == "invalid_recovery_token"


def test_the_recovery_token_expires_after_ten_minutes(api: TestClient, clock: FrozenClock) -> None:
    owner = make_owner(api)
    token = _started(api, owner)
    clock.advance(minutes=10)
    response = api.post("/api/v1/auth/recover/passphrase", json=_passphrase_body(token))
    assert response.status_code == 401
    assert error_code(response) == "invalid_recovery_token"
    # Nothing changed: the old passphrase still opens the vault.
    assert client_for(api).login(owner.login, owner.passphrase).login == owner.login


def test_a_new_step_one_voids_the_previous_token(api: TestClient) -> None:
    owner = make_owner(api)
    first = _started(api, owner)
    _started(api, owner)
    response = api.post("/api/v1/auth/recover/passphrase", json=_passphrase_body(first))
    assert error_code(response) == "invalid_recovery_token"
    with coffre_of(api).db.unit_of_work() as db:
        assert db.scalar(select(func.count(RecoveryToken.id))) == 1


def test_an_unknown_token_is_refused(api: TestClient) -> None:
    response = api.post("/api/v1/auth/recover/passphrase", json=_passphrase_body("n" * 43))
    assert response.status_code == 401
    assert error_code(response) == "invalid_recovery_token"


def test_weak_parameters_for_the_new_passphrase_are_refused_without_spending_the_token(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    token = _started(api, owner)
    weak = copy.deepcopy(_passphrase_body(token))
    weak["kdf"]["opslimit"] = 1  # type: ignore[index]
    response = api.post("/api/v1/auth/recover/passphrase", json=weak)
    assert response.status_code == 422
    assert error_code(response) == "weak_kdf_parameters"
    assert api.post("/api/v1/auth/recover/passphrase", json=_passphrase_body(token)).is_success


def test_a_new_login_value_equal_to_the_recovery_one_is_refused(api: TestClient) -> None:
    owner = make_owner(api)
    token = _started(api, owner)
    body = _passphrase_body(token)
    body["auth_key"] = b64encode(owner.recovery_auth_key)
    response = api.post("/api/v1/auth/recover/passphrase", json=body)
    assert response.status_code == 422
    assert error_code(response) == "invalid_key_material"


def test_an_account_with_a_second_factor_needs_its_code_to_recover(
    api: TestClient, clock: FrozenClock
) -> None:
    owner = make_owner(api)
    secret = enrol_totp(api, {"Authorization": f"Bearer {owner.session.token}"}, clock)
    clock.advance(seconds=30)

    without = recover_start(api, owner.login, owner.recovery_auth_key)
    assert without.status_code == 401
    assert error_code(without) == "totp_required"
    recovered = client_for(api).recover(
        owner.login, owner.recovery_code, NEW_PASSPHRASE, totp_code=totp_code(secret, clock)
    )
    assert recovered.login == owner.login


def test_the_page_variant_puts_the_new_session_in_the_cookie(api: TestClient) -> None:
    owner = make_owner(api)
    token = _started(api, owner)
    response = api.post("/api/v1/auth/web-recover/passphrase", json=_passphrase_body(token))
    assert response.status_code == 200, response.text
    assert "token" not in response.json()
    assert "coffre_session" in response.cookies


def test_the_cli_recovers_with_the_kit_and_logs_in(live_server: str, tmp_path: Path) -> None:
    old = {"COFFRE_PASSPHRASE": "ancienne phrase bien oubliee"}
    signup = run_cli(live_server, tmp_path, "signup", "--login", "yanis", **old)
    assert signup.returncode == 0, signup.stderr
    match = re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", signup.stdout)
    assert match is not None
    assert run_cli(live_server, tmp_path, "logout").returncode == 0

    recovered = run_cli(
        live_server,
        tmp_path,
        "recover",
        "--login",
        "yanis",
        stdin=f"{match.group(0)}\n",
        COFFRE_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert recovered.returncode == 0, recovered.stderr
    assert "tous vos documents sont là" in recovered.stdout
    listing = run_cli(live_server, tmp_path, "list", COFFRE_PASSPHRASE=NEW_PASSPHRASE)
    assert listing.returncode == 0, listing.stderr

    wrong = run_cli(
        live_server,
        tmp_path,
        "recover",
        "--login",
        "yanis",
        "--code",
        "ABCD",
        COFFRE_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert wrong.returncode == 1
