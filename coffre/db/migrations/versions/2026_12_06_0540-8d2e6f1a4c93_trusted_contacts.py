"""trusted contacts

Recovery through a trusted contact (crypto/SPEC.md §28, coffre/contacts/): one
arrangement per naming in ``trusted_contacts`` (at most one active per person: a
partial unique index), and the contact's requests in ``contact_requests`` (at most
one waiting per arrangement).

Revision ID: 8d2e6f1a4c93
Revises: 3c9e4b7a1f02
Create Date: 2026-12-06 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coffre.db.base

revision: str = "8d2e6f1a4c93"
down_revision: str | None = "3c9e4b7a1f02"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_contacts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("contact_kind", sa.String(length=16), nullable=False),
        sa.Column("waiting_days", sa.Integer(), nullable=False),
        sa.Column("wrapped_master_key", sa.LargeBinary(length=73), nullable=True),
        sa.Column("sealed_share", sa.LargeBinary(length=80), nullable=True),
        sa.Column("server_share", sa.LargeBinary(length=32), nullable=True),
        sa.Column("auth_hash", sa.LargeBinary(length=32), nullable=True),
        sa.Column("created_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["accounts.id"],
            name=op.f("fk_trusted_contacts_person_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["accounts.id"],
            name=op.f("fk_trusted_contacts_contact_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_contacts")),
    )
    with op.batch_alter_table("trusted_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trusted_contacts_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trusted_contacts_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            "uq_trusted_contacts_active_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("arrangement_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("asked_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opens_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("released_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["arrangement_id"],
            ["trusted_contacts.id"],
            name=op.f("fk_contact_requests_arrangement_id_trusted_contacts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_requests")),
    )
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_requests_arrangement_id"), ["arrangement_id"], unique=False
        )
        batch_op.create_index(
            "uq_contact_requests_waiting_arrangement",
            ["arrangement_id"],
            unique=True,
            sqlite_where=sa.text("state = 'waiting'"),
            postgresql_where=sa.text("state = 'waiting'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_requests", schema=None) as batch_op:
        batch_op.drop_index("uq_contact_requests_waiting_arrangement")
        batch_op.drop_index(batch_op.f("ix_contact_requests_arrangement_id"))
    op.drop_table("contact_requests")
    with op.batch_alter_table("trusted_contacts", schema=None) as batch_op:
        batch_op.drop_index("uq_trusted_contacts_active_person")
        batch_op.drop_index(batch_op.f("ix_trusted_contacts_contact_id"))
        batch_op.drop_index(batch_op.f("ix_trusted_contacts_person_id"))
    op.drop_table("trusted_contacts")
