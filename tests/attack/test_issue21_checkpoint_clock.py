"""Attack (a careless operator's clock): the checkpoint leader (AuditLog.checkpoint_if_due)
declines while the last checkpoint is younger than one interval. A host whose clock ran
ahead when it signed (a VM restored, NTP fixed a day late) must not stop signing until
the real time catches up with that date: entries left unsigned for that long are
entries a database administrator can rewrite unseen (issue 21; both backends)."""

from __future__ import annotations

from sqlalchemy import func, select

from coffre.audit import trail
from coffre.audit.log import AuditLog
from coffre.audit.models import AuditCheckpoint
from coffre.clock import FrozenClock
from coffre.db.engine import Database, make_engine
from coffre.settings import Settings


def test_a_checkpoint_dated_ahead_of_the_clock_does_not_stop_the_signing(
    backend: str, settings: Settings, clock: FrozenClock
) -> None:
    db = Database(make_engine(settings.database_url))
    try:
        log = AuditLog(db, settings, clock)

        def append() -> None:
            with db.unit_of_work() as session:
                trail.append(session, trail.by(None, "audit.test"), clock.now())

        def signed() -> int:
            with db.unit_of_work() as session:
                return int(session.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0)

        append()
        clock.advance(days=30)  # the host's clock a month ahead
        assert log.checkpoint_if_due() is not None
        before = signed()
        clock.advance(days=-30)  # put right
        append()
        clock.advance(seconds=settings.audit_checkpoint_seconds)
        assert log.checkpoint_if_due() is not None, "no checkpoint until the clock catches up"
        assert signed() == before + 1
        # And the leader's interval holds again from there.
        append()
        assert log.checkpoint_if_due() is None
    finally:
        db.dispose()
