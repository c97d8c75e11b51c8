"""access tokens: a professional's personal access tokens and their request windows

``access_tokens`` (coffre/accounts/token_models.py: SHA-256 of the token only, its
membership, scopes, expiry, last use, revocation) and ``rate_windows`` (a fixed
window's request count per token, decided by one upsert).

Revision ID: 7d3b51e9a0c4
Revises: 7c3e1f9a5d21
Create Date: 2026-12-06 20:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "7d3b51e9a0c4"
down_revision: str | None = "7c3e1f9a5d21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "access_tokens",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_access_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_access_tokens_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_access_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_access_tokens_account_id"), "access_tokens", ["account_id"], unique=False
    )
    op.create_index(
        op.f("ix_access_tokens_membership_id"), "access_tokens", ["membership_id"], unique=False
    )
    op.create_table(
        "rate_windows",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_windows")),
    )


def downgrade() -> None:
    op.drop_table("rate_windows")
    op.drop_index(op.f("ix_access_tokens_membership_id"), table_name="access_tokens")
    op.drop_index(op.f("ix_access_tokens_account_id"), table_name="access_tokens")
    op.drop_table("access_tokens")
