"""The retention job: every kind of data with its period, and one run over them all.

``Retention.run`` works in units of work of ``BATCH`` rows of each kind. A unit of work
holds the job's lock (``coffre.db.engine.hold``: a PostgreSQL advisory lock, SQLite's
write lock), purges a batch of the audit trail (``AuditLog.purge_batch``, recorded by
its ``audit.retention`` entry), deletes the other kinds, and appends one
``retention.data`` entry saying how many rows of each kind went and under which rule,
in the same transaction: nothing is removed unrecorded, nothing recorded that was not
removed. Runs at the same time (the hourly
job in several processes, an operator's command) take turns; the cutoffs are the same
all day (``cutoff_of``), so the first run removes and records and the others find
nothing: one effective run per cutoff, and an idle run writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session as DbSession

from coffre.audit import trail as audit
from coffre.audit.log import AuditLog, Purged
from coffre.audit.retention import cutoff_of
from coffre.clock import Clock
from coffre.db.engine import Database, hold
from coffre.retention import repository
from coffre.settings import Settings

ACTION = "retention.data"
BATCH = 5000
"""Rows of each kind per unit of work (the job's lock is held meanwhile)."""
LOCK = "coffre/retention"

Delete = Callable[[DbSession, datetime, int], int]


@dataclass(frozen=True)
class Kind:
    """One kind of data the job removes: its name (the record's key), its period in
    days, and the deletions that apply it, in order."""

    name: str
    days: int
    deletes: tuple[Delete, ...]


@dataclass(frozen=True)
class Run:
    """What one run did: the audit purge, and the rows of each other kind removed."""

    audit: Purged
    removed: dict[str, int]
    records: tuple[int, ...]  # seq of each retention.data entry appended

    @property
    def total(self) -> int:
        return sum(self.removed.values())


class Retention:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        audit_log: AuditLog,
        *,
        batch: int = BATCH,
    ) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit_log
        self._batch = batch
        self._window = timedelta(seconds=settings.login_window_seconds)
        self.kinds = (
            Kind(
                "login_failures",
                settings.login_failures_retention_days,
                (repository.login_failures,),
            ),
            Kind("sessions", settings.sessions_retention_days, (repository.sessions,)),
            Kind(
                "notification_deliveries",
                settings.notification_deliveries_retention_days,
                (repository.notification_deliveries,),
            ),
            Kind(
                "webhook_deliveries",
                settings.webhook_deliveries_retention_days,
                (repository.webhook_deliveries, repository.webhook_messages),
            ),
            Kind(
                "erased_accounts",
                settings.erased_accounts_retention_days,
                (repository.erased_deliveries, repository.erased_notifications),
            ),
        )

    def cutoffs(self, now: datetime) -> dict[str, datetime]:
        """Each kind's cutoff at ``now``: what is dated before it goes."""
        found = {kind.name: cutoff_of(now, kind.days) for kind in self.kinds}
        # A failure inside the throttling window still counts: never removed, whatever
        # the window (COFFRE_LOGIN_WINDOW_SECONDS has no upper bound).
        found["login_failures"] = min(found["login_failures"], now - self._window)
        return found

    def run(self) -> Run:
        """One run: the audit trail's bodies and every other kind, batch by batch, all
        recorded. AuditTrailAltered, and nothing of that batch removed, if an entry to
        purge does not verify."""
        entries, upto = 0, 0
        audit_records: list[int] = []
        removed = {kind.name: 0 for kind in self.kinds}
        records: list[int] = []
        while True:
            with self._db.unit_of_work(write=True) as db:
                purged, batch, full, record = self._batch_once(db)
            entries += purged.entries
            audit_records.extend(purged.records)
            upto = max(upto, purged.upto)
            for name, count in batch.items():
                removed[name] += count
            if record is not None:
                records.append(record)
            # A deletion that filled its batch may have more to remove.
            if not full and purged.entries < self._batch:
                return Run(Purged(entries, tuple(audit_records), upto), removed, tuple(records))

    def _batch_once(self, db: DbSession) -> tuple[Purged, dict[str, int], bool, int | None]:
        """One unit of work: the audit purge's batch, the rows removed per kind, whether
        a deletion filled its batch, the record's seq (None when nothing was removed)."""
        hold(db, LOCK)
        # Read after the lock: a run that waited sees what the one before it removed.
        now = self._clock.now()
        purged = self._audit.purge_batch(db, now, self._batch)
        cutoffs = self.cutoffs(now)
        removed: dict[str, int] = {}
        full = False
        for kind in self.kinds:
            counts = [delete(db, cutoffs[kind.name], self._batch) for delete in kind.deletes]
            removed[kind.name] = sum(counts)
            full = full or any(count >= self._batch for count in counts)
        if not any(removed.values()):
            return purged, removed, False, None
        details: dict[str, Any] = {
            "removed": {name: count for name, count in removed.items() if count},
            "rules": {
                kind.name: {"days": kind.days, "cutoff": audit.at_text(cutoffs[kind.name])}
                for kind in self.kinds
            },
        }
        row = audit.append(db, audit.Entry(action=ACTION, details=details), now)
        return purged, removed, full, row.seq
