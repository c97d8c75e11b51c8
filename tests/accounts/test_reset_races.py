"""A reset's end is decided once: the person's cancels and the completion job racing on
a due reset (20 at once, over HTTP and real database sessions, on both backends) end in
one consistent state — either the old vault, untouched, or the new keys and the old
documents destroyed, never a mix, never both entries in the trail."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx

from client import CoffreClient
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from tests.accounts.credential_helpers import PASSPHRASE, rows
from tests.accounts.reset_world import audit_actions

ROUNDS = 3
CANCELS = 10
COMPLETIONS = 10
NEW_PASSPHRASE = "citron bateau lampe nuage violet"
T = TypeVar("T")


def _all_at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call on its own thread, released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _round(
    live_server: str, settings: Settings, clock: FrozenClock, jobs: Coffre, tmp_path: Path, n: int
) -> str:
    login = f"course-{n}"
    with CoffreClient(live_server) as client:
        client.signup(login, PASSPHRASE)
        keys = client.login(login, PASSPHRASE).keys
        for index in range(2):
            path = tmp_path / f"{n}-{index}.pdf"
            path.write_bytes(bytes([index]) * 5000)
            client.upload(path, "identite", box_public_key=keys.box_public)
    code = jobs.resets.create_reset_code_as_operator(login).code
    with CoffreClient(live_server) as client:
        client.reset_with_code(login, code, NEW_PASSPHRASE)
    clock.advance(days=7, seconds=1)
    with CoffreClient(live_server) as client:
        token = client.login(login, PASSPHRASE).token  # the old passphrase still opens
    account_id = next(r["id"] for r in rows(settings, "accounts") if r["login"] == login)

    with httpx.Client(base_url=live_server, timeout=60) as http:
        headers = {"Authorization": f"Bearer {token}"}

        def cancel() -> Any:
            return ("cancel", http.post("/api/v1/me/reset/cancel", headers=headers).status_code)

        def complete() -> Any:
            # The job's calls need no HTTP round trip: held back a little in some rounds,
            # so that the cancels win some races and the completion others.
            time.sleep(random.uniform(0, 0.15 * n))
            return ("complete", jobs.resets.complete_due())

        calls: list[Callable[[], Any]] = [cancel] * CANCELS + [complete] * COMPLETIONS
        results = _all_at_once(calls)

    cancelled = [status for kind, status in results if kind == "cancel" and status == 200]
    completed = sum(done for kind, done in results if kind == "complete")
    assert all(s in (200, 401, 404) for k, s in results if k == "cancel"), results
    [reset] = [r for r in rows(settings, "pending_resets") if r["account_id"] == account_id]
    documents = [r for r in rows(settings, "documents") if r["owner_id"] == account_id]
    entries = [
        r["action"]
        for r in rows(settings, "audit_entries")
        if r["person_id"] == account_id and r["action"] in ("account.reset", "account.reset_cancel")
    ]
    assert reset["credentials"] is None
    if reset["state"] == "cancelled":
        assert (len(cancelled), completed, entries) == (1, 0, ["account.reset_cancel"])
        assert all(d["deleted_at"] is None for d in documents)
        with CoffreClient(live_server) as client:
            assert client.login(login, PASSPHRASE).keys.box_public == keys.box_public
    else:
        assert reset["state"] == "completed"
        assert (len(cancelled), completed, entries) == (0, 1, ["account.reset"])
        assert all(d["deleted_at"] is not None for d in documents)
        with CoffreClient(live_server) as client:
            assert client.login(login, NEW_PASSPHRASE).keys.box_public != keys.box_public
    return str(reset["state"])


def test_cancels_and_the_completion_racing_end_in_one_state(
    live_server: str, settings: Settings, clock: FrozenClock, tmp_path: Path
) -> None:
    jobs = Coffre.build(settings, clock=clock)
    try:
        outcomes = [_round(live_server, settings, clock, jobs, tmp_path, n) for n in range(ROUNDS)]
    finally:
        jobs.close()
    assert set(outcomes) <= {"cancelled", "completed"}
    assert len(audit_actions(settings, "account.reset_request")) == ROUNDS


def test_twenty_cancels_at_once_cancel_once(
    live_server: str, settings: Settings, clock: FrozenClock
) -> None:
    jobs = Coffre.build(settings, clock=clock)
    try:
        with CoffreClient(live_server) as client:
            client.signup("vingt", PASSPHRASE)
        code = jobs.resets.create_reset_code_as_operator("vingt").code
        with CoffreClient(live_server) as client:
            client.reset_with_code("vingt", code, NEW_PASSPHRASE)
            token = client.login("vingt", PASSPHRASE).token
        with httpx.Client(base_url=live_server, timeout=60) as http:
            headers = {"Authorization": f"Bearer {token}"}
            statuses = _all_at_once(
                [lambda: http.post("/api/v1/me/reset/cancel", headers=headers).status_code] * 20
            )
        assert sorted(statuses) == [200] + [404] * 19
        assert [a for a, _ in audit_actions(settings)].count("account.reset_cancel") == 1
        clock.advance(days=8)
        assert jobs.resets.complete_due() == 0
    finally:
        jobs.close()
