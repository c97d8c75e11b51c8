"""Migrations: every revision runs up and down on SQLite and PostgreSQL, and matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from coffre.db import migrate
from coffre.db.models import Base


def test_the_schema_built_by_migrations_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": migrate.include_name}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_every_revision_goes_down_and_up_again(database_url: str) -> None:
    migrate.downgrade(database_url, "base")
    engine = create_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(database_url)
    engine = create_engine(database_url)
    assert {"accounts", "documents", "sealed_keys", "sessions"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def test_there_is_a_single_head(database_url: str) -> None:
    assert len(migrate.current_heads(database_url)) == 1
