"""crypto format v2

A document row gains its format (1: v1 stream, 2: v2 stream), its version and
the signed binding (SPEC §24) exactly as the client sent it; an account gains the
crypto format it writes in (1 until its owner switches, the v2 contract,
docs/CONSENT.md "Format v2"). Every existing row is v1 and unbound.

Revision ID: b2f4d81c6e07
Revises: 7a3f5c2e91b4
Create Date: 2026-12-06 04:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2f4d81c6e07"
down_revision: str | None = "7a3f5c2e91b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("format", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("binding", sa.Text(), nullable=True))
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("crypto_format", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("crypto_format")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("binding")
        batch_op.drop_column("version")
        batch_op.drop_column("format")
