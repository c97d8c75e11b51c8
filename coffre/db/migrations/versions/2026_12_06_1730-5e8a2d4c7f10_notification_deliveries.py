"""notification deliveries: the outbox's ways out of the app

``notifications.dispatched_at`` (rows already there are marked dispatched: nothing old
goes out when this lands), ``deliveries`` (one per notification, channel and recipient,
unique idempotency ``key``; claimed with a lease), ``push_subscriptions`` (one per
device, unique endpoint) and ``notification_settings`` (one row per account; defaults
when absent). See coffre/notifications/outbox.py and docs/NOTIFICATIONS.md.

Revision ID: 5e8a2d4c7f10
Revises: b7e2a4c19d63
Create Date: 2026-12-06 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "5e8a2d4c7f10"
down_revision: str | None = "b7e2a4c19d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("dispatched_at", UTCDateTime(timezone=True), nullable=True))
        batch.create_index(
            batch.f("ix_notifications_dispatched_at"), ["dispatched_at"], unique=False
        )
    op.execute("UPDATE notifications SET dispatched_at = created_at")

    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("notification_id", sa.String(length=32), nullable=True),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_deliveries_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_deliveries_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_deliveries_key")),
    )
    op.create_index(op.f("ix_deliveries_account_id"), "deliveries", ["account_id"], unique=False)
    op.create_index(
        op.f("ix_deliveries_notification_id"), "deliveries", ["notification_id"], unique=False
    )
    op.create_index(
        "ix_deliveries_state_next_attempt_at",
        "deliveries",
        ["state", "next_attempt_at"],
        unique=False,
    )

    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=128), nullable=False),
        sa.Column("auth", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_push_subscriptions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscriptions_endpoint")),
    )
    op.create_index(
        op.f("ix_push_subscriptions_account_id"),
        "push_subscriptions",
        ["account_id"],
        unique=False,
    )

    op.create_table(
        "notification_settings",
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("push", sa.Boolean(), nullable=False),
        sa.Column("sms", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_on", sa.Boolean(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column("digest", sa.String(length=8), nullable=False),
        sa.Column("remind_documents_expiring", sa.Boolean(), nullable=False),
        sa.Column("remind_grants_ending", sa.Boolean(), nullable=False),
        sa.Column("remind_requests_waiting", sa.Boolean(), nullable=False),
        sa.Column("remind_relays_not_taken", sa.Boolean(), nullable=False),
        sa.Column("remind_own", sa.Boolean(), nullable=False),
        sa.Column("chosen", sa.String(length=400), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_notification_settings_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notification_settings")),
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
    op.drop_index(op.f("ix_push_subscriptions_account_id"), table_name="push_subscriptions")
    op.drop_table("push_subscriptions")
    op.drop_index("ix_deliveries_state_next_attempt_at", table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_notification_id"), table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_account_id"), table_name="deliveries")
    op.drop_table("deliveries")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index(batch.f("ix_notifications_dispatched_at"))
        batch.drop_column("dispatched_at")
