"""A backup taken by the previous version (schema before issue 21's migrations) is
restored by this one: loaded as it was, then migrated to this version's head, then
checked by the doctor."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from coffre.backup.places import DirectoryPlace
from coffre.backup.service import backup_name, take_backup
from coffre.backup.streams import recipients_from
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.db import migrate
from coffre.db.engine import Database, make_engine
from coffre.settings import Settings
from tests.backup.conftest import AgeKey, command

PREVIOUS_HEAD = "5a7e2c9d4f18"  # the head before issue 21


@pytest.fixture
def previous_database(
    backend: str, data_dir: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    if backend.startswith("sqlite"):
        url = f"sqlite:///{data_dir / 'previous.sqlite3'}"
        migrate.upgrade(url, PREVIOUS_HEAD)
        yield url
        return
    server = request.getfixturevalue("postgres_server")
    name = "previous_" + secrets.token_hex(6)
    url = server.create_database(name)
    try:
        migrate.upgrade(url, PREVIOUS_HEAD)
        yield url
    finally:
        server.drop_database(name)


def test_a_backup_of_the_previous_version_is_restored_and_migrated(
    settings: Settings,
    previous_database: str,
    empty_target: Settings,
    clock: FrozenClock,
    age_key: AgeKey,
    tmp_path: Path,
) -> None:
    source = settings.model_copy(update={"database_url": previous_database})
    coffre = Coffre.build(source)  # only its store: the schema is not this version's
    db = Database(make_engine(previous_database))
    name = backup_name(clock.now())
    place = DirectoryPlace(tmp_path / name)
    place.create()
    try:
        manifest = take_backup(
            database_url=previous_database,
            db=db,
            store=coffre.store,
            place=place,
            recipients=recipients_from([age_key.recipient]),
            name=name,
            now=clock.now(),
        )
    finally:
        db.dispose()
        coffre.close()
    assert manifest.alembic_head == PREVIOUS_HEAD

    restored = command(empty_target)(
        "restore", "--from", str(place.root), "--identity", str(age_key.identity_file)
    )
    assert restored.exit_code == 0, restored.output
    assert f"Base migrée de la révision {PREVIOUS_HEAD}" in restored.output
    assert "Tout est en ordre." in restored.output
    assert migrate.current_heads(empty_target.database_url) == (_at(empty_target),)


def _at(settings: Settings) -> str:
    from sqlalchemy import text

    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
    finally:
        engine.dispose()
