"""Checking the audit trail from end to end (``coffre audit verify``): what it proves,
and the report that says so.

The walk reads every entry once, in sequence order, and stops at the first broken
link. For each entry:

- its number follows the previous one (nothing removed or moved);
- with a body: the body hashes, with its salt, to the leaf hash
  (``coffre.audit.events``), names its own number, is stored in canonical form, and
  EVERY column of the row equals the event's field (``at``, ``action``, ``outcome``,
  actor, role, person, structure, object type and id, purpose, reason);
- without a body: only a recorded retention purge may have removed it
  (``coffre.audit.retention``); any other missing body is named, every one of them
  (the walk goes on past it: its leaf still chains). The purged entries form the prefix
  the newest ``audit.retention`` entry names, their cleared columns are empty, and what they
  keep (``at``, ``action``, ``outcome``) hashes to the digest that entry recorded;
  the record's rule is at least six months and every purged entry is older than its
  cutoff;
- the chain links it to the previous entry;
- every signed checkpoint (C2SP signed note, the log's key) matches the Merkle root
  of the entries it counts; its row's ``root`` and ``created_at`` equal what is
  signed; no checkpoint counts more entries than the trail has.

Then, with the signing time checkpoints carry (``checkpoint.checkpoint_time``):
an entry dated more than ``MARGIN`` before a checkpoint that does not contain it was
added or back-dated afterwards; an entry dated after the checkpoint that contains it,
or checkpoints whose times go backwards, cannot come from the server.

Coverage: every entry dated more than ``cover_seconds + MARGIN`` before the NEWEST
entry must be inside a signed checkpoint (the server signs every
``COFFRE_AUDIT_CHECKPOINT_SECONDS`` while it runs, and at start-up). Measured from the
newest entry, not from now: a quiet log is not a broken one.

A checkpoint someone kept (``kept``: the officer's, a person's export) must be
extended, not contradicted: the trail has at least its size, and its first entries
hash to its root. That is the only way to see a rollback of the tail together with
the later checkpoints: from the database alone it looks like a server that stopped.

What no check here can see (the report and docs/AUDIT.md say so): entries after the
last signed checkpoint are only chained, so anyone who can write to the database can
change them or append new ones dated after that checkpoint — and the server then
signs them like any other; an operation that was never written; anything the holder
of the checkpoint key (``COFFRE_AUDIT_KEY_FILE``, who can sign) rewrites before anyone
kept a checkpoint.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from auditlog.checkpoint import (
    Checkpoint,
    checkpoint_time,
    verify_checkpoint_by,
)
from auditlog.events import commitment_leaf_hash, event_leaf_hash
from auditlog.merkle import EMPTY_ROOT, CompactRange, ProofError
from auditlog.note import NoteError, Verifier
from coffre.audit import retention
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from coffre.audit.retention import RetentionRecord
from coffre.audit.trail import FORMAT, GENESIS, HEAD_ID, at_text, chain_next, parse_at

MARGIN = timedelta(seconds=120)
"""Slack for clocks and work in flight: an entry's time is taken inside its
transaction, a little before it commits; the checkpoint job takes a moment; replicas'
clocks differ by a little. Two minutes is far above what was measured here
(milliseconds) and far below the checkpoint interval's scale."""

_EVENT_OF_COLUMN = {
    "action": ("action",),
    "outcome": ("outcome",),
    "actor_id": ("actor",),
    "actor_role": ("role",),
    "person_id": ("person",),
    "structure_id": ("structure",),
    "purpose": ("purpose",),
    "reason": ("reason",),
    "object_type": ("object", "type"),
    "object_id": ("object", "id"),
}
DB_COLUMNS = ("at", *_EVENT_OF_COLUMN)
"""Every column of ``audit_entries`` besides ``seq``, ``body``, ``salt``, ``leaf_hash``
and ``chain`` (checked by the walk itself)."""


@dataclass(frozen=True)
class Stored:
    """An entry as read back: from the database (``columns`` has every column of
    ``DB_COLUMNS``) or from an export (``at``, ``action``, ``outcome`` only)."""

    seq: int
    body: str | None
    salt: bytes | None
    leaf_hash: bytes
    chain: bytes
    columns: Mapping[str, Any]
    # The leaf data's commitment the entry bundles serve (auditlog/SPEC.md §1); None for
    # an entry purged before it was kept, and in exports.
    commitment: bytes | None = None


