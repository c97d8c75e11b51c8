"""grants: outcomes reported by the grantee, and the index of the grants received

``grant_outcomes`` (coffre/consent/models.py: one row per grant and outcome, the
primary key deciding that a repeated report is recorded once) and
``ix_grants_professional_id_created_at_id`` (GET /grants/received pages through a
professional's grants in that order).

Revision ID: 4b9e1c7a2d30
Revises: 7d3b51e9a0c4
Create Date: 2026-12-06 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "4b9e1c7a2d30"
down_revision: str | None = "7d3b51e9a0c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grant_outcomes",
        sa.Column("grant_id", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reported_by", sa.String(length=32), nullable=False),
        sa.Column("reported_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_grant_outcomes_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by"], ["accounts.id"], name=op.f("fk_grant_outcomes_reported_by_accounts")
        ),
        sa.PrimaryKeyConstraint("grant_id", "outcome", name=op.f("pk_grant_outcomes")),
    )
    op.create_index(
        "ix_grants_professional_id_created_at_id",
        "grants",
        ["professional_id", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_grants_professional_id_created_at_id", table_name="grants")
    op.drop_table("grant_outcomes")
