"""proconnect: links between accounts and ProConnect identities, logins in progress

``proconnect_links`` (one account ↔ one (issuer, sub), made through one invitation)
and ``proconnect_flows`` (the server-side half of a ProConnect login: state, nonce,
PKCE verifier, bound to the browser by the hash of an HttpOnly cookie's token).
See coffre/accounts/proconnect_models.py and docs/PROCONNECT.md.

Revision ID: 9b1e5c7d2f30
Revises: e5b7d3a90c12
Create Date: 2026-12-06 08:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "9b1e5c7d2f30"
down_revision: str | None = "e5b7d3a90c12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proconnect_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("invitation_id", sa.String(length=32), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_proconnect_links_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_proconnect_links_invitation_id_invitations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proconnect_links")),
        sa.UniqueConstraint("account_id", name=op.f("uq_proconnect_links_account_id")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_proconnect_links_invitation_id")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_proconnect_links_issuer")),
    )
    op.create_table(
        "proconnect_flows",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("browser_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("invitation_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("issuer", sa.String(length=255), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("account_id", sa.String(length=32), nullable=True),
        sa.Column("claims", sa.Text(), nullable=True),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_proconnect_flows_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proconnect_flows")),
        sa.UniqueConstraint("browser_hash", name=op.f("uq_proconnect_flows_browser_hash")),
    )
    with op.batch_alter_table("proconnect_flows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proconnect_flows_expires_at"), ["expires_at"])


def downgrade() -> None:
    op.drop_table("proconnect_flows")
    op.drop_table("proconnect_links")
