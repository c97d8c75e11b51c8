"""The audit log as a service: signed checkpoints, the published key, verification,
the verifiable export, and the retention purge.

The checkpoint key is the log's own key, in ``COFFRE_AUDIT_KEY_FILE``, with its
history of rotations (``coffre.audit.keys``, auditlog/SPEC.md §6). Its verifier key
(Go sumdb/note format: ``name+keyid+base64``) is public at ``GET /api/v1/audit/key``,
the history at ``GET /api/v1/audit/log/keys``; whoever keeps a copy can check any
exported log and any checkpoint the server shows later. Someone who can write to the
database but does not hold the key cannot sign.

A checkpoint is signed by ``checkpoint()`` (the server at start-up and every
``COFFRE_AUDIT_CHECKPOINT_SECONDS``, ``coffre jobs checkpoint``, and each export) when
the log has grown since the last one; it carries its signing time
(``checkpoint.timestamp_extension``), equal to its row's ``created_at``.

What ``verify`` checks, and what it cannot: ``coffre.audit.verification``. The purge at
the end of retention: ``coffre.audit.retention``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session as DbSession

from auditlog.checkpoint import (
    Checkpoint,
    sign_checkpoint,
    timestamp_extension,
    verify_checkpoint_by,
)
from auditlog.keys import follow
from auditlog.merkle import CompactRange
from auditlog.note import NoteError, Signer, Verifier, format_verifier_key, parse_verifier_key
from coffre.audit import keys, retention
from coffre.audit import trail as audit
from coffre.audit.errors import (
    AuditExportInvalid,
    AuditTrailAltered,
    KeptCheckpointInvalid,
)
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from coffre.audit.served import ServedLog, fill_nodes
from coffre.audit.trail import HEAD_ID, at_text
from coffre.audit.verification import (
    Report,
    Stored,
    StoredCheckpoint,
    check_entry,
    stored_checkpoints,
    stored_head,
    stored_of,
    stored_rows,
    verify,
)
from coffre.clock import Clock, as_utc
from coffre.db.engine import Database
from coffre.settings import Settings
from crypto import b64decode, b64encode
from crypto.errors import InvalidInputError

EXPORT_FORMAT = "coffre-audit-log/v1"
PSEUDONYMOUS = "pseudonymous"
"""``contents`` of an export without bodies or salts (the charter officer's)."""

EntryView = Callable[[AuditEntry], dict[str, Any]]
"""What an export without bodies shows of an entry (coffre.audit.console)."""
DEFAULT_COVER_SECONDS = 300
"""The checkpoint interval assumed when checking an export (the default setting)."""
CHECKPOINT_LEADER_LOCK = int.from_bytes(b"coffrecp", "big", signed=True)
"""PostgreSQL advisory lock of the checkpoint job's leader (``checkpoint_if_due``)."""


@dataclass(frozen=True)
class SignedCheckpoint:
    size: int
    root: bytes
    note: str


@dataclass(frozen=True)
class Purged:
    """What ``purge_expired`` did: entries whose content went, and the records it wrote."""

    entries: int
    records: tuple[int, ...]  # seq of each audit.retention entry appended
    upto: int  # entries [0, upto) have no content now


class AuditLog:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.origin = settings.audit_origin
        self.cover_seconds = settings.audit_checkpoint_seconds
        self.retention_days = settings.audit_retention_days
        self._signer = keys.load_signer(settings)
        self._legacy = keys.legacy_signer(settings)
        # The tiles, bundles and proofs of the signed tree (the public routes).
        self.served = ServedLog(db)

    @property
    def verifier(self) -> Verifier:
        return self._signer.verifier

    @property
    def verifier_key(self) -> str:
        """The public key to publish (``origin+keyid+base64``, Go sumdb/note format)."""
        verifier = self._signer.verifier
        return format_verifier_key(verifier.name, verifier.public_key)

    @property
    def signer(self) -> Signer:
        """The key the log signs with (for ``coffre audit key rotate`` only)."""
        return self._signer

    def verifiers(self) -> tuple[Verifier, ...]:
        """Every key of the log's history, followed from the first (auditlog/SPEC.md §6).

        Before the history is written (no checkpoint signed since this version), the
        key earlier versions derived and the key file's: checkpoints already signed stay
        verifiable. AuditKeyInvalid if the stored history does not verify."""
        with self._db.unit_of_work() as db:
            found = keys.verifiers_of(keys.history(db), self.origin)
        return found or (self._legacy.verifier, self._signer.verifier)

    def key_history(self) -> list[tuple[str, str | None]]:
        """``(verifier key, rotation statement)`` pairs, oldest first."""
        with self._db.unit_of_work() as db:
            return [(r.verifier_key, r.statement) for r in keys.history(db)]

    def rotate_key(self, new: Signer) -> str:
        """Record the rotation from the key file in use to ``new``; returns the statement."""
        with self._db.unit_of_work() as db:
            db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=AuditHead.size))
            now = self._clock.now()
            keys.ensure_history(db, self._signer, self._legacy, now)
            return keys.rotate(db, self._signer, new, now)

    def size(self) -> int:
        with self._db.unit_of_work() as db:
            return db.get_one(AuditHead, HEAD_ID).size

    def checkpoint(self) -> SignedCheckpoint:
        """Sign the log's current head if it grew since the last checkpoint."""
        # Without an interval to check, it always signs or returns the last one.
        return cast(SignedCheckpoint, self._sign(every_seconds=None))

    def checkpoint_if_due(self) -> SignedCheckpoint | None:
        """The checkpoint job's turn, in every app process or worker at once: sign the
        head only if this process leads and the last checkpoint is at least one interval
        (``COFFRE_AUDIT_CHECKPOINT_SECONDS``) old, so the processes together sign one
        checkpoint per interval, not one each (issue 21). None when it declined.

        Decided in the database, in the signing transaction itself: on PostgreSQL the
        leader holds ``pg_try_advisory_xact_lock`` (the others do not wait: they
        decline at once); everywhere, the head's row lock orders the signers and the
        last checkpoint's time is read after it, so a second signer sees the first
        one's checkpoint, young, and declines.
        """
        return self._sign(every_seconds=self.cover_seconds)

    def _sign(self, every_seconds: int | None) -> SignedCheckpoint | None:
        with self._db.unit_of_work() as db:
            if every_seconds is not None and not _lead(db):
                return None
            # The head's lock first (as append does): two signers (replicas starting
            # together, the job and an export) take turns, and the second one finds
            # the first one's checkpoint instead of failing on its primary key.
            db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=AuditHead.size))
            head = db.execute(
                select(AuditHead)
                .where(AuditHead.id == HEAD_ID)
                .execution_options(populate_existing=True)
            ).scalar_one()
            last = db.scalars(
                select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
            ).first()
            now = self._clock.now()
            # The key file is checked at every turn, even with nothing new to sign: a
            # server started with a key that is not this log's says so at its first
            # round, not at the first entry after it.
            keys.ensure_history(db, self._signer, self._legacy, now)
            if last is not None and last.size == head.size:
                return SignedCheckpoint(last.size, last.root, last.note)
            # A last checkpoint dated AHEAD of the clock (signed while the host's clock ran
            # ahead, then put right) is not "young": declining until the clock caught up
            # with it would leave every entry unsigned for that long.
            if (
                every_seconds is not None
                and last is not None
                and 0 <= (now - as_utc(last.created_at)).total_seconds() < every_seconds
            ):
                return None
            root = CompactRange.decode(head.frontier).root()
            checkpoint = Checkpoint(self.origin, head.size, root, (timestamp_extension(now),))
            note = sign_checkpoint(checkpoint, self._signer)
            db.add(AuditCheckpoint(size=head.size, root=root, note=note, created_at=now))
            signed = SignedCheckpoint(head.size, root, note)
        # The tiles' upper hashes, outside the head's lock (the leaves they cover never
        # change): a cache the served tiles read (coffre.audit.served).
        with self._db.unit_of_work() as db:
            fill_nodes(db, signed.size)
        return signed

    def latest_checkpoint(self) -> SignedCheckpoint:
        """The last signed checkpoint; the first one is signed when none exists yet."""
        with self._db.unit_of_work() as db:
            last = db.scalars(
                select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
            ).first()
            if last is not None:
                return SignedCheckpoint(last.size, last.root, last.note)
        return self.checkpoint()

    def verify(self, kept: str | None = None) -> Report:
        """Check the database's trail from its first entry to its head.

        ``kept``: the text of a checkpoint someone kept (``read_kept_checkpoint``); the
        trail must extend it. KeptCheckpointInvalid if it is not this log's."""
        verifiers = self.verifiers()
        checkpoint = read_kept_checkpoint(kept, verifiers, self.origin) if kept else None
        with self._db.unit_of_work() as db:
            head = stored_head(db)
            checkpoints = stored_checkpoints(db)
            return verify(
                stored_rows(db),
                checkpoints,
                verifiers,
                self.origin,
                cover_seconds=self.cover_seconds,
                expected_size=head.size,
                head=head,
                kept=checkpoint,
            )

    def export_lines(self, view: EntryView | None = None) -> Iterator[str]:
        """The verifiable log as JSON lines: a header, every entry, every checkpoint.

        Signs a fresh checkpoint first, so the export is covered to its last entry.
        The header names the log's keys and their rotation statements.

        ``view``: an export without bodies or salts (the charter officer's): each entry
        carries ``view(row)`` — what the console shows of it, persons as pseudonyms —
        and its commitment, leaf hash and chain. Such an export proves that its entries'
        commitments are the signed log, in order and complete; it cannot prove what an
        entry says (``contents`` false in the report).
        """
        self.checkpoint()
        verifiers = self.verifiers()
        with self._db.unit_of_work() as db:
            size = db.get_one(AuditHead, HEAD_ID).size
            checkpoints = stored_checkpoints(db)
            statements = [r.statement for r in keys.history(db) if r.statement]
            header: dict[str, Any] = {
                "format": EXPORT_FORMAT,
                "origin": self.origin,
                "verifier_key": self.verifier_key,
                "verifier_keys": [format_verifier_key(v.name, v.public_key) for v in verifiers],
                "key_statements": statements,
                "size": size,
            }
            if view is not None:
                header["contents"] = PSEUDONYMOUS
                yield _line(header)
                yield from _viewed_entries(db, size, view)
            else:
                yield _line(header)
                yield from _full_entries(db, size)
            for checkpoint in checkpoints:
                if checkpoint.size <= size:
                    yield _line({"checkpoint": checkpoint.size, "note": checkpoint.note})

    def purge_batch(self, db: DbSession, now: datetime, limit: int = retention.BATCH) -> Purged:
        """One batch of ``purge_expired`` in the caller's unit of work (the retention job,
        coffre/retention/, which holds its own lock around it and the other kinds)."""
        entries, record, upto = _purge_batch(db, now, self.retention_days, limit)
        return Purged(entries, (record,) if entries else (), upto)

    def purge_expired(self, limit: int = retention.BATCH) -> Purged:
        """Remove the content of every entry older than the retention period, recording
        each batch in the trail (``coffre.audit.retention``). AuditTrailAltered, and
        nothing removed, if an entry to purge does not verify."""
        purged, upto = 0, 0
        records: list[int] = []
        while True:
            with self._db.unit_of_work() as db:
                batch, record_seq, upto = _purge_batch(
                    db, self._clock.now(), self.retention_days, limit
                )
            if not batch:
                return Purged(purged, tuple(records), upto)
            purged += batch
            records.append(record_seq)


