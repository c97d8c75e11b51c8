"""audit: the log served as tiles (commitments, cached tree nodes) and its key history

``audit_entries.commitment`` (SHA-256(salt || event), the leaf data the entry bundles
serve: auditlog/SPEC.md §1, §5), filled for every entry that still has its body and
salt; ``audit_tree_nodes`` (hashes of tile levels >= 1, a cache); ``audit_keys`` (the
checkpoint key's history with its rotation statements, §6).

Revision ID: 5a7e2c9d4f18
Revises: d81c4e6b2f95
Create Date: 2026-12-06 21:20:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from auditlog.events import event_commitment
from coffre.db.base import UTCDateTime

revision: str = "5a7e2c9d4f18"
down_revision: str | None = "d81c4e6b2f95"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commitment", sa.LargeBinary(length=32), nullable=True))
    entries = sa.table(
        "audit_entries",
        sa.column("seq", _BIG),
        sa.column("body", sa.Text()),
        sa.column("salt", sa.LargeBinary()),
        sa.column("commitment", sa.LargeBinary()),
    )
    bind = op.get_bind()
    last = -1
    while True:
        rows = bind.execute(
            sa.select(entries.c.seq, entries.c.body, entries.c.salt)
            .where(entries.c.seq > last)
            .order_by(entries.c.seq)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        for seq, body, salt in rows:
            if body is not None and salt is not None:
                bind.execute(
                    sa.update(entries)
                    .where(entries.c.seq == seq)
                    .values(commitment=event_commitment(json.loads(body), bytes(salt)))
                )
        last = rows[-1][0]
    op.create_table(
        "audit_tree_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", _BIG, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_audit_tree_nodes")),
    )
    op.create_table(
        "audit_keys",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("verifier_key", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_keys")),
        sa.UniqueConstraint("verifier_key", name=op.f("uq_audit_keys_verifier_key")),
    )


def downgrade() -> None:
    op.drop_table("audit_keys")
    op.drop_table("audit_tree_nodes")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("commitment")
