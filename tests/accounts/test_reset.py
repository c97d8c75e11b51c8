"""Without the kit: a reset code gives back the login and a fresh, empty vault, after a
waiting period the person is told of and can cancel with the passphrase or the kit;
the old documents are destroyed when it completes, not before (issue 14, item 3)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import ApiError
from client.credentials import reset_code as client_reset_code
from coffre.accounts.reset import new_reset_code, reset_code_hash
from coffre.clock import FrozenClock
from coffre.policy import Action, Actor, ResetLink, ResetTarget, Role, Standing, can
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
from tests.accounts.reset_world import Linked, audit_actions, linked_world, reset_body
from tests.factories import person_material
from tests.structures.world import log_in

WAIT = timedelta(days=7)


@pytest.fixture
def linked(api: TestClient, tmp_path: Path) -> Linked:
    """A person with two documents who shares one with Mme Dupont (the link)."""
    return linked_world(api, tmp_path)


def _issue(api: TestClient, login: str) -> str:
    """A code from an operator (the tests of the code itself need no link)."""
    return coffre_of(api).resets.create_reset_code_as_operator(login).code


def _reset_body(login: str, code: str, slot: int = 3) -> dict[str, Any]:
    return reset_body(login, code, slot)


def _headers(owner: Owner) -> dict[str, str]:
    return {"Authorization": f"Bearer {owner.session.token}"}


def _readable(owner: Owner, documents: dict[str, bytes], folder: Path) -> bool:
    """Every document downloads and decrypts to its content with the owner's keys."""
    for index, (document_id, content) in enumerate(documents.items()):
        target = folder / f"out-{index}"
        owner.client.download(document_id, target, owner.session.keys)
        if target.read_bytes() != content:
            return False
    return True


def _log_in(api: TestClient, login: str, passphrase: str) -> Owner:
    client = client_for(api)
    return Owner(login, passphrase, "", client, client.login(login, passphrase))


# -- the waiting period ------------------------------------------------------------


def test_a_used_code_changes_nothing_until_the_waiting_period_has_passed(
    linked: Linked, clock: FrozenClock, settings: Settings, tmp_path: Path
) -> None:
    api, owner = linked.api, linked.owner
    answer = linked.use(linked.issue_as_professional())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["completes_at"].startswith((clock.now() + WAIT).strftime("%Y-%m-%dT%H:%M"))
    assert "dans 7 jours" in body["message"] and "peut tout annuler" in body["message"]

    clock.advance(days=6, hours=23)
    assert coffre_of(api).resets.complete_due() == 0
    # The old passphrase, keys, documents and kit work as before; the new passphrase not yet.
    again = _log_in(api, owner.login, owner.passphrase)
    assert again.session.keys.box_public == owner.session.keys.box_public
    assert _readable(again, linked.documents, tmp_path)
    assert recover_start(api, owner.login, owner.recovery_auth_key).status_code == 200
    with pytest.raises(ApiError) as new_one:
        client_for(api).login(owner.login, person_material(3).passphrase)
    assert new_one.value.code == "invalid_credentials"
    assert all(row["deleted_at"] is None for row in rows(settings, "documents"))


def test_after_the_waiting_period_the_new_keys_replace_the_old_and_the_documents_go(
    linked: Linked, clock: FrozenClock, settings: Settings
) -> None:
    api, owner = linked.api, linked.owner
    mine = [row for row in rows(settings, "documents") if row["id"] in linked.documents]
    object_keys = [row["object_key"] for row in mine]
    store = coffre_of(api).store
    outcome = client_for(api).reset_with_code(
        owner.login, linked.issue_as_professional(), NEW_PASSPHRASE
    )
    assert outcome.completes_at == clock.now() + WAIT
    assert all(store.exists(key) for key in object_keys)

    clock.advance(days=7)
    assert coffre_of(api).resets.complete_due() == 1
    assert coffre_of(api).resets.complete_due() == 0

    # The old documents: tombstones without metadata, no sealed key, no stored object.
    assert [k for k in rows(settings, "sealed_keys") if k["document_id"] in linked.documents] == []
    for row in rows(settings, "documents"):
        gone = row["deleted_at"] is not None and row["encrypted_metadata"] is None
        assert gone is (row["id"] in linked.documents)
    assert not any(store.exists(key) for key in object_keys)
    # Every old session ended; the new passphrase and kit open a fresh, empty vault.
    assert api.get("/api/v1/me", headers=_headers(owner)).status_code == 401
    fresh = client_for(api)
    session = fresh.login(owner.login, NEW_PASSPHRASE)
    assert session.account_id == owner.session.account_id
    assert session.keys.box_public != owner.session.keys.box_public
    assert fresh.list_documents(session.keys) == []
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", outcome.recovery_code)
    assert client_for(api).recover(owner.login, outcome.recovery_code, "d e f g h i")
    # The old passphrase and kit open nothing any more.
    with pytest.raises(ApiError) as old:
        client_for(api).login(owner.login, owner.passphrase)
    assert old.value.code == "invalid_credentials"
    assert error_code(recover_start(api, owner.login, owner.recovery_auth_key)) == (
        "invalid_credentials"
    )
    [pending] = rows(settings, "pending_resets")
    assert pending["state"] == "completed" and pending["credentials"] is None


