"""secrets: stored secrets (TOTP, webhooks) encrypted under a key id of COFFRE_SECRET_KEYS

``totp_credentials.secret_kid``: the key id of the ring the seed's box is sealed under;
NULL for a box sealed by an earlier version (HMAC-SHA-256 of COFFRE_SECRET_KEY, the
ring's "k0"), opened as such until ``coffre secrets rotate`` re-seals it.
``webhook_endpoints.secret_kid`` + ``secret_box``: the signing secret sealed under the
ring; ``secret`` (in clear) becomes nullable and is emptied by ``coffre secrets rotate``
(a migration has no access to the secrets, so it cannot seal anything itself).
``server_secrets``: the server's own stored secrets (the login verifiers' key).

Revision ID: a1c5e0d2b7f4
Revises: 5a7e2c9d4f18
Create Date: 2026-12-07 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "a1c5e0d2b7f4"
down_revision: str | None = "5a7e2c9d4f18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("totp_credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_kid", sa.String(length=16), nullable=True))
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secret_kid", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("secret_box", sa.LargeBinary(), nullable=True))
        batch_op.alter_column("secret", existing_type=sa.String(length=64), nullable=True)
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kid", sa.String(length=16), nullable=False),
        sa.Column("box", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )
    op.create_index(op.f("ix_server_secrets_kid"), "server_secrets", ["kid"], unique=False)
    op.create_index(
        op.f("ix_totp_credentials_secret_kid"), "totp_credentials", ["secret_kid"], unique=False
    )
    op.create_index(
        op.f("ix_webhook_endpoints_secret_kid"), "webhook_endpoints", ["secret_kid"], unique=False
    )


def downgrade() -> None:
    # Going back is only possible before `coffre secrets rotate` sealed anything: an
    # earlier version reads neither kid-sealed TOTP seeds nor sealed webhook secrets.
    op.drop_index(op.f("ix_webhook_endpoints_secret_kid"), table_name="webhook_endpoints")
    op.drop_index(op.f("ix_totp_credentials_secret_kid"), table_name="totp_credentials")
    op.drop_index(op.f("ix_server_secrets_kid"), table_name="server_secrets")
    op.drop_table("server_secrets")
    with op.batch_alter_table("webhook_endpoints", schema=None) as batch_op:
        batch_op.alter_column("secret", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("secret_box")
        batch_op.drop_column("secret_kid")
    with op.batch_alter_table("totp_credentials", schema=None) as batch_op:
        batch_op.drop_column("secret_kid")
