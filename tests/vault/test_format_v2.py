"""Format v2 in the vault (the v2 contract): the migration binding of v1 documents, the
switch of an account to v2 and the v1 writes refused after it, and the version of a
document decided by the database when parallel requests change it.

The parallel tests send real HTTP requests from 20 threads released at once to a live
server, on both backends: of 20 renames (or re-keys) to the same next version, exactly
one wins and the others answer ``document_changed``.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.container import Coffre
from coffre.settings import Settings
from coffre.vault.errors import FormatV1Refused
from coffre.vault.models import Document
from coffre.vault.service import NewDocument
from crypto import b64decode, b64encode
from tests.concurrency import answer, burst
from tests.factories import EncryptedDocument, Person, encrypted_document, make_person, upload
from tests.factories_v2 import (
    DocumentV2,
    account_id,
    document_v2,
    header_of,
    migrate_all,
    migrate_document,
    parts_of,
    renamed,
    signed_binding,
    switch_to_v2,
    upload_v2,
)

PARALLEL = 20
ROUNDS = 3


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The backend's settings with the upload caps out of the way: 20 re-keys or uploads
    from one account and one address run at once (api/upload.py)."""
    caps = {"uploads_per_account": 100, "uploads_per_address": 100, "upload_threads": 24}
    return settings.model_copy(update=caps)


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def _answer(response: Any) -> tuple[int, str]:
    """``tests.concurrency.answer`` for a TestClient's response."""
    if response.status_code < 300:
        return response.status_code, ""
    return response.status_code, str(response.json()["error"]["code"])


def _listed(api: TestClient, owner: Person) -> list[dict[str, object]]:
    documents: list[dict[str, object]] = api.get("/api/v1/documents", headers=owner.headers).json()[
        "documents"
    ]
    return documents