def _purge_batch(
    db: DbSession, now: datetime, retention_days: int, limit: int
) -> tuple[int, int, int]:
    """One purge in the caller's unit of work: (entries purged, record seq, upto)."""
    # Lock the head first (as append does): two purges run one after the other, and no
    # entry is appended between reading the previous record and writing the new one.
    db.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(size=AuditHead.size))
    previous = _latest_record(db)
    start = previous.upto if previous is not None else 0
    digest = previous.kept_digest if previous is not None else retention.GENESIS
    cutoff = retention.cutoff_of(now, retention_days)
    # In sequence order from where the last purge stopped: reads the old entries only
    # (a min() over ``at >= cutoff`` would read the whole retention window).
    first_kept = db.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.seq >= start, AuditEntry.seq < start + limit, AuditEntry.at >= cutoff)
        .order_by(AuditEntry.seq)
        .limit(1)
    )
    size = db.get_one(AuditHead, HEAD_ID).size
    upto = min(first_kept if first_kept is not None else size, start + limit)
    if upto <= start:
        return 0, 0, start
    rows = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.seq >= start, AuditEntry.seq < upto)
        .order_by(AuditEntry.seq)
    ).all()
    if [row.seq for row in rows] != list(range(start, upto)):
        raise AuditTrailAltered()
    for row in rows:
        if row.body is None or check_entry(stored_of(row)) is not None:
            raise AuditTrailAltered()
        digest = retention.kept_digest_next(
            digest, row.seq, at_text(row.at), row.action, row.outcome
        )
    cleared: dict[str, Any] = {column: None for column in retention.CLEARED_COLUMNS}
    db.execute(
        update(AuditEntry)
        .where(AuditEntry.seq >= start, AuditEntry.seq < upto)
        .values(body=None, salt=None, **cleared)
    )
    details = retention.record_details(start, upto, cutoff, retention_days, digest)
    row = audit.append(db, audit.Entry(action=retention.ACTION, details=details), now)
    return upto - start, row.seq, upto


