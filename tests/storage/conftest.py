"""Fixtures for the object store suites: both backends behind one ``store`` fixture.

The S3 backend talks to a real SeaweedFS server on loopback: the session-scoped
``s3_server`` of ``tests/conftest.py`` (tests.servers.seaweedfs); each test gets a
fresh bucket. ``leftovers`` lists everything a backend
holds (objects, temp files, pending multipart uploads) so that tests can say
"nothing was left behind" the same way for both.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coffre.storage import LocalObjectStore, ObjectStore
from coffre.storage.s3 import S3ObjectStore, make_s3_client
from tests.servers.ports import assert_loopback
from tests.servers.seaweedfs import S3Server, drop_bucket

# The smallest part S3 accepts, so that a few MB already make a multipart upload.
TEST_PART_SIZE = 5 * 1024 * 1024

Leftovers = Callable[[], list[str]]


def make_test_s3_store(
    server: S3Server, *, read_timeout: float = 30.0, retries: int = 2
) -> S3ObjectStore:
    """An S3ObjectStore on a fresh bucket of ``server`` (bucket created)."""
    assert_loopback(server.endpoint)
    client = make_s3_client(
        server.endpoint,
        server.access_key,
        server.secret_key,
        secure=False,
        region=server.region,
        read_timeout=read_timeout,
        retries=retries,
    )
    store = S3ObjectStore(client, f"test-{secrets.token_hex(6)}", part_size=TEST_PART_SIZE)
    store.ensure_bucket()
    return store


def s3_leftovers(server: S3Server, bucket: str) -> list[str]:
    client = server.client()
    objects = [
        f"{'delete marker' if o.is_delete_marker else 'object'} {o.object_name}"
        for o in client.list_objects(bucket, recursive=True, include_version=True)
    ]
    # minio has no public call for ListMultipartUploads.
    uploads = [
        f"pending upload {u.object_name}"
        for u in client._list_multipart_uploads(bucket).uploads  # noqa: SLF001
    ]
    return objects + uploads


def local_leftovers(store: LocalObjectStore) -> list[str]:
    return [
        str(path.relative_to(store.root))
        for path in sorted(store.root.rglob("*"))
        if path.is_file()
    ]


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    if request.param == "local":
        yield LocalObjectStore(tmp_path / "objects")
        return
    server: S3Server = request.getfixturevalue("s3_server")
    s3_store = make_test_s3_store(server)
    yield s3_store
    drop_bucket(server, s3_store.bucket)


@pytest.fixture
def leftovers(request: pytest.FixtureRequest, store: ObjectStore) -> Leftovers:
    """Everything the backend holds: objects, temp files, pending uploads."""
    if isinstance(store, LocalObjectStore):
        return lambda: local_leftovers(store)
    assert isinstance(store, S3ObjectStore)
    server: S3Server = request.getfixturevalue("s3_server")
    return lambda: s3_leftovers(server, store.bucket)
