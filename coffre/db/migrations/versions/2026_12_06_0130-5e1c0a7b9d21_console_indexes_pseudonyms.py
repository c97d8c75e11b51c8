"""console indexes and stored pseudonyms

The officer's console reads a grant's start by its id, one action's entries of one
outcome newest first, and a period's entries of a few actions: composite indexes
make each read cost what it returns. Pseudonymous references of persons are stored
once (per key) instead of computed for every person at each filtered request.

Revision ID: 5e1c0a7b9d21
Revises: d152bf039fce
Create Date: 2026-12-06 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1c0a7b9d21"
down_revision: str | None = "d152bf039fce"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entries_action_object_id", ["action", "object_id", "outcome"], unique=False
        )
        batch_op.create_index(
            "ix_audit_entries_action_outcome_seq", ["action", "outcome", "seq"], unique=False
        )
        batch_op.create_index("ix_audit_entries_action_at", ["action", "at"], unique=False)
    op.create_table(
        "audit_pseudonyms",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "person_id", name=op.f("pk_audit_pseudonyms")),
    )
    op.create_index(
        "ix_audit_pseudonyms_key_id_reference",
        "audit_pseudonyms",
        ["key_id", "reference"],
        unique=False,
    )
    op.create_table(
        "audit_pseudonym_scans",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("next_seq", _SEQ, nullable=False),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_audit_pseudonym_scans")),
    )


def downgrade() -> None:
    op.drop_table("audit_pseudonym_scans")
    op.drop_index("ix_audit_pseudonyms_key_id_reference", table_name="audit_pseudonyms")
    op.drop_table("audit_pseudonyms")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_action_at")
        batch_op.drop_index("ix_audit_entries_action_outcome_seq")
        batch_op.drop_index("ix_audit_entries_action_object_id")
