"""account kdf version

Accounts record which passphrase KDF their parameters are for (coffre/accounts/kdf.py):
1 (crypto/SPEC.md §3, the salt is ``kdf_salt``) or 2 (SPEC §19, ``kdf_salt`` holds the
random part the client derives the salt from). Every existing account is v1; its
client moves it to v2 at its next unlock.

Revision ID: 3c9e4b7a1f02
Revises: b2f4d81c6e07
Create Date: 2026-12-06 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3c9e4b7a1f02"
down_revision: str | None = "b2f4d81c6e07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(
            sa.Column("kdf_version", sa.Integer(), server_default="1", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("kdf_version")
