"""Attack (a careless operator's clock): an upload slot is a lease of LEASE_SECONDS,
renewed while the body streams. A slot taken while the host's clock ran ahead, by a
process then killed (it never released it), must not keep counting once the clock is
put right until the real time catches up with its date: the account would be refused
its uploads (too_many_uploads) for as long as the clock was ahead (issue 21; both
backends)."""

from __future__ import annotations

from coffre.clock import FrozenClock
from coffre.db.engine import Database, make_engine
from coffre.ids import new_id
from coffre.settings import Settings
from coffre.uploads.slots import UploadCaps


def test_slots_left_by_a_clock_ahead_stop_counting_once_it_is_put_right(
    backend: str, settings: Settings, clock: FrozenClock
) -> None:
    db = Database(make_engine(settings.database_url))
    try:
        caps = UploadCaps(db, settings, clock)
        account = new_id()
        clock.advance(days=30)  # the host's clock a month ahead
        for _ in range(settings.uploads_per_account):
            caps.take(account, "192.0.2.7")  # then the process is killed: never released
        clock.advance(days=-30)  # put right
        clock.advance(seconds=61)  # more than a lease later
        taken = [caps.take(account, "192.0.2.7") for _ in range(settings.uploads_per_account)]
        assert len(set(taken)) == settings.uploads_per_account
        assert caps.open_slots() == settings.uploads_per_account
    finally:
        db.dispose()
