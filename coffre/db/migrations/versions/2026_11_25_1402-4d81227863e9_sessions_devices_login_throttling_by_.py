"""sessions devices login throttling by address totp

Sessions get a device label and a kind (web/api) and may be restricted to TOTP
enrolment; login failures are counted per scope (account, address) under a
throttling key (existing rows are account failures: ``login_key`` is renamed);
TOTP credentials get their table.

Revision ID: 4d81227863e9
Revises: ad5c6b3e588a
Create Date: 2026-11-25 14:02:01.085835
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coffre.db.base


revision: str = "4d81227863e9"
down_revision: str | None = "ad5c6b3e588a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "totp_credentials",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("secret_box", sa.LargeBinary(length=96), nullable=False),
        sa.Column("created_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_step", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_totp_credentials_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_totp_credentials")),
    )
    # Reviewed by hand: autogenerate dropped login_key and added NOT NULL columns
    # without values. Existing failures are kept as account-scope failures.
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_login_key"))
        batch_op.alter_column(
            "login_key",
            new_column_name="throttle_key",
            existing_type=sa.LargeBinary(length=32),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("scope", sa.String(length=8), nullable=True))
    op.execute("UPDATE login_failures SET scope = 'account'")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.alter_column("scope", existing_type=sa.String(length=8), nullable=False)
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_login_failures_scope_throttle_key_at", ["scope", "throttle_key", "at"], unique=False
        )

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "label", sa.String(length=64), server_default="Appareil inconnu", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), server_default="api", nullable=False)
        )
        # sa.false(), not text('0'): PostgreSQL refuses an integer default on a boolean.
        batch_op.add_column(
            sa.Column("restricted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("restricted")
        batch_op.drop_column("kind")
        batch_op.drop_column("label")

    # Address failures have no place in the old shape: they are dropped.
    op.execute("DELETE FROM login_failures WHERE scope <> 'account'")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_scope_throttle_key_at")
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))
        batch_op.drop_column("scope")
        batch_op.alter_column(
            "throttle_key",
            new_column_name="login_key",
            existing_type=sa.LargeBinary(length=32),
            existing_nullable=False,
        )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_failures_login_key"), ["login_key"], unique=False
        )

    op.drop_table("totp_credentials")
