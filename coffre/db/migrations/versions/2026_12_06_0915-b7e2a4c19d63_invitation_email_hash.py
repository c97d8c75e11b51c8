"""invitation email hash: refuse a second pending bulk invitation to one address

``invitations.email_hash`` (SHA-256 of the lower-cased e-mail a CSV row named; the
address itself is not kept). See coffre/structures/bulk.py.

Revision ID: b7e2a4c19d63
Revises: d3c1a7e59b24
Create Date: 2026-12-06 09:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e2a4c19d63"
down_revision: str | None = "d3c1a7e59b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(sa.Column("email_hash", sa.LargeBinary(length=32), nullable=True))
        batch.create_index(batch.f("ix_invitations_email_hash"), ["email_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_index(batch.f("ix_invitations_email_hash"))
        batch.drop_column("email_hash")