def _latest_record(db: DbSession) -> retention.RetentionRecord | None:
    row = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == retention.ACTION)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    if row.body is None or check_entry(stored_of(row)) is not None:
        raise AuditTrailAltered()
    try:
        return retention.parse_record(json.loads(row.body))
    except (ValueError, KeyError) as exc:
        raise AuditTrailAltered() from exc


def _full_entries(db: DbSession, size: int) -> Iterator[str]:
    """Every entry with its body and salt (the operator's export)."""
    for stored in stored_rows(db):
        if stored.seq >= size:
            break
        yield _line(
            {
                "seq": stored.seq,
                "at": at_text(stored.columns["at"]),
                "action": stored.columns["action"],
                "outcome": stored.columns["outcome"],
                "body": stored.body,
                "salt": b64encode(stored.salt) if stored.salt is not None else None,
                "leaf_hash": b64encode(stored.leaf_hash),
                "chain": b64encode(stored.chain),
            }
        )


def _viewed_entries(db: DbSession, size: int, view: EntryView) -> Iterator[str]:
    """Every entry as ``view`` shows it, with its commitment: no body, no salt."""
    last = -1
    while last + 1 < size:
        rows = db.scalars(
            select(AuditEntry)
            .where(AuditEntry.seq > last, AuditEntry.seq < size)
            .order_by(AuditEntry.seq)
            .limit(1000)
        ).all()
        if not rows:
            return
        for row in rows:
            yield _line(
                {
                    "seq": row.seq,
                    "at": at_text(row.at),
                    "action": row.action,
                    "outcome": row.outcome,
                    "entry": view(row),
                    "commitment": b64encode(row.commitment) if row.commitment else None,
                    "leaf_hash": b64encode(row.leaf_hash),
                    "chain": b64encode(row.chain),
                }
            )
        last = rows[-1].seq
        db.expunge_all()


