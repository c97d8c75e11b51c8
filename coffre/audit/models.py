"""Audit rows: the entries of the trail, its head, and the signed checkpoints.

An entry's ``body`` is the canonical event (RFC 8785) and ``salt`` its 32-byte salt
(``coffre.audit.events``); both may be cleared when the retention period ends,
``leaf_hash`` and ``chain`` stay. The columns next to the body copy what the
officer's console filters on; ``coffre audit verify`` checks they match the body.

``audit_head`` is one row: the size of the trail, the last chain value and the
Merkle frontier (``CompactRange``) — appending locks it, so entries get their
sequence numbers one at a time, in commit order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from coffre.db.base import Base, UTCDateTime

# 64-bit sequence numbers; SQLite's INTEGER is already 64-bit.
_SEQ = BigInteger().with_variant(Integer, "sqlite")


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    # What the officer's console reads (coffre/audit/console_repository.py): a grant's
    # start by its id, one action's entries of one outcome newest first (refused pulls),
    # and a period's entries of a few actions (the flags). Each read then costs what
    # it returns, not the size of the trail (bench/console_views.py).
    __table_args__ = (
        Index("ix_audit_entries_action_object_id", "action", "object_id", "outcome"),
        Index("ix_audit_entries_action_outcome_seq", "action", "outcome", "seq"),
        Index("ix_audit_entries_action_at", "action", "at"),
        # A person's entries in order (history, the officer's one-person filter): one
        # range read, whatever the person's history (docs/PERFORMANCE.md, scale curves).
        Index("ix_audit_entries_person_id_seq", "person_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    actor_role: Mapped[str | None] = mapped_column(String(24), nullable=True)
    person_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    structure_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    object_type: Mapped[str | None] = mapped_column(String(24), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    purpose: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    body: Mapped[str | None] = mapped_column(Text(), nullable=True)
    salt: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    # SHA-256(salt || event) (auditlog/SPEC.md §1): the leaf data the entry bundles serve.
    # Kept after retention (it names no one without the salt); None only for entries
    # purged before it was stored, which the bundles then cannot serve.
    commitment: Mapped[bytes | None] = mapped_column(LargeBinary(32), nullable=True)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    chain: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(_SEQ)
    chain: Mapped[bytes] = mapped_column(LargeBinary(32))
    frontier: Mapped[bytes] = mapped_column(LargeBinary())  # CompactRange.encode()


class AuditCheckpoint(Base):
    """A signed checkpoint (C2SP tlog-checkpoint in a signed note) of the first ``size`` entries."""

    __tablename__ = "audit_checkpoints"

    size: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditTreeNode(Base):
    """A hash of tile level ``level`` >= 1 (auditlog/SPEC.md §5): the MTH of the leaves
    [idx * 256**level, (idx + 1) * 256**level), kept once the signed tree covers them.

    A cache: every value can be computed again from ``audit_entries.leaf_hash``, and the
    served tiles are checked by their readers against the signed root anyway. Without it,
    a tile of level 2 would hash 65,536 leaves per request."""

    __tablename__ = "audit_tree_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(_SEQ, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditKey(Base):
    """The checkpoint key's history, oldest first (auditlog/SPEC.md §6): each key after the
    first comes with its rotation statement, signed by the key before it and by itself."""

    __tablename__ = "audit_keys"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    verifier_key: Mapped[str] = mapped_column(String(200), unique=True)
    statement: Mapped[str | None] = mapped_column(Text(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditPseudonym(Base):
    """The console's reference for a person (``AuditConsole.pseudonym``), computed once.

    The reference is an HMAC under a key derived from the deployment's secret, so it
    is stored with that key's id: a new secret makes new references, never a wrong
    match. Filled from the trail as it grows (``AuditPseudonymScan``), so filtering by
    person is an index lookup instead of an HMAC of every person at each request.
    """

    __tablename__ = "audit_pseudonyms"
    __table_args__ = (Index("ix_audit_pseudonyms_key_id_reference", "key_id", "reference"),)

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(String(16))


class AuditPseudonymScan(Base):
    """How far the trail was read for new persons, per pseudonym key."""

    __tablename__ = "audit_pseudonym_scans"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_seq: Mapped[int] = mapped_column(_SEQ)  # entries from this seq on are not read yet
