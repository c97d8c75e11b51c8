"""certificates with a life: a certificate's end, id and revocation; revocations,
root-signed revocation lists, the v2 trust root and its rotations

See coffre/structures/models.py and crypto/SPEC.md §26.

Revision ID: d3c1a7e59b24
Revises: 9b1e5c7d2f30
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "d3c1a7e59b24"
down_revision: str | None = "9b1e5c7d2f30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("not_after", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("certificate_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "certificate_revocations",
        sa.Column("certificate_id", sa.String(length=64), nullable=False),
        sa.Column("membership_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("not_after", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_certificate_revocations_membership_id_memberships"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_certificate_revocations_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"],
            ["accounts.id"],
            name=op.f("fk_certificate_revocations_revoked_by_accounts"),
        ),
        sa.PrimaryKeyConstraint("certificate_id", name=op.f("pk_certificate_revocations")),
    )
    op.create_index(
        op.f("ix_certificate_revocations_membership_id"),
        "certificate_revocations",
        ["membership_id"],
    )
    op.create_index(
        op.f("ix_certificate_revocations_account_id"), "certificate_revocations", ["account_id"]
    )
    op.create_table(
        "revocation_lists",
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("envelope", sa.Text(), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("next_update", UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["accounts.id"],
            name=op.f("fk_revocation_lists_uploaded_by_accounts"),
        ),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_revocation_lists")),
    )
    op.create_table(
        "trust_roots_v2",
        sa.Column("sequence", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("territory", sa.String(length=64), nullable=False),
        sa.Column("root", sa.Text(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("sign_public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sequence", name=op.f("pk_trust_roots_v2")),
    )


def downgrade() -> None:
    op.drop_table("trust_roots_v2")
    op.drop_table("revocation_lists")
    op.drop_index(
        op.f("ix_certificate_revocations_account_id"), table_name="certificate_revocations"
    )
    op.drop_index(
        op.f("ix_certificate_revocations_membership_id"), table_name="certificate_revocations"
    )
    op.drop_table("certificate_revocations")
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("certificate_id")
        batch.drop_column("not_after")
