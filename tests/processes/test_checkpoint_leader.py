"""One checkpoint per interval, whatever the number of processes running the job: the
leader decides in the database (AuditLog.checkpoint_if_due)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from coffre.audit import trail
from coffre.audit.log import AuditLog
from coffre.audit.models import AuditCheckpoint, AuditHead
from coffre.clock import FrozenClock
from coffre.db.engine import Database, make_engine
from coffre.settings import Settings
from tests.concurrency import PARALLEL, burst


@pytest.fixture
def logs(settings: Settings, clock: FrozenClock) -> Iterator[list[AuditLog]]:
    """The audit log as three processes see it: three engines on the test's database."""
    databases = [Database(make_engine(settings.database_url)) for _ in range(3)]
    try:
        yield [AuditLog(db, settings, clock) for db in databases]
    finally:
        for db in databases:
            db.dispose()


def _signed(log: AuditLog) -> tuple[int, int]:
    """(how many checkpoints, the size the last one covers)."""
    with log._db.unit_of_work() as db:  # noqa: SLF001 - the test reads the rows
        count = db.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0
        size = db.scalar(select(func.max(AuditCheckpoint.size))) or 0
    return count, size


def _append(log: AuditLog, clock: FrozenClock, count: int) -> None:
    """Entries written by some process (a system action: no actor)."""
    with log._db.unit_of_work() as db:  # noqa: SLF001
        for _ in range(count):
            trail.append(db, trail.by(None, "audit.test"), clock.now())


def _head(log: AuditLog) -> int:
    with log._db.unit_of_work() as db:  # noqa: SLF001
        return int(db.scalars(select(AuditHead.size)).one())


def test_twenty_turns_over_three_processes_sign_one_checkpoint_per_interval(
    backend: str, settings: Settings, clock: FrozenClock, logs: list[AuditLog]
) -> None:
    _append(logs[0], clock, 3)
    before, _ = _signed(logs[0])
    burst(PARALLEL, lambda i: logs[i % 3].checkpoint_if_due())
    count, size = _signed(logs[0])
    assert (count, size) == (before + 1, _head(logs[0]))

    # The log grows within the interval: no one signs it yet.
    _append(logs[1], clock, 2)
    grown = _head(logs[0])
    clock.advance(seconds=settings.audit_checkpoint_seconds - 1)
    assert burst(PARALLEL, lambda i: logs[i % 3].checkpoint_if_due()) == [None] * PARALLEL
    assert _signed(logs[1]) == (count, size)

    # The interval has passed: one of them signs, once.
    clock.advance(seconds=1)
    burst(PARALLEL, lambda i: logs[i % 3].checkpoint_if_due())
    assert _signed(logs[2]) == (count + 1, grown)
