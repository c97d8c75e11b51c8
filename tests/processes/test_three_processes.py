"""Three ``coffre serve`` processes on one PostgreSQL and one S3 store (SeaweedFS), the
jobs in each (issue 21, "Several app processes"). One test, the whole story:

- a session made on one process is valid on the others, and its end too;
- the limits hold across the three: 20 parallel requests spread over them get exactly
  what one process would give (wrong logins, a token's rate, uploads open);
- the three checkpoint jobs sign one checkpoint per interval between them;
- every audit entry written through the three is in the log, and the log verifies.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from coffre.clock import FrozenClock, as_utc
from coffre.container import Coffre
from coffre.settings import Settings
from crypto import b64encode
from tests.accounts.factories import WRONG_KEY
from tests.api.raw_http import open_request, read_response
from tests.concurrency import PARALLEL, answer, burst
from tests.consent.world import build_consent_world
from tests.factories import encrypted_document, make_person, person_material
from tests.servers.pools import Buckets, DatabaseCopies
from tests.servers.ports import free_port
from tests.tokens.world import bearer, token_of

COFFRE = Path(sys.executable).parent / "coffre"
PROCESSES = 3
INTERVAL = 10  # COFFRE_AUDIT_CHECKPOINT_SECONDS: the shortest the settings allow
LOGIN_CAP = 5
TOKEN_LIMIT = 7
UPLOAD_CAP = 3
# Starting a process on a loaded machine (the suite runs beside other work) is slow.
PATIENCE = 90


@pytest.fixture
def shared_settings(
    postgres_copies: DatabaseCopies, s3_server: Any, s3_buckets: Buckets, tmp_path: Path
) -> Iterator[Settings]:
    url = postgres_copies.take()
    bucket = s3_buckets.take()
    try:
        yield Settings(
            environment="test",
            secret_key=secrets.token_urlsafe(40),
            database_url=url,
            storage_backend="s3",
            s3_endpoint=s3_server.endpoint,
            s3_access_key=s3_server.access_key,
            s3_secret_key=s3_server.secret_key,
            s3_bucket=bucket,
            s3_secure=False,
            s3_region=s3_server.region,
            max_document_bytes=8 * 1024 * 1024,
            # Made once by the first app below, then read by the three.
            push_vapid_key_file=tmp_path / "vapid.pem",
            audit_key_file=tmp_path / "audit-checkpoint.key",
            jobs="inprocess",
            audit_checkpoint_seconds=INTERVAL,
            login_free_failures=LOGIN_CAP,
            login_max_failures=LOGIN_CAP,
            token_rate_limit=TOKEN_LIMIT,
            token_rate_window_seconds=60,
            uploads_per_account=UPLOAD_CAP,
            body_read_timeout_seconds=3.0,
        )
    finally:
        s3_buckets.give_back(bucket)
        postgres_copies.give_back(url)


def _environment(settings: Settings) -> dict[str, str]:
    """Every setting as COFFRE_<NAME>, and no other COFFRE_ variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COFFRE_")}
    for name, value in settings.model_dump(exclude_none=True).items():
        env[f"COFFRE_{name.upper()}"] = (
            str(value).lower() if isinstance(value, bool) else str(value)
        )
    return env


@dataclass
class Process:
    url: str
    popen: subprocess.Popen[bytes]
    log: Path


