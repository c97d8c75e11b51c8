"""``coffre doctor``: what crashes left between the object store and the database.

The vault writes an object before the commit that records it and removes it if the
commit fails (CONVENTIONS §3), but a process killed between the two leaves a whole
object that no document names (an *orphan*); a killed local write leaves a temp file,
a killed S3 write an unfinished multipart upload (both *leftovers*, holding
ciphertext). The reverse, a live document whose object is gone, is data loss: it is
reported, never "repaired".

Anything younger than the grace period may be a write in progress (in this process
or another replica) and is left alone. ``examine`` only reads; ``repair`` removes
orphans and leftovers past the grace period and records what it removed in the audit
trail (counts and object keys: random names, no personal data). The app runs
``repair`` periodically (``COFFRE_DOCTOR_INTERVAL_SECONDS``); operators run
``coffre doctor [--repair]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from coffre.audit import trail as audit
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.errors import CoffreError
from coffre.storage import Leftover, ObjectStore
from coffre.vault import repository

log = logging.getLogger(__name__)

ORPHAN_OBJECT = "orphan_object"
MISSING_OBJECT = "missing_object"
TEMP_FILE = "temp_file"
MULTIPART_UPLOAD = "multipart_upload"
REPAIRABLE = (ORPHAN_OBJECT, TEMP_FILE, MULTIPART_UPLOAD)
_BATCH = 500
_KEYS_IN_AUDIT = 200  # the entry names at most this many keys; the counts are complete


@dataclass(frozen=True)
class Finding:
    kind: str  # ORPHAN_OBJECT | MISSING_OBJECT | TEMP_FILE | MULTIPART_UPLOAD
    name: str  # an object key, a temp file's name, an upload's key
    since: datetime | None  # when it was written or started (None: a missing object)
    size: int | None = None
    handle: str | None = None  # a leftover's handle (``Leftover.handle``)


@dataclass(frozen=True)
class Checkup:
    """What ``examine`` found (and, after ``repair``, what was removed)."""

    checked_at: datetime
    grace: timedelta
    findings: Sequence[Finding]
    removed: Sequence[Finding] = field(default_factory=tuple)
    failed: Sequence[Finding] = field(default_factory=tuple)
    # Both directions, counted (after a restore the operator compares them with the
    # backup's manifest): objects the store listed, live documents that name one.
    objects: int = 0
    documents: int = 0

    def count(self, kind: str, among: Iterable[Finding] | None = None) -> int:
        return sum(1 for f in (self.findings if among is None else among) if f.kind == kind)

    @property
    def healthy(self) -> bool:
        return not self.findings


class Doctor:
    def __init__(self, db: Database, store: ObjectStore, clock: Clock, grace: timedelta) -> None:
        self._db = db
        self._store = store
        self._clock = clock
        self.grace = grace

    def examine(self, grace: timedelta | None = None) -> Checkup:
        """List orphans, leftovers (past the grace period) and missing objects."""
        grace = self.grace if grace is None else grace
        now = self._clock.now()
        cutoff = now - grace
        findings: list[Finding] = []
        listed: set[str] = set()
        batch: list[tuple[str, int, datetime]] = []
        for item in self._store.list_objects():
            listed.add(item.key)
            if item.modified <= cutoff:
                batch.append((item.key, item.size, item.modified))
            if len(batch) >= _BATCH:
                findings.extend(self._orphans(batch))
                batch = []
        findings.extend(self._orphans(batch))
        for leftover in self._store.leftovers():
            if leftover.started <= cutoff:
                findings.append(
                    Finding(leftover.kind, leftover.name, leftover.started, handle=leftover.handle)
                )
        missing, documents = self._missing(listed, cutoff)
        findings.extend(missing)
        return Checkup(now, grace, tuple(findings), objects=len(listed), documents=documents)

    def repair(self, grace: timedelta | None = None) -> Checkup:
        """Remove what ``examine`` finds that can be removed; audited, idempotent."""
        checkup = self.examine(grace)
        removed: list[Finding] = []
        failed: list[Finding] = []
        for finding in checkup.findings:
            if finding.kind not in REPAIRABLE:
                continue
            try:
                if finding.kind == ORPHAN_OBJECT:
                    if not self._still_orphan(finding.name):
                        continue  # recorded meanwhile: not ours to remove
                    self._store.delete(finding.name)
                elif finding.since is not None and finding.handle is not None:
                    # One already gone (finished, or removed by another run) is no error.
                    leftover = Leftover(finding.kind, finding.name, finding.since, finding.handle)
                    self._store.remove_leftover(leftover)
            except CoffreError:
                log.warning(
                    "doctor: could not remove a %s; it is kept for the next run", finding.kind
                )
                failed.append(finding)
                continue
            removed.append(finding)
        if removed:
            self._record(removed, checkup)
        return Checkup(
            checkup.checked_at,
            checkup.grace,
            checkup.findings,
            tuple(removed),
            tuple(failed),
            checkup.objects,
            checkup.documents,
        )

    def run_job(self) -> int:
        """Background job: repair with the configured grace period; how many removed."""
        checkup = self.repair()
        missing = checkup.count(MISSING_OBJECT)
        if missing:
            log.error("doctor: %d live document(s) have no stored object", missing)
        return len(checkup.removed)

    # -- internals ----------------------------------------------------------------
    def _orphans(self, batch: Sequence[tuple[str, int, datetime]]) -> list[Finding]:
        if not batch:
            return []
        with self._db.unit_of_work() as db:
            known = repository.referenced_object_keys(db, [key for key, _, _ in batch])
        return [
            Finding(ORPHAN_OBJECT, key, modified, size)
            for key, size, modified in batch
            if key not in known
        ]

    def _still_orphan(self, key: str) -> bool:
        with self._db.unit_of_work() as db:
            return not repository.referenced_object_keys(db, [key])

    def _missing(self, listed: set[str], cutoff: datetime) -> tuple[list[Finding], int]:
        with self._db.unit_of_work() as db:
            expected = repository.live_object_keys(db, created_before=cutoff)
        missing = [Finding(MISSING_OBJECT, key, None) for key in expected if key not in listed]
        return missing, len(expected)

    def _record(self, removed: Sequence[Finding], checkup: Checkup) -> None:
        details = {
            "grace_seconds": int(checkup.grace.total_seconds()),
            "orphan_objects": checkup.count(ORPHAN_OBJECT, removed),
            "temp_files": checkup.count(TEMP_FILE, removed),
            "multipart_uploads": checkup.count(MULTIPART_UPLOAD, removed),
            "keys": sorted(f.name for f in removed if f.kind != TEMP_FILE)[:_KEYS_IN_AUDIT],
        }
        entry = audit.Entry(
            action="storage.repair", actor_role="operator", object_type="storage", details=details
        )
        with self._db.unit_of_work() as db:
            audit.append(db, entry, self._clock.now())