@dataclass(frozen=True)
class StoredCheckpoint:
    """A signed checkpoint as read back; ``root`` and ``created_at`` are the database
    row's own columns (None in an export)."""

    size: int
    note: str
    root: bytes | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class StoredHead:
    size: int
    chain: bytes
    frontier: bytes


@dataclass(frozen=True)
class Report:
    ok: bool
    entries: int
    checkpoints: int  # signed checkpoints verified
    unsigned_tail: int  # entries after the largest verified checkpoint
    problem_seq: int | None = None
    problem: str | None = None
    signed_size: int = 0  # entries inside the largest verified checkpoint
    last_signed_at: datetime | None = None  # its signing time, when it carries one
    signed_note: str | None = None  # its signed note (to keep for the next check)
    purged: int = 0  # entries whose body a recorded retention purge removed
    retention: RetentionRecord | None = None  # the newest purge's record
    kept: int | None = None  # size of the kept checkpoint the trail was checked against
    newest_at: datetime | None = None
    cover_seconds: int = 0  # entries older than newest_at - this (+ MARGIN) must be signed
    columns: bool = False  # True: every column compared; False: bodies only (an export)
    head: bool = False  # True: the head row (size, chain, Merkle frontier) compared
    # False: an export without bodies (the officer's, pseudonymous): the published
    # commitments, the chain and the checkpoints are checked, not what entries say.
    contents: bool = True


class _Broken(Exception):
    def __init__(self, seq: int, message: str) -> None:
        super().__init__(message)
        self.seq = seq
        self.message = message


def _when(at: datetime) -> str:
    return at.strftime("%d/%m/%Y %H:%M:%S UTC")


NAMED = 20
"""Entries named one by one in a problem; past that, a count."""


def _seqs(seqs: Sequence[int]) -> str:
    """``entrées 4, 9, 12`` (the first NAMED, then how many more)."""
    named = ", ".join(str(seq) for seq in seqs[:NAMED])
    more = len(seqs) - NAMED
    return f"entrées {named}" + (f" et {more} autre(s)" if more > 0 else "")


