"""The audit trail in the database: appending an entry inside an operation's unit of
work, and checking the whole trail from end to end.

Every operation calls ``append(db, Entry(...), now)`` in its own unit of work, so
the entry commits with the operation or not at all. Appending locks the one
``audit_head`` row (an UPDATE first), so sequence numbers follow commit order
without gaps. Each entry stores:

    commitment = SHA-256(salt || JCS(event))           (auditlog.events, auditlog/SPEC.md §1)
    leaf_hash  = SHA-256(0x00 || "coffre/audit/v1" 0x00 || commitment)      (RFC 9162)
    chain     = SHA-256("coffre/audit/chain/v1\\n" || previous chain || leaf_hash)

The event (canonical JSON) names its own ``seq``, so moving an entry changes its
hash; the chain links each entry to all before it; the Merkle frontier kept in the
head gives the root that the server signs in checkpoints (``coffre.audit.log``).
``coffre.audit.verification`` walks the entries in order and reports the first broken
link; ``coffre.audit.retention`` is the one way an entry's body may go.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from auditlog.events import commitment_leaf_hash, event_commitment, new_salt
from auditlog.merkle import CompactRange
from coffre import metrics
from coffre.audit.models import AuditEntry, AuditHead
from coffre.policy import Actor

CHAIN_PREFIX = b"coffre/audit/chain/v1\n"
GENESIS = bytes(32)
HEAD_ID = 1
FORMAT = 1
AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Entry:
    """One operation, as the trail keeps it: who, about whom, on what, why, when.

    Never a document's contents, a file name or a secret (``coffre.audit.events``
    refuses such fields); people and documents are named by their ids.
    """

    action: str
    actor_id: str | None = None
    actor_role: str | None = None
    person_id: str | None = None
    structure_id: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    purpose: str | None = None
    reason: str | None = None
    outcome: str = "ok"
    details: Mapping[str, Any] = field(default_factory=dict)


def by(actor: Actor | None, action: str, **fields: Any) -> Entry:
    """An entry made by ``actor`` (None: nobody signed in, e.g. a failed login).

    A person acting on their own vault is also the person concerned."""
    if actor is not None and actor.role.value == "person":
        fields.setdefault("person_id", actor.account_id)
    return Entry(
        action=action,
        actor_id=actor.account_id if actor is not None else None,
        actor_role=actor.role.value if actor is not None else None,
        **fields,
    )


def chain_next(previous: bytes, leaf: bytes) -> bytes:
    return hashlib.sha256(CHAIN_PREFIX + previous + leaf).digest()


def at_text(at: datetime) -> str:
    """An entry's time as its event writes it: UTC, microseconds, ``Z``."""
    return at.astimezone(UTC).strftime(AT_FORMAT)


def parse_at(text: str) -> datetime:
    """Inverse of ``at_text``; ValueError if ``text`` is not in exactly that form."""
    at = datetime.fromisoformat(text)  # then held to exactly one form:
    if at.tzinfo is None or at_text(at) != text:
        raise ValueError("not an event time")
    return at


def event_of(entry: Entry, seq: int, at: datetime) -> dict[str, Any]:
    """The canonical event of an entry (what the leaf commits to)."""
    return {
        "v": FORMAT,
        "seq": seq,
        "at": at_text(at),
        "action": entry.action,
        "outcome": entry.outcome,
        "actor": entry.actor_id,
        "role": entry.actor_role,
        "person": entry.person_id,
        "structure": entry.structure_id,
        "object": (
            {"type": entry.object_type, "id": entry.object_id}
            if entry.object_type is not None
            else None
        ),
        "purpose": entry.purpose,
        "reason": entry.reason,
        "details": dict(entry.details),
    }


def append(db: DbSession, entry: Entry, now: datetime) -> AuditEntry:
    """Add one entry in the caller's unit of work (same commit as the operation)."""
    if entry.object_id is not None and entry.object_type is None:
        # The event names an object only with its type: an id alone would sit in a
        # column that nothing signed covers (``coffre audit verify`` checks them all).
        raise ValueError("audit entry: an object id needs its object type")
    # The UPDATE takes the head's row lock (PostgreSQL) / the write lock (SQLite)
    # first: concurrent operations append one at a time, in commit order.
    db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=AuditHead.size + 1))
    head = db.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ID).execution_options(populate_existing=True)
    ).scalar_one()
    seq = head.size - 1
    event = event_of(entry, seq, now)
    salt = new_salt()
    commitment = event_commitment(event, salt)
    leaf = commitment_leaf_hash(commitment)
    chain = chain_next(head.chain, leaf)
    frontier = CompactRange.decode(head.frontier)
    frontier.append(leaf)
    head.chain = chain
    head.frontier = frontier.encode()
    row = AuditEntry(
        seq=seq,
        at=now,
        action=entry.action,
        outcome=entry.outcome,
        actor_id=entry.actor_id,
        actor_role=entry.actor_role,
        person_id=entry.person_id,
        structure_id=entry.structure_id,
        object_type=entry.object_type,
        object_id=entry.object_id,
        purpose=entry.purpose,
        reason=entry.reason,
        body=json.dumps(event, ensure_ascii=False, sort_keys=True),
        salt=salt,
        commitment=commitment,
        leaf_hash=leaf,
        chain=chain,
    )
    db.add(row)
    db.flush()
    metrics.audit_appended(db)  # counted when the transaction commits
    return row
