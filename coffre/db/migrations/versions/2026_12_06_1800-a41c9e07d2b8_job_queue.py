"""job queue: procrastinate's schema, on PostgreSQL only (docs/JOBS.md)

`coffre worker` (COFFRE_JOBS=worker) runs the background jobs through procrastinate,
whose queue lives in the same database: its tables, types, functions and triggers,
all named ``procrastinate_*``. They are created here, once, by the same path as the
rest of the schema (`coffre db upgrade`, the image's start, the tests' template), so
no worker ever creates them itself and two workers starting together cannot race.

The SQL is procrastinate's own schema file of the installed version (the lock pins
3.10.0). Upgrading procrastinate: add a revision that runs the files of its
``sql/migrations`` directory between the two versions (procrastinate's documented
upgrade path), in order. On SQLite nothing is created: the app runs the jobs itself
(COFFRE_JOBS=inprocess; `coffre worker` refuses SQLite).

The models do not describe these objects: coffre.db.migrate.include_name leaves
them out of the schema comparison.

Revision ID: a41c9e07d2b8
Revises: 5e8a2d4c7f10
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "a41c9e07d2b8"
down_revision: str | None = "5e8a2d4c7f10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _driver_execute(sql: str) -> None:
    # Through psycopg itself, in the migration's transaction: without parameters it
    # sends the whole file as one simple query ("$$" bodies, "%" signs and all).
    bind = op.get_bind()
    bind.connection.driver_connection.execute(sql)  # type: ignore[union-attr]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    from procrastinate.schema import SchemaManager

    _driver_execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Everything procrastinate's schema made, and nothing else: its tables (their
    # triggers and indexes go with them), then its functions and types.
    _driver_execute(
        """
        DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers,
            procrastinate_jobs, procrastinate_workers CASCADE;
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN
                SELECT p.oid::regprocedure AS signature
                  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE 'DROP FUNCTION ' || item.signature || ' CASCADE';
            END LOOP;
            FOR item IN
                SELECT t.typname
                  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\\_%'
                   AND t.typtype IN ('e', 'c')
            LOOP
                EXECUTE 'DROP TYPE ' || quote_ident(item.typname) || ' CASCADE';
            END LOOP;
        END;
        $$;
        """
    )
