"""Alembic, driven from code: ``coffre db upgrade`` and the tests build the schema this way."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current_heads(database_url: str) -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


# Objects no model describes: the directory's full-text index (FTS5 tables and their
# shadow tables on SQLite, a tsvector table and GIN indexes on PostgreSQL), built by
# the directory's migration and kept by coffre/directory/search.py; the job queue's
# tables on PostgreSQL (procrastinate's schema, coffre/jobs/queue.py).
UNMODELLED_PREFIX = "directory_search"
UNMODELLED_PREFIXES = (UNMODELLED_PREFIX, "procrastinate_")


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """For autogenerate and the schema-matches-models test: leave those objects out."""
    return not (name or "").startswith(UNMODELLED_PREFIXES)
