"""Without the kit: a reset code gives back the login and a fresh, empty vault; the old
documents are destroyed for everyone (the price of end-to-end encryption)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import ApiError
from client.credentials import reset_code as client_reset_code
from coffre.accounts.credential_errors import AccountNotFound
from coffre.accounts.reset import new_reset_code, reset_code_hash
from coffre.clock import FrozenClock
from coffre.policy import Action, Actor, ResetTarget, Role, Standing, can
from coffre.settings import Settings
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
from tests.factories import person_material
from tests.structures.world import build_world

_WORLDS: dict[str, str] = {}  # database URL (one per test) -> the professional's token


def _professional(api: TestClient) -> Actor:
    """A professional certified in a structure of the territory (tests/structures/world.py)."""
    database = coffre_of(api).settings.database_url
    if database not in _WORLDS:
        _WORLDS[database] = build_world(api).professional.token
    return coffre_of(api).accounts.authenticate(_WORLDS[database])


def _issue(api: TestClient, login: str) -> str:
    return coffre_of(api).resets.create_reset_code(_professional(api), login).code


def _reset_body(login: str, code: str, slot: int = 3) -> dict[str, Any]:
    body = copy.deepcopy(person_material(slot, login).signup_body)
    body["reset_code"] = code
    return body


def test_a_reset_gives_a_fresh_empty_vault_and_destroys_the_old_documents(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    owner = make_owner(api)
    upload_files(owner, tmp_path / "old")
    object_keys = [row["object_key"] for row in rows(settings, "documents")]
    store = coffre_of(api).store
    assert all(store.exists(key) for key in object_keys)
    code = _issue(api, owner.login)

    outcome = client_for(api).reset_with_code(owner.login, code, NEW_PASSPHRASE)

    # The old documents: tombstones without metadata, no sealed key, no stored object.
    assert rows(settings, "sealed_keys") == []
    for row in rows(settings, "documents"):
        assert row["deleted_at"] is not None
        assert row["encrypted_metadata"] is None
        assert row["object_key"] is None
    assert not any(store.exists(key) for key in object_keys)
    # The person is back, with new keys and an empty vault.
    fresh = client_for(api)
    session = fresh.login(owner.login, NEW_PASSPHRASE)
    assert session.account_id == owner.session.account_id
    assert session.keys.box_public != owner.session.keys.box_public
    assert fresh.list_documents(session.keys) == []
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", outcome.recovery_code)


def test_documents_added_after_a_reset_work_again(api: TestClient, tmp_path: Path) -> None:
    owner = make_owner(api)
    upload_files(owner, tmp_path / "old", count=1)
    client_for(api).reset_with_code(owner.login, _issue(api, owner.login), NEW_PASSPHRASE)

    again = client_for(api)
    session = again.login(owner.login, NEW_PASSPHRASE)
    renewed = Owner(owner.login, NEW_PASSPHRASE, "", again, session)
    [(document_id, content)] = upload_files(renewed, tmp_path / "new", count=1).items()
    again.download(document_id, tmp_path / "out", session.keys)
    assert (tmp_path / "out").read_bytes() == content


def test_after_a_reset_neither_the_old_passphrase_nor_the_old_recovery_code_works(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    new_kit = client_for(api).reset_with_code(owner.login, _issue(api, owner.login), "a b c d e")

    with pytest.raises(ApiError) as refused:
        client_for(api).login(owner.login, owner.passphrase)
    assert refused.value.code == "invalid_credentials"
    old_kit = recover_start(api, owner.login, owner.recovery_auth_key)
    assert error_code(old_kit) == "invalid_credentials"
    assert client_for(api).recover(owner.login, new_kit.recovery_code, NEW_PASSPHRASE)


def test_the_answer_says_plainly_what_was_lost(api: TestClient) -> None:
    owner = make_owner(api)
    response = api.post(
        "/api/v1/auth/reset", json=_reset_body(owner.login, _issue(api, owner.login))
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["documents_destroyed"] == 0
    assert "personne ne pourra plus jamais les ouvrir" in body["message"]
    assert "chiffrement de bout en bout" in body["message"]


def test_a_reset_ends_every_session(api: TestClient) -> None:
    owner = make_owner(api)
    headers = {"Authorization": f"Bearer {owner.session.token}"}
    api.post("/api/v1/auth/reset", json=_reset_body(owner.login, _issue(api, owner.login)))
    assert api.get("/api/v1/me", headers=headers).status_code == 401


def test_a_reset_code_serves_once(api: TestClient) -> None:
    owner = make_owner(api)
    code = _issue(api, owner.login)
    assert api.post("/api/v1/auth/reset", json=_reset_body(owner.login, code)).is_success
    again = api.post("/api/v1/auth/reset", json=_reset_body(owner.login, code, slot=4))
    assert again.status_code == 401
    assert error_code(again) == "invalid_reset_code"


def test_a_reset_code_expires_after_three_days(api: TestClient, clock: FrozenClock) -> None:
    owner = make_owner(api)
    code = _issue(api, owner.login)
    clock.advance(days=3)
    response = api.post("/api/v1/auth/reset", json=_reset_body(owner.login, code))
    assert error_code(response) == "invalid_reset_code"
    assert client_for(api).login(owner.login, owner.passphrase).login == owner.login


def test_a_code_for_another_login_is_refused_and_stays_good_for_its_own(
    api: TestClient,
) -> None:
    owner = make_owner(api)
    other = make_owner(api)
    code = _issue(api, owner.login)
    response = api.post("/api/v1/auth/reset", json=_reset_body(other.login, code))
    assert error_code(response) == "invalid_reset_code"
    assert client_for(api).login(other.login, other.passphrase).login == other.login
    assert api.post("/api/v1/auth/reset", json=_reset_body(owner.login, code)).is_success


def test_a_wrong_code_and_an_unknown_login_get_the_same_answer(api: TestClient) -> None:
    owner = make_owner(api)
    real = _issue(api, owner.login)
    wrong, _ = new_reset_code()
    answers = [
        api.post("/api/v1/auth/reset", json=_reset_body(owner.login, wrong)),
        api.post("/api/v1/auth/reset", json=_reset_body("personne-inconnue", real)),
        api.post("/api/v1/auth/reset", json=_reset_body(owner.login, "pas un code")),
    ]
    assert {a.status_code for a in answers} == {401}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert error_code(answers[0]) == "invalid_reset_code"


def test_a_new_code_replaces_the_pending_one(api: TestClient) -> None:
    owner = make_owner(api)
    first = _issue(api, owner.login)
    second = _issue(api, owner.login)
    assert error_code(api.post("/api/v1/auth/reset", json=_reset_body(owner.login, first))) == (
        "invalid_reset_code"
    )
    assert api.post("/api/v1/auth/reset", json=_reset_body(owner.login, second)).is_success


def test_a_malformed_bundle_is_refused_without_spending_the_code(api: TestClient) -> None:
    owner = make_owner(api)
    code = _issue(api, owner.login)
    weak = _reset_body(owner.login, code)
    weak["kdf"]["opslimit"] = 2
    response = api.post("/api/v1/auth/reset", json=weak)
    assert response.status_code == 422
    assert error_code(response) == "weak_kdf_parameters"
    assert api.post("/api/v1/auth/reset", json=_reset_body(owner.login, code)).is_success


def test_the_code_is_stored_only_as_a_hash(api: TestClient, settings: Settings) -> None:
    owner = make_owner(api)
    code = _issue(api, owner.login)
    [row] = rows(settings, "reset_codes")
    digits = code.replace("-", "").lower()
    dump = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    assert digits.encode() not in dump.lower() and bytes.fromhex(digits) not in dump
    assert bytes(row["code_hash"]) == reset_code_hash(code)


def test_a_typed_code_is_forgiven_spaces_case_and_look_alike_letters() -> None:
    code, hashed = new_reset_code()
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){7}", code)
    typed = code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert reset_code_hash(typed) == hashed
    assert reset_code_hash(code[:-1]) is None


CERTIFIED = Standing("s" * 32, role="professional", certified=True, active=True)
UNCERTIFIED = Standing("s" * 32, role="professional", certified=False, active=True)
LEFT = Standing("s" * 32, role="professional", certified=True, active=False)


@pytest.mark.parametrize(
    ("role", "target_kind", "standing", "allowed"),
    [
        (Role.PROFESSIONAL, Role.PERSON, CERTIFIED, True),
        (Role.PROFESSIONAL, Role.PERSON, UNCERTIFIED, False),
        (Role.PROFESSIONAL, Role.PERSON, LEFT, False),
        (Role.TERRITORY_ADMIN, Role.PERSON, Standing(""), True),
        (Role.PERSON, Role.PERSON, CERTIFIED, False),
        (Role.CHARTER_OFFICER, Role.PERSON, Standing(""), False),
        (Role.PROFESSIONAL, Role.PROFESSIONAL, CERTIFIED, False),
        (Role.TERRITORY_ADMIN, Role.TERRITORY_ADMIN, Standing(""), False),
    ],
)
def test_who_may_issue_a_reset_code(
    role: Role, target_kind: Role, standing: Standing, allowed: bool
) -> None:
    actor = Actor(account_id="a" * 32, role=role, session_id="s" * 32)
    target = ResetTarget(target_kind.value, standing)
    assert can(actor, Action.ACCOUNT_RESET_ISSUE, target) is allowed


def test_a_refused_issuer_is_told_the_same_as_for_an_unknown_login(api: TestClient) -> None:
    owner = make_owner(api)
    person = Actor(account_id=owner.session.account_id, role=Role.PERSON, session_id="s" * 32)
    resets = coffre_of(api).resets
    with pytest.raises(AccountNotFound):
        resets.create_reset_code(person, owner.login)
    with pytest.raises(AccountNotFound):
        resets.create_reset_code(_professional(api), "personne-inconnue")


def test_the_client_never_sends_a_recovery_code_as_a_reset_code(api: TestClient) -> None:
    owner = make_owner(api)
    with pytest.raises(ApiError) as recovery:
        client_for(api).reset_with_code(owner.login, owner.recovery_code, NEW_PASSPHRASE)
    assert recovery.value.code == "not_a_reset_code"
    with pytest.raises(ApiError) as malformed:
        client_reset_code("1234-5678")
    assert malformed.value.code == "invalid_reset_code"
    # Nothing was destroyed.
    assert client_for(api).login(owner.login, owner.passphrase).login == owner.login


def _server_env(settings: Settings) -> dict[str, str]:
    """The server's settings as COFFRE_* variables, for an operator command."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is not None:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            env[f"COFFRE_{name.upper()}"] = text
    return env


