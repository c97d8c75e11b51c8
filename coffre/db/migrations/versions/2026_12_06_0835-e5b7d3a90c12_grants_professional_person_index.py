"""grants: index (professional_id, person_id) for the référent's view

The référent's view (coffre/referents/repository.py ``expiring_shared_with``) asks, for
a page of persons, which grants are made to the référent: with this index, one probe
per person of the page, instead of a walk through every grant ever made to the
référent (bench/referent_view.py; plans in docs/PERFORMANCE.md). The index is declared
in coffre/referents/models.py, next to the query it serves.

Revision ID: e5b7d3a90c12
Revises: c4d8e2f6a913
Create Date: 2026-12-06 08:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e5b7d3a90c12"
down_revision: str | None = "c4d8e2f6a913"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_grants_professional_person", ["professional_id", "person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index("ix_grants_professional_person")
