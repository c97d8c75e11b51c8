"""Crypto-shredding survives a storage outage: keys go at once, the object when storage is back."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from coffre.container import Coffre
from coffre.storage import make_object_store
from coffre.vault.models import Document, SealedKey
from coffre.vault.service import VaultService
from tests.factories import encrypted_document, make_person, upload
from tests.servers.ports import free_port


def test_a_delete_during_a_storage_outage_shreds_the_keys_and_purges_the_object_later(
    api: TestClient, tmp_path: Path
) -> None:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    owner = make_person(api)
    document_id = upload(api, owner, encrypted_document(owner))
    actor = coffre.accounts.authenticate(owner.token or "")
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
    during_outage = VaultService(coffre.db, unreachable, coffre.settings, coffre.clock)

    during_outage.delete(actor, document_id)

    with coffre.db.unit_of_work() as db:
        document = db.get(Document, document_id)
        assert document is not None and document.deleted_at is not None
        assert document.encrypted_metadata is None
        assert db.query(SealedKey).count() == 0
        object_key = document.object_key
    assert object_key is not None and coffre.store.exists(object_key)
    assert api.get(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 404

    assert coffre.vault.purge_deleted_objects() == 1
    assert not coffre.store.exists(object_key)
    assert coffre.vault.purge_deleted_objects() == 0
