"""relays between structures

Relays (coffre/relays/): ``relays`` (the state machine, the SPEC §29 liaison note and
return as opaque bytes), ``relay_documents`` (references to the person's documents),
``relay_note_keys`` (one sealed note key per reader), and ``grants.relay_id``: a grant
scoped to a relay.

Revision ID: c4d8e2f6a913
Revises: a7e3c91d5b40
Create Date: 2026-12-06 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from coffre.db.base import UTCDateTime

revision: str = "c4d8e2f6a913"
down_revision: str | None = "a7e3c91d5b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relays",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("orienting_id", sa.String(length=32), nullable=False),
        sa.Column("orienting_structure_id", sa.String(length=32), nullable=False),
        sa.Column("responsible_id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("target_structure_id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("charter_version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("agreed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("taken_by", sa.String(length=32), nullable=True),
        sa.Column("taken_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.String(length=300), nullable=True),
        sa.Column("remind_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=24), nullable=True),
        sa.Column("note", sa.LargeBinary(), nullable=False),
        sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("return_note", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["accounts.id"], name=op.f("fk_relays_person_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["orienting_id"], ["accounts.id"], name=op.f("fk_relays_orienting_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["orienting_structure_id"],
            ["structures.id"],
            name=op.f("fk_relays_orienting_structure_id_structures"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"], ["accounts.id"], name=op.f("fk_relays_responsible_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["directory_services.id"],
            name=op.f("fk_relays_service_id_directory_services"),
        ),
        sa.ForeignKeyConstraint(
            ["target_structure_id"],
            ["structures.id"],
            name=op.f("fk_relays_target_structure_id_structures"),
        ),
        sa.ForeignKeyConstraint(
            ["taken_by"], ["accounts.id"], name=op.f("fk_relays_taken_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relays")),
    )
    with op.batch_alter_table("relays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relays_person_id"), ["person_id"])
        batch_op.create_index(batch_op.f("ix_relays_orienting_id"), ["orienting_id"])
        batch_op.create_index(batch_op.f("ix_relays_responsible_id"), ["responsible_id"])
        batch_op.create_index(batch_op.f("ix_relays_taken_by"), ["taken_by"])
        batch_op.create_index("ix_relays_state_remind_at", ["state", "remind_at"])
        batch_op.create_index("ix_relays_state_expires_at", ["state", "expires_at"])
        batch_op.create_index("ix_relays_target_state", ["target_structure_id", "state"])
    op.create_table(
        "relay_documents",
        sa.Column("relay_id", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["relay_id"],
            ["relays.id"],
            name=op.f("fk_relay_documents_relay_id_relays"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_relay_documents_document_id_documents"),
        ),
        sa.PrimaryKeyConstraint("relay_id", "document_id", name=op.f("pk_relay_documents")),
    )
    with op.batch_alter_table("relay_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relay_documents_document_id"), ["document_id"])
    op.create_table(
        "relay_note_keys",
        sa.Column("relay_id", sa.String(length=32), nullable=False),
        sa.Column("which", sa.String(length=8), nullable=False),
        sa.Column("recipient_id", sa.String(length=32), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["relay_id"],
            ["relays.id"],
            name=op.f("fk_relay_note_keys_relay_id_relays"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["accounts.id"],
            name=op.f("fk_relay_note_keys_recipient_id_accounts"),
        ),
        sa.PrimaryKeyConstraint(
            "relay_id", "which", "recipient_id", name=op.f("pk_relay_note_keys")
        ),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("relay_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_grants_relay_id"), ["relay_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_grants_relay_id_relays"), "relays", ["relay_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_grants_relay_id_relays"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_grants_relay_id"))
        batch_op.drop_column("relay_id")
    op.drop_table("relay_note_keys")
    with op.batch_alter_table("relay_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relay_documents_document_id"))
    op.drop_table("relay_documents")
    with op.batch_alter_table("relays", schema=None) as batch_op:
        batch_op.drop_index("ix_relays_target_state")
        batch_op.drop_index("ix_relays_state_expires_at")
        batch_op.drop_index("ix_relays_state_remind_at")
        batch_op.drop_index(batch_op.f("ix_relays_taken_by"))
        batch_op.drop_index(batch_op.f("ix_relays_responsible_id"))
        batch_op.drop_index(batch_op.f("ix_relays_orienting_id"))
        batch_op.drop_index(batch_op.f("ix_relays_person_id"))
    op.drop_table("relays")
