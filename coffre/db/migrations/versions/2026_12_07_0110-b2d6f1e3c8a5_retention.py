"""retention: audit bodies removed by a recorded retention run; other data's retention

Reserved in the chain for issue 21 (helper 'retention' fills it); empty until then.

Revision ID: b2d6f1e3c8a5
Revises: a1c5e0d2b7f4
Create Date: 2026-12-07 01:10:00
"""

from collections.abc import Sequence

revision: str = "b2d6f1e3c8a5"
down_revision: str | None = "a1c5e0d2b7f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
