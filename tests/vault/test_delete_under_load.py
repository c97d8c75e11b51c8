"""A document is deleted once, even by parallel requests (issue 14, item 1's class).

Real threads send real HTTP requests to a live server on both backends, all released
at once: of 20 deletes of one document by its owner, one shreds it, records it and
purges its object; the others answer ``document_not_found`` exactly like an unknown
id, and are no refused attempt in the trail (the owner asking for their own deleted
document is no attempt on anyone). A rename racing the deletes never gives the
tombstone its metadata back.
"""

from __future__ import annotations

from collections import Counter

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.ids import new_id
from coffre.vault.models import Document, SealedKey
from tests.concurrency import answer, burst
from tests.factories import Person, encrypted_document, make_person, upload

PARALLEL = 20
ROUNDS = 5


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def _entries(api: TestClient, action: str, document_id: str) -> int:
    with _coffre(api).db.unit_of_work() as db:
        query = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == action, AuditEntry.object_id == document_id
        )
        return int(db.scalar(query) or 0)


def _new_document(api: TestClient, owner: Person) -> tuple[str, str]:
    document_id = upload(api, owner, encrypted_document(owner, b"x" * 2000))
    with _coffre(api).db.unit_of_work() as db:
        document = db.get(Document, document_id)
        assert document is not None and document.object_key is not None
        return document_id, document.object_key


def test_twenty_parallel_deletes_of_one_document_shred_record_and_purge_once(
    api: TestClient, http: httpx.Client
) -> None:
    owner = make_person(api)
    coffre = _coffre(api)
    for _ in range(ROUNDS):
        document_id, object_key = _new_document(api, owner)

        def delete(_i: int, document_id: str = document_id) -> tuple[int, str]:
            return answer(http.delete(f"/api/v1/documents/{document_id}", headers=owner.headers))

        outcomes = Counter(burst(PARALLEL, delete))
        assert outcomes == {(204, ""): 1, (404, "document_not_found"): PARALLEL - 1}
        # The losers' answer is exactly that of an id that never existed.
        unknown = http.delete(f"/api/v1/documents/{new_id()}", headers=owner.headers)
        late = http.delete(f"/api/v1/documents/{document_id}", headers=owner.headers)
        assert late.status_code == unknown.status_code == 404
        assert late.json() == unknown.json()
        assert _entries(api, "document.delete", document_id) == 1
        # The owner's own late deletes are no refused attempt on anyone.
        assert _entries(api, "document.access", document_id) == 0
        with coffre.db.unit_of_work() as db:
            document = db.get(Document, document_id)
            assert document is not None and document.deleted_at is not None
            assert document.object_key is None and document.object_purged_at is not None
            keys = select(func.count(SealedKey.id)).where(SealedKey.document_id == document_id)
            assert db.scalar(keys) == 0
        assert not coffre.store.exists(object_key)


def test_renames_racing_deletes_never_give_a_tombstone_its_metadata_back(
    api: TestClient, http: httpx.Client
) -> None:
    owner = make_person(api)
    renamed = encrypted_document(owner, b"y" * 100, name="renomme.pdf")
    for _ in range(ROUNDS):
        document_id, _ = _new_document(api, owner)

        def rename_or_delete(i: int, document_id: str = document_id) -> tuple[str, int, str]:
            url = f"/api/v1/documents/{document_id}"
            if i % 2:
                return ("delete", *answer(http.delete(url, headers=owner.headers)))
            body = {"encrypted_metadata": renamed.headers["Coffre-Metadata"], "expires_on": None}
            return ("rename", *answer(http.patch(url, json=body, headers=owner.headers)))

        outcomes = Counter(burst(PARALLEL, rename_or_delete))
        assert outcomes[("delete", 204, "")] == 1
        assert set(outcomes) <= {
            ("delete", 204, ""),
            ("delete", 404, "document_not_found"),
            ("rename", 200, ""),
            ("rename", 404, "document_not_found"),
        }
        with _coffre(api).db.unit_of_work() as db:
            document = db.get(Document, document_id)
            assert document is not None and document.deleted_at is not None
            assert document.encrypted_metadata is None
            # Every rename recorded happened before the delete.
            last = select(func.max(AuditEntry.seq)).where(AuditEntry.object_id == document_id)
            assert db.scalar(last) == db.scalar(
                select(AuditEntry.seq).where(
                    AuditEntry.action == "document.delete", AuditEntry.object_id == document_id
                )
            )
        assert _entries(api, "document.update", document_id) == outcomes[("rename", 200, "")]