def read_kept_checkpoint(
    text: str, verifier: Verifier | Sequence[Verifier], origin: str
) -> Checkpoint:
    """The checkpoint in a file someone kept, verified with the log's key (or any key of
    its history).

    The file is a signed checkpoint note (``GET /api/v1/audit/checkpoint``), an export of
    the log (its largest checkpoint), or a person's export ``manifest.json``
    (``audit.checkpoint``). KeptCheckpointInvalid otherwise."""
    notes: list[str] = []
    text = text.replace("\r\n", "\n")  # saved on Windows: the signature still decides
    stripped = text.lstrip()
    try:
        if stripped.startswith("{"):
            first = stripped.split("\n", 1)[0]
            item = json.loads(first)
            if isinstance(item, dict) and item.get("format") == EXPORT_FORMAT:
                for line in stripped.splitlines()[1:]:
                    entry = json.loads(line)
                    if isinstance(entry, dict) and "checkpoint" in entry:
                        notes.append(str(entry["note"]))
            else:
                manifest = json.loads(stripped)
                notes.append(str(manifest["audit"]["checkpoint"]))
        else:
            notes.append(text)
        verifiers = (verifier,) if isinstance(verifier, Verifier) else tuple(verifier)
        checkpoints = [verify_checkpoint_by(note, verifiers, origin=origin) for note in notes]
    except (ValueError, KeyError, TypeError, NoteError) as exc:
        raise KeptCheckpointInvalid() from exc
    if not checkpoints:
        raise KeptCheckpointInvalid()
    return max(checkpoints, key=lambda c: c.size)


