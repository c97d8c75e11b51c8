"""organiser: the person's encrypted notes, contacts and appointments, and their count

``organiser_items`` (coffre/organiser/models.py: opaque SPEC §30 ciphertext, a version
for optimistic concurrency; primary key (account, id), the id drawn by the page) and
``organiser_counts`` (the cap per person, decided by one upsert).

Revision ID: e2d7a9c41b58
Revises: c6f1b93e2a47
Create Date: 2026-12-06 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "e2d7a9c41b58"
down_revision: str | None = "c6f1b93e2a47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organiser_items",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_organiser_items_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", "id", name=op.f("pk_organiser_items")),
    )
    op.create_table(
        "organiser_counts",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_organiser_counts_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_organiser_counts")),
    )


def downgrade() -> None:
    op.drop_table("organiser_counts")
    op.drop_table("organiser_items")
