"""secrets: stored secrets (TOTP, webhooks) encrypted under a key id of COFFRE_SECRET_KEYS

Reserved in the chain for issue 21 (helper 'secrets' fills it); empty until then.

Revision ID: a1c5e0d2b7f4
Revises: 5a7e2c9d4f18
Create Date: 2026-12-07 01:00:00
"""

from collections.abc import Sequence

revision: str = "a1c5e0d2b7f4"
down_revision: str | None = "5a7e2c9d4f18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
