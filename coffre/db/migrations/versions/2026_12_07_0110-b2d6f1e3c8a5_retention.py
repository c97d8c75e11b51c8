"""retention: indexes the retention job's deletions read (coffre/retention/)

The job (``retention.run``, hourly) deletes by date: expired sessions, ended
notification and webhook deliveries, webhook messages left without a delivery, and
the notifications of accounts erased long enough ago. Without these indexes each run
would read the whole table (issue 21, "Retention"). Audit entries need none: the purge
walks them by ``seq`` from where the last one stopped.

Revision ID: b2d6f1e3c8a5
Revises: a1c5e0d2b7f4
Create Date: 2026-12-07 01:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b2d6f1e3c8a5"
down_revision: str | None = "a1c5e0d2b7f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("sessions", "expires_at"),
    ("deliveries", "updated_at"),
    ("webhook_deliveries", "updated_at"),
    ("webhook_messages", "created_at"),
    ("accounts", "deleted_at"),
)


def upgrade() -> None:
    for table, column in INDEXES:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, column in reversed(INDEXES):
        op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
