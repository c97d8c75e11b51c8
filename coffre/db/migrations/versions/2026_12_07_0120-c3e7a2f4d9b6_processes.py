"""processes: what several app processes share through the database (upload slots, leader)

``upload_slots`` (coffre/uploads/models.py): one row per upload in progress in any app
process, counted by the one statement that lets a new upload in (coffre/uploads/slots.py).
The checkpoint leader needs no table: an advisory lock and the last checkpoint's time
(coffre/audit/log.py, ``checkpoint_if_due``).

Revision ID: c3e7a2f4d9b6
Revises: b2d6f1e3c8a5
Create Date: 2026-12-07 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "c3e7a2f4d9b6"
down_revision: str | None = "b2d6f1e3c8a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "upload_slots",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("address_key", sa.LargeBinary(length=32), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_slots")),
    )
    op.create_index(
        op.f("ix_upload_slots_account_key"), "upload_slots", ["account_key"], unique=False
    )
    op.create_index(
        op.f("ix_upload_slots_address_key"), "upload_slots", ["address_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_upload_slots_address_key"), table_name="upload_slots")
    op.drop_index(op.f("ix_upload_slots_account_key"), table_name="upload_slots")
    op.drop_table("upload_slots")