class _Walk:
    def __init__(
        self,
        checkpoints: Iterable[StoredCheckpoint],
        verifiers: Sequence[Verifier],
        origin: str,
        kept: Checkpoint | None,
        cover_seconds: int,
        contents: bool = True,
    ) -> None:
        self.contents = contents
        self.checkpoints = {c.size: c for c in checkpoints}
        self.verifiers = verifiers
        self.origin = origin
        self.kept = kept
        self.cover_seconds = cover_seconds
        self.frontier = CompactRange()
        self.chain = GENESIS
        self.count = 0
        self.checked = 0
        self.signed_size = 0
        self.last_signed_at: datetime | None = None
        self.signed_note: str | None = None
        self.newest_at: datetime | None = None
        # Entries after the last verified checkpoint: the oldest (for coverage) and the
        # newest (must not be after the next checkpoint's time).
        self.since_oldest: tuple[datetime | None, int] | None = None
        self.since_newest: tuple[datetime, int] | None = None
        # Retention: the purged prefix, its digest, its newest date; the newest record.
        self.purged = 0
        self.kept_digest = retention.GENESIS
        self.kept_known = True
        self.purged_newest: tuple[datetime, int] | None = None
        self.seen_body = False
        self.record: RetentionRecord | None = None
        self.columns_everywhere = True
        # Bodies missing after an entry that has one: no retention run removed them.
        # The walk goes on (their leaves still chain) so the report names them all.
        self.unrecorded: list[int] = []
        self.uncleared: dict[int, str] = {}  # such an entry -> a column it kept

    # -- per entry -------------------------------------------------------------

    def entry(self, stored: Stored) -> None:
        seq = self.count
        if stored.seq != seq:
            raise _Broken(seq, f"l'entrée {seq} manque (la suivante porte le numéro {stored.seq})")
        if any(column not in stored.columns for column in DB_COLUMNS):
            self.columns_everywhere = False
        if not self.contents:
            at = self._listed(stored)
        elif stored.body is None and stored.salt is None:
            at = self._purged(stored)
        elif stored.body is None or stored.salt is None:
            raise _Broken(seq, f"l'entrée {seq} a perdu son contenu ou son sel, pas les deux")
        else:
            self.seen_body = True
            at = self._with_body(stored)
        if stored.commitment is not None and not hmac.compare_digest(
            commitment_leaf_hash(stored.commitment), stored.leaf_hash
        ):
            # What the entry bundles publish must be what the tree holds.
            raise _Broken(seq, f"l'entrée {seq} a été modifiée (empreinte publiée)")
        if not hmac.compare_digest(chain_next(self.chain, stored.leaf_hash), stored.chain):
            raise _Broken(seq, f"la chaîne est rompue à l'entrée {seq}")
        self.chain = stored.chain
        self.frontier.append(stored.leaf_hash)
        self.count += 1
        self._dates(seq, at)
        self.at_size()

    def _with_body(self, stored: Stored) -> datetime:
        event, at = _checked_event(stored)
        if event.get("action") == retention.ACTION:
            self._record(stored.seq, event)
        return at

    def _record(self, seq: int, event: dict[str, Any]) -> None:
        try:
            record = retention.parse_record(event)
        except (ValueError, KeyError):
            raise _Broken(
                seq, f"l'opération de conservation de l'entrée {seq} est illisible"
            ) from None
        problem = retention.record_problem(record)
        if problem is not None:
            raise _Broken(seq, problem)
        # Each purge starts where the previous one stopped (an older record may have
        # been purged since: its successor's digest still covers its range).
        if self.record is not None and record.start != self.record.upto:
            raise _Broken(
                seq,
                f"l'opération de conservation de l'entrée {seq} ne reprend pas où la "
                f"précédente s'était arrêtée (entrée {self.record.upto})",
            )
        self.record = record

    def _listed(self, stored: Stored) -> datetime | None:
        """An entry of an export without contents: its date as listed (unproven but
        used for the coverage and ordering checks, as for a purged entry)."""
        raw_at = stored.columns.get("at")
        if raw_at is None:
            return None
        try:
            return parse_at(_column_at(raw_at))
        except ValueError:
            raise _Broken(stored.seq, f"l'entrée {stored.seq} a une date illisible") from None

    def _purged(self, stored: Stored) -> datetime | None:
        seq = stored.seq
        kept = [c for c in retention.CLEARED_COLUMNS if stored.columns.get(c) is not None]
        if self.seen_body or kept:
            # Not a purge's work: after a body, or with a column a purge clears.
            self.unrecorded.append(seq)
            if kept:
                self.uncleared[seq] = kept[0]
            raw_at = stored.columns.get("at")
            try:
                return parse_at(_column_at(raw_at)) if raw_at is not None else None
            except ValueError:
                raise _Broken(seq, f"l'entrée {seq} a été modifiée (date illisible)") from None
        self.purged += 1
        raw_at, action, outcome = (stored.columns.get(c) for c in retention.KEPT_COLUMNS)
        if raw_at is None or action is None or outcome is None:
            self.kept_known = False
            return None
        try:
            at = parse_at(_column_at(raw_at))
        except ValueError:
            raise _Broken(seq, f"l'entrée {seq} a été modifiée (date illisible)") from None
        self.kept_digest = retention.kept_digest_next(
            self.kept_digest, seq, at_text(at), str(action), str(outcome)
        )
        if self.purged_newest is None or at > self.purged_newest[0]:
            self.purged_newest = (at, seq)
        return at

    def _dates(self, seq: int, at: datetime | None) -> None:
        if at is not None:
            if self.newest_at is None or at > self.newest_at:
                self.newest_at = at
            if self.last_signed_at is not None and at < self.last_signed_at - MARGIN:
                raise _Broken(
                    seq,
                    f"l'entrée {seq} est datée du {_when(at)}, avant le point de contrôle "
                    f"signé le {_when(self.last_signed_at)} qui ne la contient pas : elle a "
                    "été ajoutée ou antidatée après coup",
                )
            if self.since_newest is None or at > self.since_newest[0]:
                self.since_newest = (at, seq)
        if self.since_oldest is None or (
            self.since_oldest[0] is not None and (at is None or at < self.since_oldest[0])
        ):
            self.since_oldest = (at, seq)

    # -- checkpoints -------------------------------------------------------------

    def at_size(self) -> None:
        """Check the signed and kept checkpoints of the current size, if any."""
        count = self.count
        kept = self.kept
        if kept is not None and kept.size == count:
            if not hmac.compare_digest(kept.root, self._root()):
                raise _Broken(
                    max(count - 1, 0),
                    f"les {count} premières entrées ne correspondent pas au point de contrôle "
                    "que vous avez gardé : le journal a été réécrit",
                )
        stored = self.checkpoints.get(count)
        if stored is None:
            return
        seq = max(count - 1, 0)
        try:
            checkpoint = verify_checkpoint_by(stored.note, self.verifiers, origin=self.origin)
            signed_at = checkpoint_time(checkpoint)
        except NoteError:
            raise _Broken(
                seq, f"le point de contrôle de taille {count} n'est pas signé par le serveur"
            ) from None
        if checkpoint.size != count or not hmac.compare_digest(checkpoint.root, self._root()):
            raise _Broken(
                seq,
                f"les {count} premières entrées ne correspondent plus au point de contrôle "
                "signé (une entrée a été réécrite, ajoutée ou retirée)",
            )
        if stored.root is not None and stored.root != checkpoint.root:
            raise _Broken(seq, f"le point de contrôle de taille {count} a été modifié (racine)")
        if signed_at is not None:
            if stored.created_at is not None and stored.created_at != signed_at:
                raise _Broken(seq, f"le point de contrôle de taille {count} a été modifié (date)")
            if self.last_signed_at is not None and signed_at < self.last_signed_at - MARGIN:
                raise _Broken(
                    seq,
                    f"le point de contrôle de taille {count} est signé avant le précédent",
                )
            newest = self.since_newest
            if newest is not None and newest[0] > signed_at + MARGIN:
                raise _Broken(
                    newest[1],
                    f"l'entrée {newest[1]} est datée du {_when(newest[0])}, après le point "
                    f"de contrôle signé le {_when(signed_at)} qui la contient",
                )
            self.last_signed_at = signed_at
        self.checked += 1
        self.signed_size = count
        self.signed_note = stored.note
        self.since_oldest = None
        self.since_newest = None

    def _root(self) -> bytes:
        return self.frontier.root() if self.count else EMPTY_ROOT

    # -- after the last entry ------------------------------------------------------

    def finish(self, expected_size: int | None, head: StoredHead | None) -> None:
        count = self.count
        beyond = sorted(size for size in self.checkpoints if size > count)
        if beyond:
            raise _Broken(
                count,
                f"le journal s'arrête à {count} entrées, mais un point de contrôle signé en "
                f"compte {beyond[0]} : des entrées ont été supprimées",
            )
        if expected_size is not None and expected_size != count:
            raise _Broken(
                count,
                f"le journal compte {count} entrées au lieu de {expected_size} : "
                "des entrées ont été supprimées",
            )
        if self.kept is not None and self.kept.size > count:
            raise _Broken(
                count,
                f"le journal s'arrête à {count} entrées, mais le point de contrôle que vous "
                f"avez gardé en compte {self.kept.size} : des entrées ont été retirées "
                "(retour en arrière)",
            )
        if head is not None:
            self._head(head)
        self.missing_bodies()
        if self.contents:  # without bodies, the retention records cannot be read
            self._retention()
        self._coverage()

    def missing_bodies(self) -> None:
        """Every body missing where no recorded retention run removed it, named: past
        the prefix the newest record names, after an entry with a body, or with a column
        a purge clears."""
        record = self.record
        upto = record.upto if record is not None else 0
        beyond = range(upto, self.purged) if self.contents else range(0)
        seqs = sorted({*beyond, *self.unrecorded})
        if not seqs:
            return
        first, others = seqs[0], seqs[1:]
        if first in self.uncleared:
            why = f"(elle garde la colonne {self.uncleared[first]}, qu'une telle opération vide)"
        elif record is not None:
            why = f"(la dernière, entrée {record.seq}, s'arrête avant l'entrée {record.upto})"
        else:
            why = "(seules les plus anciennes entrées peuvent l'être)"
        message = (
            f"l'entrée {first} n'a plus de contenu, alors qu'aucune opération de "
            f"conservation enregistrée ne l'a effacée {why}"
        )
        if others:
            message += f" ; de même : {_seqs(others)} ({len(seqs)} en tout)"
        raise _Broken(first, message)

    def _head(self, head: StoredHead) -> None:
        try:
            frontier_root = CompactRange.decode(head.frontier).root()
        except (ValueError, ProofError):
            frontier_root = b""
        if (
            head.size != self.count
            or head.chain != self.chain
            or not hmac.compare_digest(frontier_root, self._root())
        ):
            raise _Broken(
                self.count,
                "la tête du journal (audit_head) ne correspond pas aux entrées : "
                "elle a été modifiée",
            )

    def _retention(self) -> None:
        record, purged = self.record, self.purged
        if record is None:
            if purged:
                raise _Broken(
                    0,
                    "l'entrée 0 n'a plus de contenu, alors qu'aucune opération de "
                    "conservation enregistrée ne l'a effacée",
                )
            return
        if record.upto < purged:
            raise _Broken(
                record.upto,
                f"l'entrée {record.upto} n'a plus de contenu, alors que la dernière opération "
                f"de conservation (entrée {record.seq}) s'arrête avant elle",
            )
        if record.upto > purged:
            raise _Broken(
                purged,
                f"l'opération de conservation de l'entrée {record.seq} dit avoir effacé les "
                f"entrées 0 à {record.upto - 1}, mais l'entrée {purged} a encore son contenu",
            )
        if not self.kept_known:
            raise _Broken(
                0,
                "les entrées effacées par la conservation n'ont plus leur date, leur action "
                "ou leur résultat : impossible de les vérifier",
            )
        if not hmac.compare_digest(self.kept_digest, record.kept_digest):
            raise _Broken(
                0,
                f"la date, l'action ou le résultat d'une des entrées 0 à {purged - 1} "
                "(effacées par la conservation) a été modifié",
            )
        newest = self.purged_newest
        if newest is not None and newest[0] >= record.cutoff:
            raise _Broken(
                newest[1],
                f"l'entrée {newest[1]} (du {_when(newest[0])}) a été effacée avant la fin de "
                "sa durée de conservation",
            )

    def _coverage(self) -> None:
        oldest, newest_at = self.since_oldest, self.newest_at
        if oldest is None or newest_at is None:
            return
        at, seq = oldest
        limit = newest_at - timedelta(seconds=self.cover_seconds) - MARGIN
        if at is None or at < limit:
            dated = f" (du {_when(at)})" if at is not None else ""
            minutes = (self.cover_seconds + int(MARGIN.total_seconds())) // 60
            raise _Broken(
                seq,
                f"l'entrée {seq}{dated} n'est couverte par aucun point de contrôle signé, "
                f"alors que l'entrée la plus récente (du {_when(newest_at)}) date de plus "
                f"de {minutes} minutes après elle : des points de contrôle ont été "
                "supprimés, ou le journal a été réécrit ou complété après coup",
            )


