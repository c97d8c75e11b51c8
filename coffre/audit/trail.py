"""The audit trail in the database: appending an entry inside an operation's unit of
work, and checking the whole trail from end to end.

Every operation calls ``append(db, Entry(...), now)`` in its own unit of work, so
the entry commits with the operation or not at all. Appending locks the one
``audit_head`` row (an UPDATE first), so sequence numbers follow commit order
without gaps. Each entry stores:

    leaf_hash = event_leaf_hash(event, salt)          (coffre.audit.events, RFC 9162)
    chain     = SHA-256("coffre/audit/chain/v1\\n" || previous chain || leaf_hash)

The event (canonical JSON) names its own ``seq``, so moving an entry changes its
hash; the chain links each entry to all before it; the Merkle frontier kept in the
head gives the root that the server signs in checkpoints (``coffre.audit.log``).
``verify`` walks entries in order and reports the first broken link.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from coffre.audit.checkpoint import NoteError, Verifier, verify_checkpoint
from coffre.audit.events import event_leaf_hash, new_salt
from coffre.audit.merkle import CompactRange, ProofError
from coffre.audit.models import AuditEntry, AuditHead
from coffre.policy import Actor

CHAIN_PREFIX = b"coffre/audit/chain/v1\n"
GENESIS = bytes(32)
HEAD_ID = 1
FORMAT = 1


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


def event_of(entry: Entry, seq: int, at: datetime) -> dict[str, Any]:
    """The canonical event of an entry (what the leaf commits to)."""
    return {
        "v": FORMAT,
        "seq": seq,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
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
    # The UPDATE takes the head's row lock (PostgreSQL) / the write lock (SQLite)
    # first: concurrent operations append one at a time, in commit order.
    db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=AuditHead.size + 1))
    head = db.execute(
        select(AuditHead).where(AuditHead.id == HEAD_ID).execution_options(populate_existing=True)
    ).scalar_one()
    seq = head.size - 1
    event = event_of(entry, seq, now)
    salt = new_salt()
    leaf = event_leaf_hash(event, salt)
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
        leaf_hash=leaf,
        chain=chain,
    )
    db.add(row)
    db.flush()
    return row


# -- verification --------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """An entry as read back (from the database or an export)."""

    seq: int
    body: str | None
    salt: bytes | None
    leaf_hash: bytes
    chain: bytes
    columns: Mapping[str, Any]


@dataclass(frozen=True)
class Report:
    ok: bool
    entries: int
    checkpoints: int
    unsigned_tail: int  # entries after the last signed checkpoint
    problem_seq: int | None = None
    problem: str | None = None


_COLUMNS = {
    "action": "action",
    "outcome": "outcome",
    "actor_id": "actor",
    "actor_role": "role",
    "person_id": "person",
    "structure_id": "structure",
    "purpose": "purpose",
    "reason": "reason",
}


def stored_rows(db: DbSession, batch: int = 1000) -> Iterator[Stored]:
    """Every entry in sequence order, read in batches."""
    last = -1
    while True:
        rows = db.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield stored_of(row)
        last = rows[-1].seq


def stored_of(row: AuditEntry) -> Stored:
    return Stored(
        seq=row.seq,
        body=row.body,
        salt=row.salt,
        leaf_hash=row.leaf_hash,
        chain=row.chain,
        columns={
            "action": row.action,
            "outcome": row.outcome,
            "actor_id": row.actor_id,
            "actor_role": row.actor_role,
            "person_id": row.person_id,
            "structure_id": row.structure_id,
            "purpose": row.purpose,
            "reason": row.reason,
            "object_type": row.object_type,
            "object_id": row.object_id,
        },
    )


def verify(
    entries: Iterable[Stored],
    checkpoints: Mapping[int, str],
    verifier: Verifier,
    origin: str,
    *,
    expected_size: int | None = None,
) -> Report:
    """Check every entry and every signed checkpoint; stop at the first broken link."""
    frontier = CompactRange()
    chain = GENESIS
    count = 0
    checked = 0
    signed_sizes = sorted(checkpoints)

    def broken(seq: int, message: str) -> Report:
        return Report(False, count, checked, 0, seq, message)

    if 0 in checkpoints:
        checked += 1
    for stored in entries:
        seq = count
        if stored.seq != seq:
            return broken(seq, f"l'entrée {seq} manque (la suivante porte le numéro {stored.seq})")
        problem = _check_body(stored)
        if problem is not None:
            return broken(seq, f"l'entrée {seq} a été modifiée ({problem})")
        if not hmac.compare_digest(chain_next(chain, stored.leaf_hash), stored.chain):
            return broken(seq, f"la chaîne est rompue à l'entrée {seq}")
        chain = stored.chain
        frontier.append(stored.leaf_hash)
        count += 1
        note = checkpoints.get(count)
        if note is not None:
            try:
                checkpoint = verify_checkpoint(note, verifier, origin=origin)
            except NoteError:
                return broken(
                    seq, f"le point de contrôle de taille {count} n'est pas signé par le serveur"
                )
            if checkpoint.size != count or not hmac.compare_digest(
                checkpoint.root, frontier.root()
            ):
                return broken(
                    seq,
                    f"les {count} premières entrées ne correspondent plus au point de contrôle "
                    "signé (une entrée a été réécrite, ajoutée ou retirée)",
                )
            checked += 1
    beyond = [size for size in signed_sizes if size > count]
    if beyond:
        return broken(
            count,
            f"le journal s'arrête à {count} entrées, mais un point de contrôle signé en "
            f"compte {beyond[0]} : des entrées ont été supprimées",
        )
    if expected_size is not None and expected_size != count:
        return broken(
            count,
            f"le journal compte {count} entrées au lieu de {expected_size} : "
            "des entrées ont été supprimées",
        )
    last_signed = max((s for s in signed_sizes if s <= count), default=0)
    return Report(True, count, checked, count - last_signed)


def _check_body(stored: Stored) -> str | None:
    if stored.body is None or stored.salt is None:
        # Retention over: the body and salt were deleted on purpose; the chain and
        # the signed roots still cover the leaf hash.
        return None
    try:
        event = json.loads(stored.body)
    except ValueError:
        return "contenu illisible"
    if not isinstance(event, dict) or event.get("seq") != stored.seq:
        return "numéro d'ordre"
    try:
        leaf = event_leaf_hash(event, stored.salt)
    except (ValueError, ProofError):
        return "contenu illisible"
    if not hmac.compare_digest(leaf, stored.leaf_hash):
        return "contenu"
    for column, key in _COLUMNS.items():
        if stored.columns.get(column, event.get(key)) != event.get(key):
            return f"colonne {column}"
    obj = event.get("object") or {}
    if stored.columns.get("object_id", obj.get("id")) != obj.get("id"):
        return "colonne object_id"
    return None
