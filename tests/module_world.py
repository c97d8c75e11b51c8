"""One app per backend for a whole test module, for tests that only read a world that
is long to make (docs/RELIABILITY.md, "Test suite time").

The ``api`` fixture (tests/conftest.py) gives each test its own database, object store
and app: right for a test that changes something, wasteful for a list of tests that
each build the same world and then only read it. ``ModuleApps`` (a module-scoped
fixture of the test module) makes, at the first test of each backend that asks, the
same settings ``settings`` would (a copy of the migrated template, a fresh bucket or
directory, the session's key files), an app on them, and the world the module builds
once; it is closed and its database and bucket given back at the end of the module.

A module using it checks that its readers leave the world as they found it (each
module says what "as found" is: e.g. the audit log's size).
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.settings import Settings


@contextmanager
def backend_settings(request: pytest.FixtureRequest, backend: str) -> Iterator[Settings]:
    """What the ``settings`` fixture gives a test on ``backend``, for longer."""
    common: dict[str, Any] = {
        "environment": "test",
        "secret_key": secrets.token_urlsafe(40),
        "max_document_bytes": 8 * 1024 * 1024,
        "push_vapid_key_file": request.getfixturevalue("vapid_key_file"),
        "audit_key_file": request.getfixturevalue("audit_key_file"),
    }
    if backend.startswith("sqlite"):
        ram_disk: Path = request.getfixturevalue("ram_disk")
        data = Path(tempfile.mkdtemp(dir=ram_disk))
        try:
            shutil.copyfile(request.getfixturevalue("sqlite_template"), data / "coffre.sqlite3")
            yield Settings(
                database_url=f"sqlite:///{data / 'coffre.sqlite3'}",
                storage_backend="local",
                storage_dir=data / "objects",
                **common,
            )
        finally:
            shutil.rmtree(data, ignore_errors=True)
        return
    copies = request.getfixturevalue("postgres_copies")
    server = request.getfixturevalue("s3_server")
    buckets = request.getfixturevalue("s3_buckets")
    url = copies.take()
    bucket = buckets.take()
    try:
        yield Settings(
            database_url=url,
            storage_backend="s3",
            s3_endpoint=server.endpoint,
            s3_access_key=server.access_key,
            s3_secret_key=server.secret_key,
            s3_bucket=bucket,
            s3_secure=False,
            s3_region=server.region,
            **common,
        )
    finally:
        buckets.give_back(bucket)
        copies.give_back(url)


class ModuleApps:
    """Per backend: an app (TestClient) and the world ``build(api)`` made on it, once."""

    def __init__(self, request: pytest.FixtureRequest, build: Callable[[TestClient], Any]):
        self.request = request
        self.build = build
        self.stack = ExitStack()
        self.made: dict[str, tuple[TestClient, Any]] = {}

    def get(self, backend: str) -> tuple[TestClient, Any]:
        if backend not in self.made:
            settings = self.stack.enter_context(backend_settings(self.request, backend))
            clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
            api = self.stack.enter_context(TestClient(create_app(settings, clock=clock)))
            self.made[backend] = (api, self.build(api))
        return self.made[backend]

    def close(self) -> None:
        self.stack.close()