def test_documents_added_after_a_reset_work_again(
    linked: Linked, clock: FrozenClock, tmp_path: Path
) -> None:
    api, owner = linked.api, linked.owner
    client_for(api).reset_with_code(owner.login, linked.issue_as_professional(), NEW_PASSPHRASE)
    clock.advance(days=7)
    coffre_of(api).resets.complete_due()

    renewed = _log_in(api, owner.login, NEW_PASSPHRASE)
    [(document_id, content)] = upload_files(renewed, tmp_path / "new", count=1).items()
    renewed.client.download(document_id, tmp_path / "out", renewed.session.keys)
    assert (tmp_path / "out").read_bytes() == content


# -- cancelling --------------------------------------------------------------------


def test_the_person_cancels_with_the_passphrase_and_keeps_every_document(
    linked: Linked, clock: FrozenClock, settings: Settings, tmp_path: Path
) -> None:
    api, owner = linked.api, linked.owner
    assert linked.use(linked.issue_as_professional()).status_code == 200
    clock.advance(days=3)

    again = _log_in(api, owner.login, owner.passphrase)
    pending = again.client.pending_reset()
    assert pending is not None and pending.stage == "waiting"
    assert pending.until == clock.now() - timedelta(days=3) + WAIT
    assert "annulée" in again.client.cancel_reset()
    assert again.client.pending_reset() is None

    clock.advance(days=5)
    assert coffre_of(api).resets.complete_due() == 0
    assert _readable(_log_in(api, owner.login, owner.passphrase), linked.documents, tmp_path)
    with pytest.raises(ApiError):
        client_for(api).login(owner.login, person_material(3).passphrase)
    [row] = rows(settings, "pending_resets")
    assert row["state"] == "cancelled" and row["credentials"] is None


def test_the_person_cancels_with_the_kit_and_keeps_every_document(
    linked: Linked, clock: FrozenClock, tmp_path: Path
) -> None:
    api, owner = linked.api, linked.owner
    assert linked.use(linked.issue_as_professional()).status_code == 200
    clock.advance(days=1)

    # Passphrase forgotten too: the kit opens the vault under a new passphrase.
    client = client_for(api)
    session = client.recover(owner.login, owner.recovery_code, NEW_PASSPHRASE)
    recovered = Owner(owner.login, NEW_PASSPHRASE, owner.recovery_code, client, session)
    assert client.pending_reset() is not None
    client.cancel_reset()

    clock.advance(days=7)
    assert coffre_of(api).resets.complete_due() == 0
    assert _readable(_log_in(api, owner.login, NEW_PASSPHRASE), linked.documents, tmp_path)
    assert recovered.session.keys.box_public == owner.session.keys.box_public


def test_cancelling_withdraws_a_code_nobody_used_yet(linked: Linked) -> None:
    code = linked.issue_as_professional()
    pending = linked.owner.client.pending_reset()
    assert pending is not None and pending.stage == "code"
    linked.owner.client.cancel_reset()
    assert linked.owner.client.pending_reset() is None
    assert error_code(linked.use(code)) == "invalid_reset_code"


def test_with_nothing_to_cancel_the_answer_says_so(linked: Linked) -> None:
    response = linked.api.post("/api/v1/me/reset/cancel", headers=_headers(linked.owner))
    assert response.status_code == 404
    assert error_code(response) == "reset_not_pending"
    assert linked.owner.client.pending_reset() is None


def test_a_second_code_used_replaces_the_waiting_reset_and_waits_again(
    linked: Linked, clock: FrozenClock, settings: Settings
) -> None:
    api, owner = linked.api, linked.owner
    assert linked.use(linked.issue_as_professional(), slot=3).status_code == 200
    clock.advance(days=5)
    log_in(api, linked.cw.professional)  # sessions last hours; the grant, 30 days
    assert linked.use(linked.issue_as_professional(), slot=4).status_code == 200
    clock.advance(days=3)
    assert coffre_of(api).resets.complete_due() == 0
    clock.advance(days=4)
    assert coffre_of(api).resets.complete_due() == 1
    states = sorted(str(row["state"]) for row in rows(settings, "pending_resets"))
    assert states == ["completed", "replaced"]
    assert client_for(api).login(owner.login, person_material(4).passphrase)


def test_erasing_the_account_ends_a_waiting_reset(
    linked: Linked, clock: FrozenClock, settings: Settings
) -> None:
    api, owner = linked.api, linked.owner
    assert linked.use(linked.issue_as_professional()).status_code == 200
    owner.client.delete_account(owner.passphrase)
    clock.advance(days=8)
    assert coffre_of(api).resets.complete_due() == 0
    [row] = rows(settings, "pending_resets")
    assert row["state"] == "void" and row["credentials"] is None


# -- the person is told, and the trail keeps each step ---------------------------------


