"""référent links and hand-overs

The référent de parcours (coffre/referents/): ``referent_links`` (at most one active
link per person and one waiting proposal per person and professional: partial unique
indexes, on SQLite and PostgreSQL alike) and ``referent_handovers`` (at most one
pending per link).

Revision ID: a7e3c91d5b40
Revises: 6f1d2c3b4a59
Create Date: 2026-12-06 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import coffre.db.base

revision: str = "a7e3c91d5b40"
down_revision: str | None = "6f1d2c3b4a59"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = "status = 'active'"
_PROPOSED = "status = 'proposed'"
_PENDING = "status = 'pending'"


def upgrade() -> None:
    op.create_table(
        "referent_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("professional_id", sa.String(length=32), nullable=False),
        sa.Column("structure_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by", sa.String(length=16), nullable=False),
        sa.Column("show_expiry_count", sa.Boolean(), nullable=False),
        sa.Column("created_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["accounts.id"], name=op.f("fk_referent_links_person_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["accounts.id"],
            name=op.f("fk_referent_links_professional_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["structure_id"],
            ["structures.id"],
            name=op.f("fk_referent_links_structure_id_structures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referent_links")),
    )
    with op.batch_alter_table("referent_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referent_links_person_id"), ["person_id"])
        batch_op.create_index(batch_op.f("ix_referent_links_structure_id"), ["structure_id"])
        batch_op.create_index(
            "ix_referent_links_followed", ["professional_id", "status", "id"], unique=False
        )
        batch_op.create_index(
            "uq_referent_links_active_person",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch_op.create_index(
            "uq_referent_links_proposed_pair",
            ["person_id", "professional_id"],
            unique=True,
            sqlite_where=sa.text(_PROPOSED),
            postgresql_where=sa.text(_PROPOSED),
        )
    op.create_table(
        "referent_handovers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("link_id", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.String(length=32), nullable=False),
        sa.Column("from_professional_id", sa.String(length=32), nullable=False),
        sa.Column("successor_id", sa.String(length=32), nullable=False),
        sa.Column("successor_structure_id", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("named_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", coffre.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_at", coffre.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["referent_links.id"],
            name=op.f("fk_referent_handovers_link_id_referent_links"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["accounts.id"], name=op.f("fk_referent_handovers_person_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["from_professional_id"],
            ["accounts.id"],
            name=op.f("fk_referent_handovers_from_professional_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["accounts.id"],
            name=op.f("fk_referent_handovers_successor_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["successor_structure_id"],
            ["structures.id"],
            name=op.f("fk_referent_handovers_successor_structure_id_structures"),
        ),
        sa.ForeignKeyConstraint(
            ["named_by"], ["accounts.id"], name=op.f("fk_referent_handovers_named_by_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referent_handovers")),
    )
    with op.batch_alter_table("referent_handovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referent_handovers_link_id"), ["link_id"])
        batch_op.create_index(batch_op.f("ix_referent_handovers_person_id"), ["person_id"])
        batch_op.create_index(
            "uq_referent_handovers_pending_link",
            ["link_id"],
            unique=True,
            sqlite_where=sa.text(_PENDING),
            postgresql_where=sa.text(_PENDING),
        )


def downgrade() -> None:
    with op.batch_alter_table("referent_handovers", schema=None) as batch_op:
        batch_op.drop_index("uq_referent_handovers_pending_link")
        batch_op.drop_index(batch_op.f("ix_referent_handovers_person_id"))
        batch_op.drop_index(batch_op.f("ix_referent_handovers_link_id"))
    op.drop_table("referent_handovers")
    with op.batch_alter_table("referent_links", schema=None) as batch_op:
        batch_op.drop_index("uq_referent_links_proposed_pair")
        batch_op.drop_index("uq_referent_links_active_person")
        batch_op.drop_index("ix_referent_links_followed")
        batch_op.drop_index(batch_op.f("ix_referent_links_structure_id"))
        batch_op.drop_index(batch_op.f("ix_referent_links_person_id"))
    op.drop_table("referent_links")
