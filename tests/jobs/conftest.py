"""Real ``coffre worker`` processes against the tests' real PostgreSQL.

``queue_settings``: a database of its own (a copy of the migrated template, so it
holds procrastinate's schema) and a local object directory, with COFFRE_JOBS=worker.
``workers``: starts ``coffre worker`` subprocesses on exactly those settings (their
environment carries no other COFFRE_ variable), stops them at the end (SIGTERM, then
SIGKILL), and keeps their output for the failure report.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text

from api.app import create_app
from coffre.accounts.models import Account
from coffre.container import Coffre
from coffre.notifications import preferences
from coffre.notifications.models import Delivery
from coffre.notifications.service import Kind, notify
from coffre.settings import Settings
from tests.factories import make_person
from tests.notifications.servers import sms_provider  # noqa: F401 - fixture
from tests.servers.pools import DatabaseCopies

NOTIFICATIONS = 20
# How long a test waits for what workers do: they answer in seconds, but a loaded test
# machine (the suite runs beside other work) can take far longer to start a process.
PATIENCE = 60
PHONE = "0612345678"
# A worker silent this long is taken for dead (heartbeat every second).
STALLED_SECONDS = 3
COFFRE = Path(sys.executable).parent / "coffre"


@pytest.fixture
def queue_settings(postgres_copies: DatabaseCopies, data_dir: Path) -> Iterator[Settings]:
    url = postgres_copies.take()
    try:
        yield Settings(
            environment="test",
            secret_key=secrets.token_urlsafe(40),
            database_url=url,
            storage_backend="local",
            storage_dir=data_dir / "objects",
            # One checkpoint key for the test and its workers (their own working
            # directory would give each a development key of its own).
            audit_key_file=data_dir / "audit-checkpoint.key",
            jobs="worker",
            jobs_stalled_seconds=STALLED_SECONDS,
            # The shortest intervals the settings allow: each job's first turn comes
            # within the test (a worker also defers a turn missed less than 10 min ago).
            audit_checkpoint_seconds=10,
            reminders_interval_seconds=10,
            doctor_interval_seconds=60,
            retention_interval_seconds=60,
        )
    finally:
        postgres_copies.give_back(url)


def worker_environment(settings: Settings, **extra: str) -> dict[str, str]:
    """The process environment for ``settings``: every field as COFFRE_<NAME>."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFRE_")}
    for name, value in settings.model_dump(exclude_none=True).items():
        env[f"COFFRE_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    env.update(extra)
    return env


class Workers:
    """``coffre worker`` subprocesses, each with its output in a file."""

    def __init__(self, settings: Settings, directory: Path) -> None:
        self.settings = settings
        self.directory = directory
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        index = len(self.processes)
        output = (self.directory / f"worker-{index}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603 - our own command, fixed argv
            [str(COFFRE), "worker"],
            env=worker_environment(self.settings, **extra),
            cwd=self.directory,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        output.close()
        self.processes.append(process)
        return process

    def output(self, process: subprocess.Popen[bytes]) -> str:
        index = self.processes.index(process)
        return (self.directory / f"worker-{index}.log").read_text(errors="replace")

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@pytest.fixture
def workers(queue_settings: Settings, data_dir: Path) -> Iterator[Workers]:
    running = Workers(queue_settings, data_dir)
    try:
        yield running
    finally:
        running.stop_all()
        for index, process in enumerate(running.processes):
            # Shown by pytest when the test failed (-rA shows it always).
            print(f"--- worker {index} (exit {process.returncode}) ---")  # noqa: T201
            print(running.output(process))  # noqa: T201


def queue_rows(settings: Settings, query: str, **params: object) -> list[tuple[object, ...]]:
    """Read procrastinate's tables (no model describes them)."""
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(query), params)]
    finally:
        engine.dispose()


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


def person_on_sms(settings: Settings) -> str:
    """A person whose login is a mobile number and who chose SMS; their account id."""
    with TestClient(create_app(settings)) as api:
        person = make_person(api, login=PHONE)
    coffre = Coffre.build(settings)
    try:
        with coffre.db.unit_of_work() as db:
            account = db.scalars(select(Account).where(Account.login == person.login)).one()
            prefs = preferences.with_changes(preferences.get(db, account.id), sms=True)
            preferences.save(db, account.id, prefs, coffre.clock.now())
            return account.id
    finally:
        coffre.close()


def notify_many(settings: Settings, account_id: str, count: int) -> None:
    coffre = Coffre.build(settings)
    try:
        with coffre.db.unit_of_work() as db:
            for _ in range(count):
                notify(db, account_id, Kind.DOCUMENT_PULLED, {}, coffre.clock.now())
    finally:
        coffre.close()


def deliveries_of(settings: Settings) -> list[tuple[str, str, int]]:
    coffre = Coffre.build(settings)
    try:
        with coffre.db.unit_of_work() as db:
            rows = db.execute(select(Delivery.key, Delivery.state, Delivery.attempts)).all()
            return [(row.key, row.state, row.attempts) for row in rows]
    finally:
        coffre.close()
