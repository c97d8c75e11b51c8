"""pending resets

A reset with a reset code waits before it replaces the account's keys
(coffre/accounts/reset.py, coffre/accounts/reset_models.py): the new bundle is kept
in ``pending_resets`` until the waiting period has passed, and at most one reset
waits per account (a partial unique index, on SQLite and PostgreSQL alike).

Revision ID: 7a3f5c2e91b4
Revises: 5e1c0a7b9d21
Create Date: 2026-12-06 01:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coffre.db.base

revision: str = "7a3f5c2e91b4"
down_revision: str | None = "5e1c0a7b9d21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_resets",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("issued_by", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completes_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("credentials", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_pending_resets_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"],
            ["accounts.id"],
            name=op.f("fk_pending_resets_issued_by_accounts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_resets")),
    )
    with op.batch_alter_table("pending_resets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_resets_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pending_resets_completes_at"), ["completes_at"], unique=False
        )
        batch_op.create_index(
            "uq_pending_resets_waiting_account",
            ["account_id"],
            unique=True,
            sqlite_where=sa.text("state = 'waiting'"),
            postgresql_where=sa.text("state = 'waiting'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_resets", schema=None) as batch_op:
        batch_op.drop_index("uq_pending_resets_waiting_account")
        batch_op.drop_index(batch_op.f("ix_pending_resets_completes_at"))
        batch_op.drop_index(batch_op.f("ix_pending_resets_account_id"))
    op.drop_table("pending_resets")
