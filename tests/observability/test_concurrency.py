"""20 requests at once on a real server, and 20 transactions appending at once: every
one counted exactly once, every answer with an id of its own."""

from __future__ import annotations

import httpx
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from coffre.audit import trail
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from tests.concurrency import PARALLEL, burst

HEALTH = dict(route="/api/v1/health", method="GET", status="200")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_parallel_requests_are_each_counted_once_with_ids_of_their_own(
    http: httpx.Client,
) -> None:
    before = sample("coffre_http_requests_total", **HEALTH)
    answers = burst(PARALLEL, lambda _: http.get("/api/v1/health"))
    assert [a.status_code for a in answers] == [200] * PARALLEL
    assert len({a.headers["X-Request-ID"] for a in answers}) == PARALLEL
    assert sample("coffre_http_requests_total", **HEALTH) == before + PARALLEL


def test_parallel_appends_are_counted_once_each_and_only_when_committed(
    settings: Settings, clock: FrozenClock
) -> None:
    coffre = Coffre.build(settings, clock=clock)
    try:
        before = sample("coffre_audit_appends_total")

        def append(index: int) -> None:
            try:
                with coffre.db.unit_of_work(write=True) as db:
                    _append(db, clock)
                    if index % 2:
                        raise LookupError("rolled back after its entry")
            except LookupError:
                pass

        burst(PARALLEL, append)
        assert sample("coffre_audit_appends_total") == before + PARALLEL // 2
    finally:
        coffre.close()


def _append(db: Session, clock: FrozenClock) -> None:
    trail.append(db, trail.Entry(action="test.parallel"), clock.now())
