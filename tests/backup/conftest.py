"""What the backup tests share: an age key pair, an EMPTY target (database + store) like
a new host's, and the ``coffre`` command run in-process with the settings as COFFRE_*
environment variables (the operator's way: the commands read their settings there)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pyrage import x25519
from typer.testing import CliRunner, Result

from cli.main import app
from coffre.settings import Settings
from tests.servers.pools import Buckets


@dataclass(frozen=True)
class AgeKey:
    recipient: str  # age1…
    identity_file: Path  # AGE-SECRET-KEY-1… (age-keygen's format)


@pytest.fixture
def age_key(tmp_path: Path) -> AgeKey:
    identity = x25519.Identity.generate()
    path = tmp_path / "backup-identity.txt"
    path.write_text(f"# public key: {identity.to_public()}\n{identity}\n", encoding="utf-8")
    return AgeKey(str(identity.to_public()), path)


def environment(settings: Settings) -> dict[str, str]:
    """The settings the tests set, as the environment the commands read."""
    env: dict[str, str] = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is not None:
            env[f"COFFRE_{name.upper()}"] = str(value)
    return env


def command(settings: Settings) -> Callable[..., Result]:
    """``coffre <args>`` against ``settings`` (in this process)."""

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=environment(settings))

    return run


@pytest.fixture
def empty_target(
    backend: str, settings: Settings, data_dir: Path, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """A new host's empty database and empty store, with the old host's secrets (the
    operator keeps .env and the audit key file apart from the backups)."""
    if backend.startswith("sqlite"):
        target = data_dir / "restored"
        yield settings.model_copy(
            update={
                "database_url": f"sqlite:///{target / 'coffre.sqlite3'}",
                "storage_dir": target / "objects",
            }
        )
        return
    server = request.getfixturevalue("postgres_server")
    buckets: Buckets = request.getfixturevalue("s3_buckets")
    name = "restored_" + secrets.token_hex(6)
    url = server.create_database(name)
    bucket = buckets.take()
    try:
        yield settings.model_copy(update={"database_url": url, "s3_bucket": bucket})
    finally:
        server.drop_database(name)
        buckets.give_back(bucket)
