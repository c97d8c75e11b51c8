"""audit: a person's entries indexed with their order (person_id, seq)

Replaces ``ix_audit_entries_person_id``: the officer's one-person filter and the
person's history read a person's entries in ``seq`` order; with the pair they are one
range of the index instead of every entry of the person sorted (bench/scale.py,
docs/PERFORMANCE.md). An equality on ``person_id`` alone uses the pair as well.

Revision ID: d4f8b3a5e0c7
Revises: c3e7a2f4d9b6
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "d4f8b3a5e0c7"
down_revision: str | None = "c3e7a2f4d9b6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_entries_person_id_seq", "audit_entries", ["person_id", "seq"], unique=False
    )
    op.drop_index("ix_audit_entries_person_id", table_name="audit_entries")


def downgrade() -> None:
    op.create_index("ix_audit_entries_person_id", "audit_entries", ["person_id"], unique=False)
    op.drop_index("ix_audit_entries_person_id_seq", table_name="audit_entries")