def test_an_operator_gives_a_reset_code_and_the_person_resets_with_the_cli(
    live_server: str, settings: Settings, tmp_path: Path
) -> None:
    person = {"COFFRE_PASSPHRASE": "oubliee depuis longtemps vraiment"}
    signup = run_cli(live_server, tmp_path, "signup", "--login", "nadia", **person)
    assert signup.returncode == 0, signup.stderr

    operator = _server_env(settings)
    unknown = run_cli(live_server, tmp_path, "admin", "reset-code", "inconnue", **operator)
    assert unknown.returncode == 1
    assert "account_not_found" in unknown.stderr
    issued = run_cli(live_server, tmp_path, "admin", "reset-code", "nadia", **operator)
    assert issued.returncode == 0, issued.stderr
    code = re.search(r"[0-9A-F]{4}(-[0-9A-F]{4}){7}", issued.stdout)
    assert code is not None

    reset = run_cli(
        live_server,
        tmp_path,
        "reset",
        "--login",
        "nadia",
        stdin=f"y\n{code.group(0)}\n",
        COFFRE_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert reset.returncode == 0, reset.stderr
    assert "personne ne pourra plus les ouvrir" in reset.stdout
    assert re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", reset.stdout), "new recovery code"
    listing = run_cli(live_server, tmp_path, "list", COFFRE_PASSPHRASE=NEW_PASSPHRASE)
    assert listing.returncode == 0, listing.stderr
    assert "vide" in listing.stdout
