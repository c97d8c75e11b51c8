"""The metrics (coffre/metrics.py) move with real requests, by route template, outcome
and code, and hold no id; the database's state is read at scrape time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY, generate_latest
from sqlalchemy import text

from coffre import metrics
from coffre.audit import trail
from coffre.clock import FrozenClock
from coffre.db.engine import DatabaseUnavailable
from coffre.jobs.inprocess import run_once
from coffre.jobs.registry import Job
from tests.observability.journey import PULL_ROUTE, walk
from tests.own_thread import on_own_thread


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_journey_moves_the_counters_by_route_outcome_and_code(
    api: TestClient, tmp_path: Path
) -> None:
    pull_ok = dict(route=PULL_ROUTE, method="POST", status="200")
    before = {
        "requests": sample("coffre_http_requests_total", **pull_ok),
        "seconds": sample("coffre_http_request_seconds_count", route=PULL_ROUTE, method="POST"),
        "ok": sample("coffre_pulls_total", outcome="ok"),
        "refused": sample("coffre_pulls_total", outcome="refused"),
        "not_found": sample("coffre_pulls_total", outcome="not_found"),
        "not_active": sample("coffre_refusals_total", code="grant_not_active"),
        "throttled": sample("coffre_logins_throttled_total"),
        "appends": sample("coffre_audit_appends_total"),
    }

    journey = walk(api, tmp_path)

    assert journey.statuses == {
        "pull": 200,
        "stranger_pull": 404,
        "revoke": 200,
        "refused_pull": 403,
        "last_guess": 429,
    }
    assert sample("coffre_http_requests_total", **pull_ok) == before["requests"] + 1
    assert (
        sample("coffre_http_request_seconds_count", route=PULL_ROUTE, method="POST")
        == before["seconds"] + 3
    )
    assert sample("coffre_pulls_total", outcome="ok") == before["ok"] + 1
    assert sample("coffre_pulls_total", outcome="refused") == before["refused"] + 1
    assert sample("coffre_pulls_total", outcome="not_found") == before["not_found"] + 1
    assert sample("coffre_refusals_total", code="grant_not_active") == before["not_active"] + 1
    # 5 failures, 3 free: the 4th and 5th attempts wait (coffre/accounts/throttle.py).
    assert sample("coffre_logins_throttled_total") >= before["throttled"] + 1
    # At least: the sign-ups, the uploads, the grant, the pull, the refusals, the revocation.
    assert sample("coffre_audit_appends_total") >= before["appends"] + 8

    scraped = generate_latest(REGISTRY).decode()
    cw = journey.world
    for value in (journey.grant_id, cw.identity, cw.person.account_id, cw.person.login):
        assert value not in scraped


def test_an_audit_entry_rolled_back_is_not_counted(api: TestClient) -> None:
    db = api.app.state.coffre.db  # type: ignore[attr-defined]
    clock = api.app.state.coffre.clock  # type: ignore[attr-defined]
    before = sample("coffre_audit_appends_total")
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        trail.append(session, trail.Entry(action="test.rolled_back"), clock.now())
        raise RuntimeError("the operation failed after its entry")
    assert sample("coffre_audit_appends_total") == before
    with db.unit_of_work() as session:
        trail.append(session, trail.Entry(action="test.committed"), clock.now())
        trail.append(session, trail.Entry(action="test.committed"), clock.now())
    assert sample("coffre_audit_appends_total") == before + 2


def test_checkpoint_age_and_queue_depth_are_read_from_the_database_at_scrape(
    api: TestClient, clock: FrozenClock, backend: str
) -> None:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as session:
        trail.append(session, trail.Entry(action="test.signed"), clock.now())
    coffre.audit.checkpoint()
    assert REGISTRY.get_sample_value("coffre_audit_checkpoint_age_seconds") == 0
    clock.advance(seconds=90)
    assert REGISTRY.get_sample_value("coffre_audit_checkpoint_age_seconds") == 90
    if backend.startswith("sqlite"):
        # No job queue on SQLite (the app runs the jobs itself): no depth to report.
        assert REGISTRY.get_sample_value("coffre_jobs_queue_depth", {"state": "todo"}) is None
        return
    assert REGISTRY.get_sample_value("coffre_jobs_queue_depth", {"state": "todo"}) == 0
    with coffre.db.unit_of_work() as session:
        for _ in range(3):
            session.execute(
                text(
                    "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status) "
                    "VALUES (:queue, 'audit.checkpoint', '{}', 'todo')"
                ),
                {"queue": metrics.QUEUE_NAME},
            )
    assert sample("coffre_jobs_queue_depth", state="todo") == 3
    assert sample("coffre_jobs_queue_depth", state="failed") == 0


def test_the_queue_the_metrics_read_is_the_workers_queue() -> None:
    from coffre.jobs import queue

    assert queue.QUEUE == metrics.QUEUE_NAME == "coffre"


def test_a_failed_or_deferred_job_round_is_counted_by_job() -> None:
    def fails() -> None:
        raise ValueError("a fault in the job")

    def deferred() -> None:
        raise DatabaseUnavailable()

    before = sample("coffre_job_failures_total", job="test.fails")
    assert on_own_thread(lambda: anyio.run(run_once, Job("test.fails", fails, 60))) is False
    assert on_own_thread(lambda: anyio.run(run_once, Job("test.fails", deferred, 60))) is False
    assert on_own_thread(lambda: anyio.run(run_once, Job("test.fails", lambda: None, 60))) is True
    assert sample("coffre_job_failures_total", job="test.fails") == before + 2


# (sent, kept): a UUID, a proxy's id; too short, a space, too long.
REQUEST_IDS = [
    ("3f6c1f0e-8b1a-4a53-9a5e-2b7c5d1e9f00", True),
    ("caddy.req_42-abc", True),
    ("short", False),
    ("has space in it", False),
    ("x" * 65, False),
]


def test_the_request_id_is_kept_when_well_formed_and_echoed(api: TestClient) -> None:
    for sent, kept in REQUEST_IDS:
        rid = api.get("/api/v1/health", headers={"X-Request-ID": sent}).headers["X-Request-ID"]
        if kept:
            assert rid == sent
        else:
            assert rid != sent
            assert len(rid) == 32 and int(rid, 16) >= 0


def test_every_answer_has_a_request_id_and_an_unknown_path_one_label(api: TestClient) -> None:
    before = sample("coffre_http_requests_total", route="unmatched", method="GET", status="404")
    first = api.get("/no/such/page/01HZYXWV")
    second = api.get("/no/such/page/01HZYXWV")
    assert first.status_code == second.status_code == 404
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    after = sample("coffre_http_requests_total", route="unmatched", method="GET", status="404")
    assert after == before + 2
    assert "01HZYXWV" not in generate_latest(REGISTRY).decode()


def test_refusals_answered_outside_the_domain_are_counted_by_their_code(api: TestClient) -> None:
    def refused(answer: Any, status: int) -> str:
        assert answer.status_code == status
        return str(answer.json()["error"]["code"])

    before_invalid = sample("coffre_refusals_total", code="invalid_request")
    code = refused(api.post("/api/v1/auth/login", json={"login": 3}), 422)
    assert code == "invalid_request"
    assert sample("coffre_refusals_total", code=code) == before_invalid + 1

    # The body limits answer before any route (api/body_limits.py).
    before_large = sample("coffre_refusals_total", code="request_too_large")
    big = b"{" + b" " * (128 * 1024) + b"}"
    headers = {"Content-Type": "application/json"}
    answer = api.post("/api/v1/auth/login", content=big, headers=headers)
    assert refused(answer, 413) == "request_too_large"
    assert sample("coffre_refusals_total", code="request_too_large") == before_large + 1
