"""Faults during an upload: storage down, database gone mid-upload. Nothing half-written."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.settings import Settings
from coffre.storage import make_object_store
from tests.factories import encrypted_document, make_person
from tests.servers.ports import free_port


def _stored_objects(settings: Settings, request: pytest.FixtureRequest) -> list[str]:
    if settings.storage_backend == "local":
        return [str(p) for p in Path(settings.storage_dir).rglob("*") if p.is_file()]
    client = request.getfixturevalue("s3_server").client()
    objects = [o.object_name for o in client.list_objects(settings.s3_bucket, recursive=True)]
    uploads = list(client._list_multipart_uploads(settings.s3_bucket).uploads)  # noqa: SLF001
    return objects + [u.object_name for u in uploads]


def _document_rows(settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM documents")).scalar_one()
    engine.dispose()
    return int(count)


def test_storage_down_gets_a_503_and_nothing_is_written(
    settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    if settings.storage_backend == "local":
        # The object directory's place is taken by a plain file: every write fails (ENOTDIR).
        root = tmp_path / "broken-objects"
        store = make_object_store(
            "local",
            local_dir=root,
            s3_endpoint="",
            s3_access_key="",
            s3_secret_key="",
            s3_bucket="",
            s3_secure=False,
            s3_region=None,
        )
        shutil.rmtree(root)
        root.write_bytes(b"not a directory")
    else:
        # An S3 endpoint where nothing listens: connection refused.
        store = make_object_store(
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
    with TestClient(create_app(settings, clock=clock, store=store)) as api:
        owner = make_person(api)
        document = encrypted_document(owner)
        response = api.post(
            "/api/v1/documents",
            content=document.ciphertext,
            headers={**owner.headers, **document.headers},
        )
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "storage_unavailable"
        assert response.headers["retry-after"]
        assert api.get("/api/v1/documents", headers=owner.headers).json()["documents"] == []
        # Alive, not ready: /ready names the store (tests/processes/test_health.py).
        assert api.get("/api/v1/health").status_code == 200
        ready = api.get("/api/v1/ready")
        assert ready.status_code == 503
        assert ready.json()["error"]["code"] == "storage_unavailable"
    assert _document_rows(settings) == 0


def test_database_lost_mid_upload_leaves_no_object_behind(
    api: TestClient, settings: Settings, request: pytest.FixtureRequest
) -> None:
    owner = make_person(api)
    document = encrypted_document(owner, b"q" * 400_000)
    lock: list[sqlite3.Connection] = []

    def body() -> Iterator[bytes]:
        yield document.ciphertext[:100_000]
        # The database goes away while the object is being written.
        if settings.is_sqlite:
            path = settings.database_url.split("///", 1)[1]
            holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
            lock.append(holder)
        else:
            server = request.getfixturevalue("postgres_server")
            name = settings.database_url.rsplit("/", 1)[1]
            admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()
        yield document.ciphertext[100_000:]

    response = api.post(
        "/api/v1/documents", content=body(), headers={**owner.headers, **document.headers}
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"
    assert _stored_objects(settings, request) == []
    for holder in lock:
        holder.execute("ROLLBACK")
        holder.close()
    if settings.is_sqlite:
        assert _document_rows(settings) == 0
