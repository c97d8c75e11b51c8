"""Erasing one's account (GDPR): documents crypto-shredded, rows emptied, login freed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from client import ApiError
from coffre.accounts.credentials import ERASED_LOGIN_PREFIX, Credentials
from coffre.accounts.erasure import ErasureService
from coffre.accounts.models import Account
from coffre.policy import Role
from coffre.settings import Settings
from coffre.storage import make_object_store
from coffre.vault.models import Document, SealedKey
from coffre.vault.service import VaultService
from crypto import b64encode
from tests.accounts.credential_helpers import (
    auth_key_of,
    client_for,
    coffre_of,
    error_code,
    make_owner,
    recover_start,
    rows,
    run_cli,
    upload_files,
)
from tests.accounts.factories import make_account
from tests.factories import make_person, person_material
from tests.servers.ports import free_port

WRONG_KEY = b"\x07" * 32


def _erase(api: TestClient, headers: dict[str, str], auth_key: bytes) -> httpx.Response:
    return api.request(
        "DELETE", "/api/v1/me", json={"auth_key": b64encode(auth_key)}, headers=headers
    )


def _dump(row: dict[str, object]) -> bytes:
    return b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())


def test_erasure_destroys_every_document_and_empties_the_account_row(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    owner = make_owner(api, login="06 12 34 56 78")
    upload_files(owner, tmp_path / "docs")
    object_keys = [row["object_key"] for row in rows(settings, "documents")]
    store = coffre_of(api).store
    account_before = rows(settings, "accounts")[0]

    owner.client.delete_account(owner.passphrase)

    assert not any(store.exists(key) for key in object_keys)
    assert rows(settings, "sealed_keys") == []
    assert rows(settings, "sessions") == []
    for row in rows(settings, "documents"):
        assert row["deleted_at"] is not None
        assert row["encrypted_metadata"] is None
        assert row["object_key"] is None
    [account] = rows(settings, "accounts")
    assert account["id"] == account_before["id"]
    assert account["deleted_at"] is not None
    assert account["login"].startswith(ERASED_LOGIN_PREFIX)
    dump = _dump(account)
    assert b"0612345678" not in dump
    for column in (
        "kdf_salt",
        "auth_verifier",
        "recovery_verifier",
        "wrapped_master_passphrase",
        "wrapped_master_recovery",
        "wrapped_keyring",
        "box_public_key",
        "sign_public_key",
    ):
        assert bytes(account[column]) == b"", column
        assert bytes(account_before[column]) not in dump, column


def test_an_erased_account_can_no_longer_log_in_nor_recover(api: TestClient) -> None:
    owner = make_owner(api)
    owner.client.delete_account(owner.passphrase)

    with pytest.raises(ApiError) as refused:
        client_for(api).login(owner.login, owner.passphrase)
    assert refused.value.code == "invalid_credentials"
    assert error_code(recover_start(api, owner.login, owner.recovery_auth_key)) == (
        "invalid_credentials"
    )
    # Like any unknown login, prelogin answers a deterministic fake salt.
    first = api.post("/api/v1/auth/prelogin", json={"login": owner.login}).json()
    assert first == api.post("/api/v1/auth/prelogin", json={"login": owner.login}).json()


def test_the_session_that_erased_the_account_is_over(api: TestClient) -> None:
    person = make_person(api)
    response = _erase(api, person.headers, person.auth_key)
    assert response.status_code == 204
    assert api.get("/api/v1/me", headers=person.headers).status_code == 401


def test_the_login_of_an_erased_account_can_be_taken_again(api: TestClient) -> None:
    owner = make_owner(api, login="Samia")
    owner.client.delete_account(owner.passphrase)
    again = person_material(slot=1, login="samia")
    response = api.post("/api/v1/accounts", json=again.signup_body)
    assert response.status_code == 201, response.text
    assert response.json()["login"] == "samia"


def test_a_stolen_session_alone_cannot_erase_the_account(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    owner = make_owner(api)
    upload_files(owner, tmp_path / "docs", count=1)
    headers = {"Authorization": f"Bearer {owner.session.token}"}
    response = _erase(api, headers, WRONG_KEY)
    assert response.status_code == 403
    assert error_code(response) == "wrong_passphrase"
    assert rows(settings, "accounts")[0]["deleted_at"] is None
    assert len(rows(settings, "sealed_keys")) == 1


def test_wrong_confirmations_are_throttled_like_logins(api: TestClient, settings: Settings) -> None:
    person = make_person(api)
    for _ in range(settings.login_free_failures):
        _erase(api, person.headers, WRONG_KEY)
    held = _erase(api, person.headers, person.auth_key)
    assert held.status_code == 429
    assert error_code(held) == "too_many_attempts"


def test_professional_accounts_are_not_erased_from_here(api: TestClient) -> None:
    professional = make_account(api, Role.PROFESSIONAL)
    response = _erase(api, professional.headers, professional.auth_key)
    assert response.status_code == 403
    assert error_code(response) == "account_erasure_refused"


def test_without_a_session_nothing_is_erased(api: TestClient) -> None:
    person = make_person(api)
    response = _erase(api, {}, person.auth_key)
    assert response.status_code == 401


def test_objects_left_by_a_storage_outage_go_with_the_purge_job(
    api: TestClient, tmp_path: Path
) -> None:
    coffre = coffre_of(api)
    owner = make_owner(api)
    upload_files(owner, tmp_path / "docs", count=2)
    actor = coffre.accounts.authenticate(owner.session.token)
    unreachable = make_object_store(
        "s3",
        local_dir=tmp_path,
        s3_endpoint=f"127.0.0.1:{free_port()}",
        s3_access_key="k",
        s3_secret_key="s",
        s3_bucket="coffre",
        s3_secure=False,
        s3_region="us-east-1",
        prepare=False,
    )
    vault = VaultService(coffre.db, unreachable, coffre.settings, coffre.clock)
    credentials = Credentials(coffre.accounts, coffre.settings)
    erasure = ErasureService(coffre.db, coffre.clock, credentials, vault)

    outcome = erasure.erase(actor, auth_key_of(api, owner))

    assert outcome.documents_destroyed == 2
    assert outcome.objects_purged == 0
    with coffre.db.unit_of_work() as db:
        assert db.query(SealedKey).count() == 0
        keys = [d.object_key for d in db.query(Document) if d.object_key]
        assert db.query(Account).one().deleted_at is not None
    assert len(keys) == 2 and all(coffre.store.exists(key) for key in keys)

    assert coffre.vault.purge_deleted_objects() == 2
    assert not any(coffre.store.exists(key) for key in keys)


def test_keys_sealed_to_the_erased_account_on_others_documents_go_too(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    sharer = make_owner(api)
    [document_id] = upload_files(sharer, tmp_path / "docs", count=1)
    grantee = make_person(api, slot=1)
    coffre = coffre_of(api)
    grantee_id = coffre.accounts.authenticate(grantee.token or "").account_id
    with coffre.db.unit_of_work() as db:
        # What a grant will leave (consent issue): the document key sealed to another account.
        db.add(
            SealedKey(
                id="f" * 32,
                document_id=document_id,
                recipient_id=grantee_id,
                sealed_key=b"\x01" * 80,
                created_at=coffre.clock.now(),
            )
        )

    assert _erase(api, grantee.headers, grantee.auth_key).status_code == 204

    remaining = rows(settings, "sealed_keys")
    assert [row["recipient_id"] for row in remaining] == [sharer.session.account_id]
    [document] = rows(settings, "documents")
    assert document["deleted_at"] is None  # the sharer's document is theirs, untouched


def test_the_cli_deletes_the_account_after_confirmation(
    live_server: str, settings: Settings, tmp_path: Path
) -> None:
    secret = {"COFFRE_PASSPHRASE": "phrase de la personne qui part"}
    assert run_cli(live_server, tmp_path, "signup", "--login", "lucas", **secret).returncode == 0
    kept = run_cli(live_server, tmp_path, "delete-account", stdin="n\n", **secret)
    assert kept.returncode == 1
    assert rows(settings, "accounts")[0]["deleted_at"] is None

    gone = run_cli(live_server, tmp_path, "delete-account", stdin="y\n", **secret)
    assert gone.returncode == 0, gone.stderr
    assert "Votre identifiant est libre" in gone.stdout
    assert rows(settings, "accounts")[0]["deleted_at"] is not None
    assert not (tmp_path / "cli" / "session.json").exists()