def verify(
    entries: Iterable[Stored],
    checkpoints: Iterable[StoredCheckpoint],
    verifier: Verifier | Sequence[Verifier],
    origin: str,
    *,
    cover_seconds: int,
    expected_size: int | None = None,
    head: StoredHead | None = None,
    kept: Checkpoint | None = None,
    contents: bool = True,
) -> Report:
    """Check every entry and every signed checkpoint; stop at the first broken link.

    ``verifier``: the log's key, or every key of its history (``auditlog.keys.follow``):
    a checkpoint signed by any of them is the log's. ``kept``: a checkpoint someone
    kept, already verified with the log's key (``log.read_kept_checkpoint``)."""
    verifiers = (verifier,) if isinstance(verifier, Verifier) else tuple(verifier)
    walk = _Walk(checkpoints, verifiers, origin, kept, cover_seconds, contents)
    try:
        walk.at_size()
        for stored in entries:
            walk.entry(stored)
        walk.finish(expected_size, head)
    except _Broken as broken:
        problem, seq = broken.message, broken.seq
        if walk.unrecorded and walk.unrecorded[0] < seq:
            try:  # bodies missing before the break: named first
                walk.missing_bodies()
            except _Broken as missing:
                problem, seq = f"{missing.message} ; puis : {problem}", missing.seq
        return _report(walk, head, ok=False, seq=seq, problem=problem)
    return _report(walk, head, ok=True)


