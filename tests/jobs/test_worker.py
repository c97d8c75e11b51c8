"""``coffre worker``: the background jobs from the job queue on one real PostgreSQL,
run by several worker processes without doing anything twice (coffre/jobs/queue.py)."""

from __future__ import annotations

import secrets
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select

from api.app import create_app
from coffre.audit.models import AuditCheckpoint, AuditHead
from coffre.container import Coffre
from coffre.errors import Unavailable
from coffre.jobs.queue import cron_for, make_app
from coffre.jobs.registry import jobs
from coffre.settings import Settings
from tests.factories import make_person
from tests.jobs.conftest import (
    COFFRE,
    PATIENCE,
    Workers,
    queue_rows,
    wait_until,
    worker_environment,
)


def _run_worker(settings: Settings, cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command, fixed argv
        [str(COFFRE), "worker"],
        env=worker_environment(settings, **extra),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("jobs", ["inprocess", "worker"])
def test_the_worker_refuses_sqlite_saying_the_server_runs_the_jobs(
    data_dir: Path, jobs: str
) -> None:
    settings = Settings(environment="test", database_url=f"sqlite:///{data_dir}/c.sqlite3")
    done = _run_worker(settings, data_dir, COFFRE_JOBS=jobs)
    assert done.returncode == 2
    assert "le serveur exécute déjà lui-même les tâches de fond" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_worker_stops_with_a_sentence_when_the_queue_was_never_migrated(
    postgres_server: object, queue_settings: Settings, data_dir: Path
) -> None:
    name = "unmigrated_" + secrets.token_hex(4)
    url = postgres_server.create_database(name)  # type: ignore[attr-defined]
    try:
        done = _run_worker(queue_settings.model_copy(update={"database_url": url}), data_dir)
    finally:
        postgres_server.drop_database(name)  # type: ignore[attr-defined]
    assert done.returncode == 1
    assert "Lancez `coffre db upgrade`, puis relancez le worker." in done.stderr
    assert "Traceback" not in done.stderr


def test_settings_refuse_leaving_the_jobs_to_workers_on_sqlite(data_dir: Path) -> None:
    # The app would run them nowhere: refused when the settings are made, at start-up.
    with pytest.raises(ValidationError, match="COFFRE_JOBS=worker demande PostgreSQL"):
        Settings(database_url=f"sqlite:///{data_dir}/c.sqlite3", jobs="worker")


def test_the_worker_refuses_when_the_server_runs_the_jobs_itself(
    queue_settings: Settings, data_dir: Path
) -> None:
    done = _run_worker(queue_settings.model_copy(update={"jobs": "inprocess"}), data_dir)
    assert done.returncode == 2
    assert "COFFRE_JOBS vaut « inprocess »" in done.stderr
    assert "COFFRE_JOBS=worker" in done.stderr


def test_every_interval_becomes_a_cron_line_never_running_less_often() -> None:
    assert cron_for(1) == "* * * * * */1"
    assert cron_for(10) == "* * * * * */10"
    assert cron_for(45) == "* * * * * */30"  # 45 does not divide a minute
    assert cron_for(300) == "*/5 * * * *"
    assert cron_for(3600) == "0 */1 * * *"
    assert cron_for(7 * 3600) == "0 */6 * * *"
    assert cron_for(86400 * 2) == "0 0 * * *"


def test_each_job_is_a_periodic_task_run_once_at_a_time_and_retried_with_back_off(
    queue_settings: Settings,
) -> None:
    coffre = Coffre.build(queue_settings)
    try:
        app = make_app(coffre)  # no connection is opened
        registry = jobs(coffre)
        periodic = {
            task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()
        }
        assert periodic == {job.name: cron_for(job.every_seconds) for job in registry}
        for job in registry:
            task = app.tasks[job.name]
            assert (task.queue, task.lock, task.queueing_lock) == ("coffre", job.name, None)
            assert task.retry_strategy is not None
            waits: list[int | None] = []
            for attempts in range(6):
                run = task.configure(task_kwargs={"timestamp": 0}).job.evolve(attempts=attempts)
                decision = task.retry_strategy.get_retry_decision(exception=Unavailable(), job=run)
                if decision is None or decision.retry_at is None:
                    waits.append(None)
                else:
                    waits.append(round((decision.retry_at - datetime.now(UTC)).total_seconds()))
            assert waits == [2, 4, 8, 16, None, None]
    finally:
        coffre.close()


def _checkpoints(coffre: Coffre) -> list[int]:
    with coffre.db.unit_of_work() as db:
        return list(db.scalars(select(AuditCheckpoint.size).order_by(AuditCheckpoint.size)))


def _head(coffre: Coffre) -> int:
    with coffre.db.unit_of_work() as db:
        return db.scalars(select(AuditHead.size)).one()


def test_two_workers_run_every_periodic_job_each_turn_once(
    queue_settings: Settings, workers: Workers
) -> None:
    coffre = Coffre.build(queue_settings)
    try:
        with TestClient(create_app(queue_settings)) as api:
            make_person(api)  # entries to sign
        first = _head(coffre)
        assert _checkpoints(coffre) == []  # the app (COFFRE_JOBS=worker) signed nothing
        one, two = workers.start(), workers.start()
        # Each worker signs at start: the first signs, the second finds it signed.
        wait_until(lambda: _checkpoints(coffre) == [first], PATIENCE, "the start checkpoint")
        # Written now: signed at the next periodic turn (every 10 s), once.
        with TestClient(create_app(queue_settings)) as api:
            make_person(api)
        second = _head(coffre)
        assert second > first
        wait_until(lambda: second in _checkpoints(coffre), PATIENCE, "the periodic checkpoint")
        # Every job's turn deferred once: one row per (job, scheduled time) in the
        # queue's table, whoever deferred it; every job of the registry has turns.
        defers = queue_rows(
            queue_settings,
            "SELECT task_name, defer_timestamp, count(*) FROM procrastinate_periodic_defers"
            " GROUP BY task_name, defer_timestamp",
        )
        assert all(count == 1 for _, _, count in defers)
        names = {job.name for job in jobs(coffre)}
        wait_until(
            lambda: (
                {
                    row[0]
                    for row in queue_rows(
                        queue_settings,
                        "SELECT DISTINCT task_name FROM procrastinate_periodic_defers",
                    )
                }
                == names
            ),
            5,
            "every job deferred",
        )
        # Nothing failed.
        failed = "SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed'"
        assert queue_rows(queue_settings, failed) == [(0,)]
        assert one.poll() is None and two.poll() is None
        assert _checkpoints(coffre) == [first, second]
        # SIGTERM: each worker finishes what it runs and leaves cleanly.
        workers.stop_all()
        assert (one.returncode, two.returncode) == (0, 0)
    finally:
        coffre.close()
