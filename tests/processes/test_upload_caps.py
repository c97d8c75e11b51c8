"""The upload caps are decided by the database, so they hold across app processes.

Each ``UploadCaps`` below has an engine of its own, as each app process has: 20 takers
released at once through three of them get exactly the cap, and a slot left by a
process that died stops counting once its lease lapses.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from coffre.clock import FrozenClock
from coffre.db.engine import Database, make_engine
from coffre.settings import Settings
from coffre.uploads.slots import LEASE_SECONDS, TooManyUploads, UploadCaps
from tests.concurrency import PARALLEL, burst


@pytest.fixture
def processes(settings: Settings, clock: FrozenClock) -> Iterator[list[UploadCaps]]:
    """Three 'processes': three engines on the test's database, one clock."""
    capped = settings.model_copy(update={"uploads_per_account": 3, "uploads_per_address": 5})
    databases = [Database(make_engine(settings.database_url)) for _ in range(3)]
    try:
        yield [UploadCaps(db, capped, clock) for db in databases]
    finally:
        for db in databases:
            db.dispose()


def _take(caps: UploadCaps, account: str, address: str | None) -> str | None:
    try:
        return caps.take(account, address)
    except TooManyUploads:
        return None


def test_twenty_parallel_uploads_of_one_account_over_three_processes_get_its_cap(
    backend: str, processes: list[UploadCaps]
) -> None:
    taken = burst(PARALLEL, lambda i: _take(processes[i % 3], "account-a", f"10.0.0.{i}"))
    slots = [slot for slot in taken if slot is not None]
    assert len(slots) == 3
    assert processes[0].open_slots() == 3
    # Released on another process than the one that took it: the room is back.
    processes[2].release(slots[0])
    assert _take(processes[1], "account-a", "10.0.0.99") is not None
    assert _take(processes[0], "account-a", "10.0.0.98") is None


def test_twenty_parallel_uploads_from_one_address_over_three_processes_get_its_cap(
    backend: str, processes: list[UploadCaps]
) -> None:
    # Twenty accounts behind one IPv6 /64 (two spellings of it): the address's cap of 5.
    addresses = ["2001:db8::1", "2001:db8::ffff"]
    taken = burst(PARALLEL, lambda i: _take(processes[i % 3], f"account-{i}", addresses[i % 2]))
    assert sum(slot is not None for slot in taken) == 5
    # Another address is not held back by it.
    assert _take(processes[0], "account-x", "2001:db8:1::1") is not None


def test_a_slot_left_by_a_dead_process_stops_counting_when_its_lease_lapses(
    backend: str, processes: list[UploadCaps], clock: FrozenClock
) -> None:
    held = [_take(processes[0], "account-b", None) for _ in range(3)]
    assert None not in held
    assert _take(processes[1], "account-b", None) is None
    # The live holder renews its slot; the other two were a killed process's.
    clock.advance(seconds=LEASE_SECONDS - 1)
    assert held[0] is not None
    processes[0].renew(held[0])
    clock.advance(seconds=2)
    assert processes[1].open_slots() == 1
    again = [_take(processes[1], "account-b", None) for _ in range(3)]
    assert sum(slot is not None for slot in again) == 2
    clock.advance(seconds=timedelta(seconds=LEASE_SECONDS).total_seconds())
    assert processes[2].open_slots() == 0