def test_a_v1_document_is_bound_in_place_without_uploading_it_again(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = encrypted_document(owner)
    document_id = upload(api, owner, document)
    [listed] = _listed(api, owner)
    assert (listed["format"], listed["version"], listed["binding"]) == (1, None, None)
    binding = migrate_document(api, owner, owner_id, listed)

    bound = api.put(
        f"/api/v1/documents/{document_id}/binding", json={"binding": binding}, headers=owner.headers
    )
    again = api.put(
        f"/api/v1/documents/{document_id}/binding", json={"binding": binding}, headers=owner.headers
    )

    assert bound.status_code == 200, bound.text
    assert (bound.json()["format"], bound.json()["version"]) == (1, 1)
    assert bound.json()["binding"] == binding
    assert bound.json()["ciphertext_sha256"] == listed["ciphertext_sha256"]
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "document_already_bound"
    content = api.get(f"/api/v1/documents/{document_id}/content", headers=owner.headers)
    assert content.content == document.ciphertext  # the v1 stream, unchanged


def test_a_migration_binding_that_does_not_match_what_is_stored_is_refused(
    api: TestClient,
) -> None:
    owner = make_person(api)
    other = make_person(api, slot=1)
    owner_id = account_id(api, owner)
    document_id = upload(api, owner, encrypted_document(owner))
    [listed] = _listed(api, owner)
    good = migrate_document(api, owner, owner_id, listed)
    parts = parts_of(good)
    url = f"/api/v1/documents/{document_id}/binding"

    cases = {
        "header": signed_binding(owner, parts, header_sha256="0" * 64),
        "ciphertext": signed_binding(owner, parts, ciphertext_sha256="1" * 64),
        "metadata": signed_binding(owner, parts, metadata_sha256="2" * 64),
        "version 2": signed_binding(owner, parts, version=2),
        "other signer": signed_binding(owner, parts, sign_seed=other.keys.sign_seed),
    }
    answers = {
        name: _answer(api.put(url, json={"binding": text}, headers=owner.headers))
        for name, text in cases.items()
    }
    by_someone_else = api.put(url, json={"binding": good}, headers=other.headers)

    assert answers == dict.fromkeys(cases, (422, "invalid_binding"))
    assert by_someone_else.status_code == 404
    [still] = _listed(api, owner)
    assert still["binding"] is None


def test_the_switch_to_v2_waits_until_every_document_is_bound(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    for _ in range(2):
        upload(api, owner, encrypted_document(owner, b"x" * 1000))
    upload_v2(api, owner, document_v2(owner, owner_id))

    early = api.post("/api/v1/me/crypto-format", json={"format": 2}, headers=owner.headers)
    migrate_all(api, owner, owner_id)
    switched = api.post("/api/v1/me/crypto-format", json={"format": 2}, headers=owner.headers)
    again = api.post("/api/v1/me/crypto-format", json={"format": 2}, headers=owner.headers)
    back = api.post("/api/v1/me/crypto-format", json={"format": 1}, headers=owner.headers)

    assert early.status_code == 409
    assert early.json()["error"]["code"] == "migration_incomplete"
    assert early.json()["error"]["message"].startswith("2 documents restent")
    assert switched.status_code == 200 and switched.json()["crypto_format"] == 2
    assert again.status_code == 200 and again.json()["crypto_format"] == 2
    assert back.json()["error"]["code"] == "format_v1_refused"
    assert api.get("/api/v1/me", headers=owner.headers).json()["account"]["crypto_format"] == 2


def test_an_account_without_documents_switches_at_once(api: TestClient) -> None:
    owner = make_person(api)
    assert api.get("/api/v1/me", headers=owner.headers).json()["account"]["crypto_format"] == 1

    assert switch_to_v2(api, owner)["crypto_format"] == 2


def test_once_v2_every_v1_write_is_refused_and_v1_documents_stay_readable(
    api: TestClient,
) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    old = encrypted_document(owner)
    old_id = upload(api, owner, old)
    migrate_all(api, owner, owner_id)
    switch_to_v2(api, owner)
    [listed] = _listed(api, owner)
    v1_new = encrypted_document(owner)
    content_url = f"/api/v1/documents/{old_id}/content"

    refused = {
        "upload": api.post(
            "/api/v1/documents",
            content=v1_new.ciphertext,
            headers={**owner.headers, **v1_new.headers},
        ),
        "rename": api.patch(
            f"/api/v1/documents/{old_id}",
            json={"encrypted_metadata": v1_new.headers["Coffre-Metadata"]},
            headers=owner.headers,
        ),
        "re-key": api.put(
            content_url,
            content=v1_new.ciphertext,
            headers={
                **owner.headers,
                "Content-Type": "application/octet-stream",
                "Coffre-Metadata": v1_new.headers["Coffre-Metadata"],
                "Coffre-Sealed-Key": v1_new.headers["Coffre-Sealed-Key"],
            },
        ),
    }

    assert {name: _answer(r) for name, r in refused.items()} == dict.fromkeys(
        refused, (409, "format_v1_refused")
    )
    assert _listed(api, owner) == [listed]
    assert api.get(content_url, headers=owner.headers).content == old.ciphertext
    expiry = api.patch(
        f"/api/v1/documents/{old_id}",
        json={"encrypted_metadata": listed["encrypted_metadata"], "expires_on": "2030-05-01"},
        headers=owner.headers,
    )
    assert expiry.status_code == 200, expiry.text  # the expiry date is not bound
    assert len(list(_coffre(api).store.list_objects())) == 1


def test_a_v1_document_re_keyed_by_a_v2_client_becomes_v2_at_version_1(api: TestClient) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document_id = upload(api, owner, encrypted_document(owner))
    fresh = document_v2(owner, owner_id, document_id=document_id)

    response = api.put(
        f"/api/v1/documents/{document_id}/content",
        content=fresh.ciphertext,
        headers={
            **owner.headers,
            "Content-Type": "application/octet-stream",
            "Coffre-Metadata": b64encode(fresh.metadata_blob),
            "Coffre-Sealed-Key": b64encode(fresh.sealed_key),
            "Coffre-Binding": header_of(fresh.binding),
        },
    )

    assert response.status_code == 200, response.text
    assert (response.json()["format"], response.json()["version"]) == (2, 1)


def test_twenty_parallel_renames_to_the_next_version_have_one_winner(
    api: TestClient, http: httpx.Client
) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id)
    upload_v2(api, owner, document)
    url = f"/api/v1/documents/{document.document_id}"
    for round_ in range(ROUNDS):
        version = round_ + 2
        changes = [renamed(owner, document, f"nom-{i}.pdf", version) for i in range(PARALLEL)]

        def rename(i: int, changes: list[tuple[bytes, str]] = changes) -> tuple[int, str]:
            blob, binding = changes[i]
            body = {"encrypted_metadata": b64encode(blob), "binding": binding}
            return answer(http.patch(url, json=body, headers=owner.headers))

        outcomes = Counter(burst(PARALLEL, rename))

        assert outcomes == {(200, ""): 1, (409, "document_changed"): PARALLEL - 1}
        row = api.get(url, headers=owner.headers).json()
        assert row["version"] == version
        winner = [c for c in changes if c[1] == row["binding"]]
        assert len(winner) == 1
        assert row["encrypted_metadata"] == b64encode(winner[0][0])


def test_twenty_parallel_re_keys_to_the_next_version_have_one_winner(
    api: TestClient, http: httpx.Client
) -> None:
    owner = make_person(api)
    owner_id = account_id(api, owner)
    document = document_v2(owner, owner_id, b"contenu" * 100)
    upload_v2(api, owner, document)
    url = f"/api/v1/documents/{document.document_id}"
    coffre = _coffre(api)
    for round_ in range(ROUNDS):
        version = round_ + 2
        fresh = [
            document_v2(
                owner,
                owner_id,
                document.plaintext,
                document_id=document.document_id,
                version=version,
            )
            for _ in range(PARALLEL)
        ]

        def rekey(i: int, fresh: list[DocumentV2] = fresh) -> tuple[int, str]:
            new = fresh[i]
            headers = {
                **owner.headers,
                "Content-Type": "application/octet-stream",
                "Coffre-Metadata": b64encode(new.metadata_blob),
                "Coffre-Sealed-Key": b64encode(new.sealed_key),
                "Coffre-Binding": header_of(new.binding),
            }
            return answer(http.put(f"{url}/content", content=new.ciphertext, headers=headers))

        outcomes = Counter(burst(PARALLEL, rekey))

        assert outcomes == {(200, ""): 1, (409, "document_changed"): PARALLEL - 1}
        row = api.get(url, headers=owner.headers).json()
        [winner] = [f for f in fresh if f.binding == row["binding"]]
        assert row["version"] == version
        stored = api.get(f"{url}/content", headers=owner.headers).content
        assert hashlib.sha256(stored).hexdigest() == winner.parts.ciphertext_sha256
        # The losers' objects and the replaced one are gone: one object for one document.
        assert len(list(coffre.store.list_objects())) == 1


def test_v1_uploads_racing_the_switch_never_leave_a_v2_account_with_an_unbound_document(
    api: TestClient, http: httpx.Client
) -> None:
    coffre = _coffre(api)
    for _ in range(2):
        owner = make_person(api)
        owner_id = account_id(api, owner)
        documents = [encrypted_document(owner, secrets.token_bytes(2000)) for _ in range(PARALLEL)]

        def either(
            i: int, owner: Person = owner, documents: list[EncryptedDocument] = documents
        ) -> tuple[int, str]:
            if i % 2:
                return answer(
                    http.post("/api/v1/me/crypto-format", json={"format": 2}, headers=owner.headers)
                )
            document = documents[i]
            return answer(
                http.post(
                    "/api/v1/documents",
                    content=document.ciphertext,
                    headers={**owner.headers, **document.headers},
                )
            )

        outcomes = Counter(burst(PARALLEL, either))

        assert set(outcomes) <= {
            (200, ""),
            (201, ""),
            (409, "migration_incomplete"),
            (409, "format_v1_refused"),
        }
        me = api.get("/api/v1/me", headers=owner.headers).json()["account"]
        with coffre.db.unit_of_work() as db:
            unbound = db.scalar(
                select(func.count(Document.id)).where(
                    Document.owner_id == owner_id, Document.binding.is_(None)
                )
            )
        if me["crypto_format"] == 2:
            assert unbound == 0
        else:
            assert unbound == outcomes[(201, "")] > 0


def test_a_v1_upload_that_passed_the_first_check_is_refused_if_the_switch_lands_meanwhile(
    api: TestClient,
) -> None:
    """The format is decided again when the upload commits: an upload whose body was
    still arriving when its owner switched to v2 keeps nothing."""
    coffre = _coffre(api)
    owner = make_person(api)
    assert owner.token is not None
    actor = coffre.accounts.authenticate(owner.token)
    document = encrypted_document(owner, secrets.token_bytes(5000))
    new = NewDocument(
        category="impots",
        encrypted_metadata=b64decode(document.headers["Coffre-Metadata"]),
        sealed_key=b64decode(document.headers["Coffre-Sealed-Key"]),
    )
    streaming, switched = threading.Event(), threading.Event()

    def body() -> Iterator[bytes]:
        yield document.ciphertext[:100]
        streaming.set()
        assert switched.wait(timeout=30)
        yield document.ciphertext[100:]

    with ThreadPoolExecutor(max_workers=1) as pool:
        upload_ = pool.submit(coffre.vault.upload, actor, new, body())
        assert streaming.wait(timeout=30)
        assert switch_to_v2(api, owner)["crypto_format"] == 2
        switched.set()
        with pytest.raises(FormatV1Refused):
            upload_.result(timeout=60)

    assert _listed(api, owner) == []
    assert list(coffre.store.list_objects()) == []
