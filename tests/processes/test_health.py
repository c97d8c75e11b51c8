"""``/api/v1/health`` says the process is alive and touches nothing; ``/api/v1/ready``
says whether to send it traffic: the database, its schema at the code's head, the store.
``coffre db upgrade`` run by three processes at once: one migrates, the others wait."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.app import create_app
from coffre.clock import FrozenClock
from coffre.db import migrate
from coffre.settings import Settings
from tests.servers.ports import free_port

COFFRE = Path(sys.executable).parent / "coffre"
PREVIOUS = "b2d6f1e3c8a5"  # the revision before this last one


def _code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def test_ready_names_the_schema_behind_its_head_while_health_stays_alive(
    backend: str, settings: Settings, clock: FrozenClock
) -> None:
    with TestClient(create_app(settings, clock=clock)) as api:
        assert api.get("/api/v1/health").json() == {"status": "ok"}
        assert api.get("/api/v1/ready").json() == {"status": "ok"}
        migrate.downgrade(settings.database_url, PREVIOUS)
        try:
            behind = api.get("/api/v1/ready")
            assert behind.status_code == 503
            assert _code(behind) == "schema_not_at_head"
            assert behind.headers["retry-after"]
            # Nothing of the database's address or revision in the answer.
            assert PREVIOUS not in behind.text
            assert api.get("/api/v1/health").status_code == 200
        finally:
            migrate.upgrade(settings.database_url)
        assert api.get("/api/v1/ready").status_code == 200


def test_ready_names_an_unreachable_database_and_health_does_not_care(
    settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    gone = settings.model_copy(
        update={
            "database_url": f"postgresql+psycopg://coffre:secret-word@127.0.0.1:{free_port()}/coffre",
            "storage_backend": "local",
            "storage_dir": tmp_path / "objects",
            "jobs": "inprocess",
        }
    )
    with TestClient(create_app(gone, clock=clock)) as api:
        assert api.get("/api/v1/health").status_code == 200
        ready = api.get("/api/v1/ready")
        assert ready.status_code == 503
        assert _code(ready) == "database_unavailable"
        assert "secret-word" not in ready.text
        assert "127.0.0.1" not in ready.text


def test_ready_is_documented_with_its_errors() -> None:
    settings = Settings(
        environment="test", secret_key=secrets.token_urlsafe(40), database_url="sqlite://"
    )
    schema = create_app(settings).openapi()
    ready = schema["paths"]["/api/v1/ready"]["get"]["responses"]["503"]
    examples = ready["content"]["application/json"]["examples"]
    assert {"database_unavailable", "schema_not_at_head", "storage_unavailable"} <= set(examples)
    assert "200" in schema["paths"]["/api/v1/health"]["get"]["responses"]


@pytest.fixture
def empty_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database nothing has migrated yet."""
    if backend.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'new.sqlite3'}"
        return
    server: Any = request.getfixturevalue("postgres_server")
    name = f"fresh_{secrets.token_hex(6)}"
    url: str = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


def _coffre(database_url: str, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFRE_")}
    env |= {
        "COFFRE_ENVIRONMENT": "test",
        "COFFRE_SECRET_KEY": secrets.token_urlsafe(40),
        "COFFRE_DATABASE_URL": database_url,
    }
    return subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
        [str(COFFRE), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_three_processes_upgrading_at_once_leave_one_schema_at_head(
    backend: str, empty_database: str
) -> None:
    check = _coffre(empty_database, "db", "check")
    _, said = check.communicate(timeout=120)
    assert check.returncode == 1
    assert "coffre db upgrade" in said

    upgrades = [_coffre(empty_database, "db", "upgrade") for _ in range(3)]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in upgrades]
    # Without the lock two of them create the same tables and fail.
    assert [code for code, _, _ in outcomes] == [0, 0, 0], outcomes

    check = _coffre(empty_database, "db", "check")
    check.communicate(timeout=120)
    assert check.returncode == 0
    engine = create_engine(empty_database)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()
    assert set(versions) == migrate.code_heads() and len(versions) == 1
