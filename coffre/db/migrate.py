"""Alembic, driven from code: ``coffre db upgrade`` and the tests build the schema this way.

Several processes may run ``coffre db upgrade`` at once (N app containers started
together, a one-shot service run twice): ``upgrade`` runs under a lock, so one of them
migrates and the others wait, then find the schema at head and change nothing.
PostgreSQL: a session advisory lock (``MIGRATION_LOCK``) held by a connection of its
own for the whole upgrade. SQLite: the database is one file on one host; an exclusive
``flock`` on ``<database>.migrate-lock`` beside it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Dated revision files, so the history reads in order (CONVENTIONS §8).
    config.set_main_option(
        "file_template",
        "%%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s",
    )
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


# The advisory lock's key: 64 bits, the same in every process ("coffre-migrate").
MIGRATION_LOCK = int.from_bytes(b"coffremg", "big", signed=True)


@contextlib.contextmanager
def migration_lock(database_url: str) -> Iterator[None]:
    """Hold the migration lock of this database (waiting for it) until the block ends."""
    if database_url.startswith("sqlite"):
        database = database_url.split("///", 1)[1] if "///" in database_url else ""
        if not database or database == ":memory:":
            yield  # a private in-memory database: no one else can migrate it
            return
        lock_path = Path(f"{database}.migrate-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with lock_path.open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        return
    from sqlalchemy import text

    from coffre.db.engine import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            holder.commit()
            try:
                yield
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                holder.commit()
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    """Migrate to ``revision``, under the migration lock (see the module's docstring)."""
    with migration_lock(database_url):
        command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current_heads(database_url: str) -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


@functools.cache
def code_heads() -> frozenset[str]:
    """The head revision(s) of the code's migrations (read once per process)."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def schema_revisions(connection: Connection) -> frozenset[str]:
    """The revision(s) the database's schema is at; empty for a database never migrated."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def at_head(connection: Connection) -> bool:
    """Whether the schema is at the code's head: what ``/api/v1/ready`` and
    ``coffre db check`` ask."""
    return schema_revisions(connection) == code_heads()


# Objects no model describes: the directory's full-text index (FTS5 tables and their
# shadow tables on SQLite, a tsvector table and GIN indexes on PostgreSQL), built by
# the directory's migration and kept by coffre/directory/search.py; the job queue's
# tables on PostgreSQL (procrastinate's schema, coffre/jobs/queue.py).
UNMODELLED_PREFIX = "directory_search"
UNMODELLED_PREFIXES = (UNMODELLED_PREFIX, "procrastinate_")


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """For autogenerate and the schema-matches-models test: leave those objects out."""
    return not (name or "").startswith(UNMODELLED_PREFIXES)