def test_the_person_is_told_at_once_who_issued_a_code_and_when_it_was_used(
    linked: Linked,
) -> None:
    api, owner = linked.api, linked.owner

    def reset_notices() -> list[dict[str, Any]]:
        listed = api.get("/api/v1/notifications", headers=_headers(owner)).json()
        return [n for n in listed["notifications"] if n["kind"].startswith("reset.")]

    code = linked.issue_as_professional()
    [issued] = reset_notices()
    assert issued["kind"] == "reset.code_issued"
    assert issued["data"]["professional"] == "Mme Dupont"
    assert issued["data"]["structure"] == "CCAS de Clermont-Ferrand"
    assert issued["data"]["waiting_days"] == 7
    assert linked.use(code).status_code == 200
    [used] = [n for n in reset_notices() if n["kind"] == "reset.requested"]
    assert used["data"]["completes_at"]


def test_the_trail_keeps_the_issue_the_use_the_cancel_and_the_completion(
    linked: Linked, clock: FrozenClock, settings: Settings
) -> None:
    api, owner = linked.api, linked.owner
    assert linked.use(linked.issue_as_professional()).status_code == 200
    owner.client.cancel_reset()
    assert linked.use(linked.issue_as_professional(), slot=4).status_code == 200
    clock.advance(days=7)
    assert coffre_of(api).resets.complete_due() == 1
    assert audit_actions(settings) == [
        ("account.reset_code", "ok"),
        ("account.reset_request", "ok"),
        ("account.reset_cancel", "ok"),
        ("account.reset_code", "ok"),
        ("account.reset_request", "ok"),
        ("account.reset", "ok"),
    ]


def test_the_person_s_history_says_who_tried_who_issued_and_what_they_cancelled(
    api: TestClient, tmp_path: Path
) -> None:
    linked = linked_world(api, tmp_path, share=False)
    owner = linked.owner
    assert linked.issue(linked.cw.professional.headers).status_code == 404  # no link yet
    linked.share()
    assert linked.use(linked.issue_as_professional()).status_code == 200
    owner.client.cancel_reset()

    items = api.get("/api/v1/me/history", headers=_headers(owner)).json()["items"]
    said = [item["summary"] for item in items if item["action"].startswith("account.reset")]
    assert any("Mme Dupont" in s and "Refusé" in s for s in said), said
    assert any(s.startswith("Mme Dupont (CCAS de Clermont-Ferrand) a créé") for s in said)
    assert any("Un code de réinitialisation a été utilisé" in s for s in said)
    assert "Vous avez annulé la réinitialisation de votre compte." in said


# -- the code itself ---------------------------------------------------------------


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
GRANT = frozenset({ResetLink.ACTIVE_GRANT})
NO_LINK: frozenset[ResetLink] = frozenset()


@pytest.mark.parametrize(
    ("role", "target_kind", "standing", "links", "allowed"),
    [
        (Role.PROFESSIONAL, Role.PERSON, CERTIFIED, GRANT, True),
        (Role.PROFESSIONAL, Role.PERSON, CERTIFIED, NO_LINK, False),
        (Role.PROFESSIONAL, Role.PERSON, UNCERTIFIED, GRANT, False),
        (Role.PROFESSIONAL, Role.PERSON, LEFT, GRANT, False),
        (Role.TERRITORY_ADMIN, Role.PERSON, Standing(""), NO_LINK, True),
        (Role.PERSON, Role.PERSON, CERTIFIED, GRANT, False),
        (Role.CHARTER_OFFICER, Role.PERSON, Standing(""), GRANT, False),
        (Role.PROFESSIONAL, Role.PROFESSIONAL, CERTIFIED, GRANT, False),
        (Role.TERRITORY_ADMIN, Role.TERRITORY_ADMIN, Standing(""), NO_LINK, False),
    ],
)
def test_who_may_issue_a_reset_code(
    role: Role,
    target_kind: Role,
    standing: Standing,
    links: frozenset[ResetLink],
    allowed: bool,
) -> None:
    actor = Actor(account_id="a" * 32, role=role, session_id="s" * 32)
    target = ResetTarget(target_kind.value, standing, links)
    assert can(actor, Action.ACCOUNT_RESET_ISSUE, target) is allowed


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


def test_an_operator_gives_a_code_the_person_uses_it_and_cancels_it_with_the_cli(
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
    assert "peut annuler" in issued.stdout
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
    assert "dans 7 jours" in reset.stdout and "à partir du" in reset.stdout
    assert re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", reset.stdout), "new recovery code"

    # The person still has the old passphrase: logging in shows the reset, one command cancels.
    login = run_cli(live_server, tmp_path, "login", "--login", "nadia", **person)
    assert login.returncode == 0, login.stderr
    assert "réinitialisation de votre compte est en attente" in login.stdout
    cancel = run_cli(live_server, tmp_path, "reset-cancel", "--yes")
    assert cancel.returncode == 0, cancel.stderr
    assert "annulée" in cancel.stdout
    again = run_cli(live_server, tmp_path, "reset-cancel", "--yes")
    assert "Aucune réinitialisation" in again.stdout
