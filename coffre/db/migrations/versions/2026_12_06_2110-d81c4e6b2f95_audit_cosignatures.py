"""audit: the charter officers' cosigner keys and their cosignatures of checkpoints

``audit_cosigner_keys`` and ``audit_cosignatures`` (coffre/audit/cosign_models.py,
C2SP tlog-cosignature v1; docs/AUDIT.md "Cosignatures").

Revision ID: d81c4e6b2f95
Revises: 9f4d2b6e8a13
Create Date: 2026-12-06 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "d81c4e6b2f95"
down_revision: str | None = "9f4d2b6e8a13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_cosigner_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_audit_cosigner_keys_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_cosigner_keys")),
    )
    op.create_index(
        "ix_audit_cosigner_keys_account_id",
        "audit_cosigner_keys",
        ["account_id", "retired_at"],
    )
    op.create_table(
        "audit_cosignatures",
        sa.Column("id", _BIG, autoincrement=True, nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("size", _BIG, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("timestamp", _BIG, nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["key_id"],
            ["audit_cosigner_keys.id"],
            name=op.f("fk_audit_cosignatures_key_id_audit_cosigner_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_audit_cosignatures_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_cosignatures")),
    )
    op.create_index("ix_audit_cosignatures_size", "audit_cosignatures", ["size"])
    op.create_index("ix_audit_cosignatures_key_id_size", "audit_cosignatures", ["key_id", "size"])
    op.create_index(op.f("ix_audit_cosignatures_account_id"), "audit_cosignatures", ["account_id"])


def downgrade() -> None:
    op.drop_table("audit_cosignatures")
    op.drop_table("audit_cosigner_keys")
