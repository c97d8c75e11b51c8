"""processes: what several app processes share through the database (upload slots, leader)

Reserved in the chain for issue 21 (helper 'processes' fills it); empty until then.

Revision ID: c3e7a2f4d9b6
Revises: b2d6f1e3c8a5
Create Date: 2026-12-07 01:20:00
"""

from collections.abc import Sequence

revision: str = "c3e7a2f4d9b6"
down_revision: str | None = "b2d6f1e3c8a5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