@contextlib.contextmanager
def serving(settings: Settings, tmp_path: Path) -> Iterator[list[Process]]:
    """Three ``coffre serve`` processes, each on a loopback port; stopped at the end
    (SIGTERM, then SIGKILL), their output shown if the test fails."""
    processes = []
    try:
        for index in range(PROCESSES):
            port = free_port()
            log = tmp_path / f"serve-{index}.log"
            with log.open("wb") as out:
                popen = subprocess.Popen(  # noqa: S603 - our own command, fixed arguments
                    [str(COFFRE), "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=_environment(settings),
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            processes.append(Process(f"http://127.0.0.1:{port}", popen, log))
        for process in processes:
            _wait_ready(process)
        yield processes
    except BaseException:
        for process in processes:
            sys.stderr.write(f"--- {process.url}\n{process.log.read_text(errors='replace')}\n")
        raise
    finally:
        for process in processes:
            process.popen.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.popen.kill()
                process.popen.wait(timeout=20)


def _wait_ready(process: Process) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        assert process.popen.poll() is None, "a coffre serve process stopped"
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{process.url}/api/v1/ready", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"{process.url} not ready after {PATIENCE} s")


def _spread(clients: list[httpx.Client], call: Callable[[httpx.Client, int], Any]) -> list[Any]:
    """20 requests released at once, spread over the three processes."""
    return burst(PARALLEL, lambda i: call(clients[i % PROCESSES], i))


def _checkpoint_times(coffre: Coffre) -> list[datetime]:
    with coffre.db.unit_of_work() as db:
        times = db.scalars(select(AuditCheckpoint.created_at).order_by(AuditCheckpoint.size))
        return [as_utc(at) for at in times]


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.5)


def test_three_processes_share_sessions_limits_checkpoints_and_the_audit_trail(
    shared_settings: Settings, tmp_path: Path
) -> None:
    settings = shared_settings
    # The world through one app first (it also makes the key files the three read).
    # Its clock starts at the real time, as the conftest's does (the TOTP enrolments).
    now = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    with TestClient(create_app(settings, clock=now)) as api:
        cw = build_consent_world(api, tmp_path)
        token = token_of(cw, ["grants:read"])
    coffre = Coffre.build(settings)
    pool = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)
    try:
        with (
            serving(settings, tmp_path) as processes,
            contextlib.ExitStack() as stack,
        ):
            started = time.time()
            clients = [
                stack.enter_context(httpx.Client(base_url=p.url, timeout=60, limits=pool))
                for p in processes
            ]
            first, second, third = clients

            # A session made on one process is valid on the others; its end too.
            person = make_person(first)  # type: ignore[arg-type]
            for client in clients:
                assert client.get("/api/v1/me", headers=person.headers).status_code == 200
            leaving = make_person(second, slot=1)  # type: ignore[arg-type]
            assert third.post("/api/v1/auth/logout", headers=leaving.headers).status_code == 204
            assert first.get("/api/v1/me", headers=leaving.headers).status_code == 401

            # Wrong logins on one account over the three: the cap once, not three times.
            guess = {"login": person.login, "auth_key": b64encode(WRONG_KEY)}
            logins = Counter(
                _spread(clients, lambda c, _i: answer(c.post("/api/v1/auth/login", json=guess)))
            )
            assert logins == {
                (401, "invalid_credentials"): LOGIN_CAP,
                (429, "too_many_attempts"): PARALLEL - LOGIN_CAP,
            }

            # A token's rate over the three (inside one window of the database's count).
            while time.time() % 60 > 40:
                time.sleep(1)
            rated = Counter(
                _spread(
                    clients,
                    lambda c, _i: answer(c.get("/api/v1/shared-with-me", headers=bearer(token))),
                )
            )
            assert rated == {(200, ""): TOKEN_LIMIT, (429, "rate_limited"): PARALLEL - TOKEN_LIMIT}

            # Uploads open for one account over the three: its cap, then cut (too slow).
            document = encrypted_document(person, b"u" * 100_000)
            headers = {
                **person.headers,
                **document.headers,
                "Content-Length": str(len(document.ciphertext)),
            }
            stalled = [
                open_request(
                    processes[i % PROCESSES].url,
                    "POST",
                    "/api/v1/documents",
                    headers,
                    document.ciphertext[:64],
                )
                for i in range(PARALLEL)
            ]
            try:
                uploads = Counter(
                    (r.status, r.code)
                    for r in burst(PARALLEL, lambda i: read_response(stalled[i], PATIENCE))
                )
            finally:
                for sock in stalled:
                    sock.close()
            assert uploads == {
                (429, "too_many_uploads"): PARALLEL - UPLOAD_CAP,
                (408, "request_too_slow"): UPLOAD_CAP,
            }
            stored = third.post("/api/v1/documents", content=document.ciphertext, headers=headers)
            assert stored.status_code == 201, stored.text

            # Sign-ups over the three: every one of them in the trail.
            materials = [person_material(slot=i % 4) for i in range(PARALLEL)]
            signups = _spread(
                clients,
                lambda c, i: c.post("/api/v1/accounts", json=materials[i].signup_body).status_code,
            )
            assert signups == [201] * PARALLEL

            # Entries written through the three for two and a half intervals: each
            # process's job finds the log grown at each of its turns, and still the
            # three sign one checkpoint per interval between them.
            busy = make_person(first, slot=2)  # type: ignore[arg-type]
            login = {"login": busy.login, "auth_key": b64encode(busy.auth_key)}
            until = time.monotonic() + 2.5 * INTERVAL
            turn = 0
            while time.monotonic() < until:
                logged_in = clients[turn % PROCESSES].post("/api/v1/auth/login", json=login)
                assert logged_in.status_code == 200, logged_in.text
                turn += 1
                time.sleep(0.2)

            # The trail's head signed by the jobs (within two intervals).
            with coffre.db.unit_of_work() as db:
                head = db.scalars(select(AuditHead.size)).one()
            _wait_until(lambda: _signed_size(coffre) >= head, "the jobs to sign the trail's head")
            ended = time.time()
        times = [t.timestamp() for t in _checkpoint_times(coffre)]
        during = [t for t in times if t >= started - 1]
        gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
        assert len(during) >= 3, during
        assert all(gap >= INTERVAL for gap in gaps), gaps
        assert len(during) <= (ended - started) / INTERVAL + 1
        with coffre.db.unit_of_work() as db:
            rows = db.scalar(select(func.count()).select_from(AuditEntry))
            seqs = db.scalar(select(func.max(AuditEntry.seq)))
            signed_up = db.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "account.signup", AuditEntry.at >= _utc(started))
            )
            head = db.scalars(select(AuditHead.size)).one()
        # No entry lost: as many rows as the head counts, numbered without a hole.
        assert rows == head and seqs == head - 1
        assert signed_up == PARALLEL + 3  # the twenty, the person, the one who left, the busy one
        report = coffre.audit.verify()
        assert report.ok, (report.problem_seq, report.problem)
        assert report.entries == head and report.unsigned_tail == 0
    finally:
        coffre.close()


def _signed_size(coffre: Coffre) -> int:
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(select(func.max(AuditCheckpoint.size))) or 0)


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