def verify_export(
    lines: Iterable[str],
    verifier_key: str | None = None,
    *,
    cover_seconds: int = DEFAULT_COVER_SECONDS,
    kept: str | None = None,
) -> Report:
    """Check an exported log. ``verifier_key``: the key you trust (default: the keys
    written in the export — then only the export's own consistency is proven); the
    export's rotation statements lead from it to the log's other keys (auditlog/SPEC.md
    §6). ``kept``: a checkpoint you kept earlier (``read_kept_checkpoint``).
    An export without bodies (``contents``: pseudonymous, the officer's) is checked for
    its commitments, chain and checkpoints only. AuditExportInvalid if the file is not
    an export; KeptCheckpointInvalid."""
    iterator = iter(lines)
    try:
        header = json.loads(next(iterator))
        if not isinstance(header, dict) or header.get("format") != EXPORT_FORMAT:
            raise AuditExportInvalid()
        origin = str(header["origin"])
        size = int(header["size"])
        contents = header.get("contents") != PSEUDONYMOUS
        verifiers = _export_verifiers(header, verifier_key, origin)
        entries: list[Stored] = []
        checkpoints: list[StoredCheckpoint] = []
        for line in iterator:
            item: dict[str, Any] = json.loads(line)
            if "checkpoint" in item:
                checkpoints.append(StoredCheckpoint(int(item["checkpoint"]), str(item["note"])))
                continue
            columns = {k: item[k] for k in retention.KEPT_COLUMNS if k in item}
            if contents:
                body, salt, commitment = item["body"], item["salt"], None
            else:  # never a body or a salt in such an export, whatever the file says
                body, salt, commitment = None, None, item["commitment"]
            entries.append(
                Stored(
                    seq=int(item["seq"]),
                    body=body,
                    salt=b64decode(salt) if salt is not None else None,
                    leaf_hash=b64decode(item["leaf_hash"]),
                    chain=b64decode(item["chain"]),
                    columns=columns,
                    commitment=b64decode(commitment) if commitment is not None else None,
                )
            )
    except (StopIteration, ValueError, KeyError, TypeError, NoteError, InvalidInputError) as exc:
        raise AuditExportInvalid() from exc
    checkpoint = read_kept_checkpoint(kept, verifiers, origin) if kept else None
    return verify(
        entries,
        checkpoints,
        verifiers,
        origin,
        cover_seconds=cover_seconds,
        expected_size=size,
        kept=checkpoint,
        contents=contents,
    )


def _export_verifiers(
    header: dict[str, Any], verifier_key: str | None, origin: str
) -> tuple[Verifier, ...]:
    """The keys an export is checked with: the one given (and the keys its rotation
    statements lead to from it), or every key the export lists."""
    statements = [str(s) for s in header.get("key_statements") or []]
    if verifier_key is None:
        listed = header.get("verifier_keys") or [header["verifier_key"]]
        trusted = tuple(parse_verifier_key(str(k)) for k in listed)
        if not statements:
            return trusted
        return follow(trusted[0], statements, origin=origin)
    given = parse_verifier_key(verifier_key)
    try:
        return follow(given, statements, origin=origin)
    except NoteError as exc:
        if exc.code != "note_unknown_key":
            raise
        return (given,)  # not this log's key: the walk names the first checkpoint


def _line(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"


def count_entries(db: DbSession) -> int:
    return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def _lead(db: DbSession) -> bool:
    """Whether this transaction leads the checkpoint job (PostgreSQL: the advisory lock,
    released at commit; SQLite, one writer at a time: the head's lock decides alone)."""
    if db.connection().dialect.name != "postgresql":
        return True
    return bool(
        db.execute(
            text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": CHECKPOINT_LEADER_LOCK}
        ).scalar_one()
    )
