"""reminders: the person's own (sealed text, due time, repeat), their count, sent keys

``reminders`` (coffre/reminders/models.py), ``reminder_counts`` (the cap per person,
decided by one upsert), ``reminder_sent`` (one key per reminder occurrence sent: the
primary key makes each go out once).

Revision ID: c6f1b93e2a47
Revises: a41c9e07d2b8
Create Date: 2026-12-06 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "c6f1b93e2a47"
down_revision: str | None = "a41c9e07d2b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("anchor_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.String(length=16), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reminders_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
    )
    op.create_index(op.f("ix_reminders_account_id"), "reminders", ["account_id"], unique=False)
    op.create_index("ix_reminders_active_due_at", "reminders", ["active", "due_at"], unique=False)
    op.create_table(
        "reminder_counts",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reminder_counts_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_reminder_counts")),
    )
    op.create_table(
        "reminder_sent",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reminder_sent_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_reminder_sent")),
    )
    op.create_index(
        op.f("ix_reminder_sent_account_id"), "reminder_sent", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_reminder_sent_account_id"), table_name="reminder_sent")
    op.drop_table("reminder_sent")
    op.drop_table("reminder_counts")
    op.drop_index("ix_reminders_active_due_at", table_name="reminders")
    op.drop_index(op.f("ix_reminders_account_id"), table_name="reminders")
    op.drop_table("reminders")