def _report(
    walk: _Walk,
    head: StoredHead | None,
    *,
    ok: bool,
    seq: int | None = None,
    problem: str | None = None,
) -> Report:
    return Report(
        ok=ok,
        entries=walk.count,
        checkpoints=walk.checked,
        unsigned_tail=walk.count - walk.signed_size,
        problem_seq=seq,
        problem=problem,
        signed_size=walk.signed_size,
        last_signed_at=walk.last_signed_at,
        signed_note=walk.signed_note,
        purged=walk.purged,
        retention=walk.record,
        kept=walk.kept.size if walk.kept is not None else None,
        newest_at=walk.newest_at,
        cover_seconds=walk.cover_seconds,
        columns=walk.columns_everywhere and walk.count > 0,
        head=head is not None,
        contents=walk.contents,
    )


def check_entry(stored: Stored) -> str | None:
    """What is wrong with an entry that has its body, in French; None if it verifies
    (body against leaf hash, number, form, every column against the event)."""
    try:
        _checked_event(stored)
    except _Broken as broken:
        return broken.message
    return None


def _checked_event(stored: Stored) -> tuple[dict[str, Any], datetime]:
    seq = stored.seq
    if stored.body is None or stored.salt is None:
        raise _Broken(seq, f"l'entrée {seq} n'a plus de contenu")
    try:
        event = json.loads(stored.body)
    except ValueError:
        raise _Broken(seq, f"l'entrée {seq} a été modifiée (contenu illisible)") from None
    if not isinstance(event, dict) or event.get("seq") != seq or event.get("v") != FORMAT:
        raise _Broken(seq, f"l'entrée {seq} a été modifiée (numéro d'ordre)")
    try:
        leaf = event_leaf_hash(event, stored.salt)
    except (ValueError, ProofError):
        raise _Broken(seq, f"l'entrée {seq} a été modifiée (contenu illisible)") from None
    if not hmac.compare_digest(leaf, stored.leaf_hash):
        raise _Broken(seq, f"l'entrée {seq} a été modifiée (contenu)")
    if json.dumps(event, ensure_ascii=False, sort_keys=True) != stored.body:
        raise _Broken(seq, f"l'entrée {seq} a été réécrite (forme du contenu)")
    try:
        at = parse_at(str(event.get("at")))
    except ValueError:
        raise _Broken(seq, f"l'entrée {seq} a été modifiée (date illisible)") from None
    for column, value in stored.columns.items():
        if column == "at":
            if _column_at(value) != event["at"]:
                raise _Broken(seq, f"l'entrée {seq} a été modifiée (colonne at)")
        elif column in _EVENT_OF_COLUMN and value != _field(event, _EVENT_OF_COLUMN[column]):
            raise _Broken(seq, f"l'entrée {seq} a été modifiée (colonne {column})")
    return event, at


def _field(event: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = event
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _column_at(value: Any) -> str:
    return at_text(value) if isinstance(value, datetime) else str(value)


# -- reading the database ---------------------------------------------------------


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
        db.expunge_all()


def stored_of(row: AuditEntry) -> Stored:
    return Stored(
        seq=row.seq,
        body=row.body,
        salt=row.salt,
        leaf_hash=row.leaf_hash,
        chain=row.chain,
        columns={column: getattr(row, column) for column in DB_COLUMNS},
        commitment=row.commitment,
    )


def stored_checkpoints(db: DbSession) -> list[StoredCheckpoint]:
    rows = db.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size)).all()
    return [StoredCheckpoint(r.size, r.note, r.root, r.created_at) for r in rows]


def stored_head(db: DbSession) -> StoredHead:
    head = db.get_one(AuditHead, HEAD_ID)
    return StoredHead(head.size, head.chain, head.frontier)
