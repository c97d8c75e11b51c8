"""The in-process job loop (COFFRE_JOBS=inprocess): the app runs every registry job at
its interval; a failing job is logged without secrets and the others keep running;
with COFFRE_JOBS=worker the app runs none (coffre/jobs/inprocess.py, api/app.py)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import anyio
import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from coffre.audit.models import AuditCheckpoint, AuditHead
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.jobs.inprocess import run_jobs
from coffre.jobs.registry import Job, jobs
from coffre.settings import Settings
from tests.factories import make_person
from tests.jobs.conftest import NOTIFICATIONS, deliveries_of, notify_many, person_on_sms
from tests.notifications.servers import SmsProvider
from tests.servers.ports import free_port


def _checkpoints(coffre: Coffre) -> tuple[int, int]:
    """(how many checkpoints are signed, the size the last one covers)."""
    with coffre.db.unit_of_work() as db:
        count = db.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0
        size = db.scalar(select(func.max(AuditCheckpoint.size))) or 0
    return count, size


def _head_size(coffre: Coffre) -> int:
    with coffre.db.unit_of_work() as db:
        return db.scalars(select(AuditHead.size)).one()


def _wait_for(condition: object, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_the_app_signs_a_checkpoint_at_start_when_it_runs_the_jobs(
    settings: Settings, clock: FrozenClock
) -> None:
    assert settings.jobs == "inprocess"  # the default
    coffre = Coffre.build(settings, clock=clock)
    try:
        assert _checkpoints(coffre)[0] == 0
        with TestClient(create_app(settings, clock=clock)):
            assert _wait_for(lambda: _checkpoints(coffre)[0] == 1)
    finally:
        coffre.close()


def test_the_app_runs_no_job_when_workers_run_them(queue_settings: Settings) -> None:
    # COFFRE_JOBS=worker (PostgreSQL only: refused on SQLite, test_worker.py).
    assert queue_settings.jobs == "worker"
    coffre = Coffre.build(queue_settings)
    try:
        with TestClient(create_app(queue_settings)) as api:
            make_person(api)  # audit entries the in-process loop would sign at start
            time.sleep(1.0)
        assert _checkpoints(coffre) == (0, 0)
    finally:
        coffre.close()


def test_the_registry_jobs_run_again_at_their_interval(
    settings: Settings, clock: FrozenClock
) -> None:
    coffre = Coffre.build(settings, clock=clock)
    every_second = [replace(job, every_seconds=1) for job in jobs(coffre)]
    try:
        # The app writes the entries; its own loop signs at its start, then not for
        # COFFRE_AUDIT_CHECKPOINT_SECONDS (300): a later checkpoint is the loop's below.
        with TestClient(create_app(settings, clock=clock)) as api:
            assert _wait_for(lambda: _checkpoints(coffre)[0] == 1)

            async def main() -> None:
                async with anyio.create_task_group() as tasks:
                    tasks.start_soon(run_jobs, every_second)
                    for _ in range(2):  # two turns, each signing what came after the last
                        await anyio.to_thread.run_sync(make_person, api)
                        size = _head_size(coffre)
                        with anyio.fail_after(30):
                            while _checkpoints(coffre)[1] < size:
                                # One checkpoint per interval at most (the leader's rule,
                                # AuditLog.checkpoint_if_due): the interval passes.
                                clock.advance(seconds=settings.audit_checkpoint_seconds)
                                await anyio.sleep(0.05)
                    tasks.cancel_scope.cancel()

            _run_on_own_thread(main)
        # The start's checkpoint and at least one per turn (a turn's entries may be
        # written in two commits, which the loop may sign apart), up to the head.
        count, size = _checkpoints(coffre)
        assert count >= 3 and size == _head_size(coffre)
    finally:
        coffre.close()


def test_a_failing_job_is_logged_without_secrets_and_the_others_keep_running(
    settings: Settings, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    password = "mot-de-passe-qui-ne-doit-pas-fuiter"  # noqa: S105 - a test value
    unreachable = Settings(
        environment="test",
        database_url=f"postgresql+psycopg://coffre:{password}@127.0.0.1:{free_port()}/coffre",
        storage_dir=settings.storage_dir,
    )
    down = Coffre.build(unreachable, clock=clock)
    coffre = Coffre.build(settings, clock=clock)
    runs: list[float] = []
    try:

        async def main() -> None:
            with anyio.move_on_after(3.5):
                await run_jobs(
                    [
                        Job("grants.clean_expired", down.grants.clean_expired, 1),
                        Job("counted", lambda: runs.append(time.monotonic()), 1),
                        Job("audit.checkpoint", coffre.audit.checkpoint, 1),
                    ]
                )

        with caplog.at_level(logging.WARNING, logger="coffre.jobs"):
            _run_on_own_thread(main)
        assert _checkpoints(coffre)[0] == 1  # signed at start, by its own schedule
    finally:
        down.close()
        coffre.close()
    deferred = [r for r in caplog.records if "grants.clean_expired" in r.getMessage()]
    assert len(deferred) >= 2  # at 1 s, 2 s (, 3 s): each time deferred, never fatal
    assert all(r.getMessage().endswith("database_unavailable") for r in deferred)
    assert password not in caplog.text
    assert len(runs) >= 2  # the other jobs kept their own schedule


def test_the_app_delivers_notifications_itself(
    settings: Settings, sms_provider: SmsProvider
) -> None:
    """The README's first command alone (COFFRE_JOBS=inprocess): the server's own loop
    sends the outbox's messages, each once."""
    alone = settings.model_copy(
        update={**sms_provider.settings(), "notifications_deliver_seconds": 5}
    )
    account_id = person_on_sms(alone)
    with TestClient(create_app(alone)):
        notify_many(alone, account_id, NOTIFICATIONS)
        assert _wait_for(lambda: len(sms_provider.messages) >= NOTIFICATIONS, 60)
        assert _wait_for(lambda: {s for _, s, _ in deliveries_of(alone)} == {"sent"})
    tags = [str(message.body["tag"]) for message in sms_provider.messages]
    assert sorted(tags) == sorted(key for key, _, _ in deliveries_of(alone))


def _run_on_own_thread(main: Callable[[], Awaitable[None]]) -> None:
    """``anyio.run(main)`` on a thread of its own: a browser test earlier in this pytest
    worker leaves Playwright's asyncio loop running on the main thread, where a second
    loop cannot start ("Already running asyncio in this thread")."""
    failures: list[BaseException] = []

    def target() -> None:
        try:
            anyio.run(main)
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    thread = threading.Thread(target=target, name="jobs-loop-under-test")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
