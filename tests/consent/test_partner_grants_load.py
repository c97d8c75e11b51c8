"""The partner grants API under concurrency, on both backends: a walk through the pages
of GET /grants/received while the person keeps sharing, and 20 outcome reports at once.

Real threads send real HTTP requests to a live server (tests/concurrency.py); the grants
are made through the API by the person's client, in parallel with the walk.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.consent.models import GrantOutcome
from coffre.notifications.models import Notification
from tests.concurrency import PARALLEL, answer, burst
from tests.consent.world import ConsentWorld, build_consent_world

RECEIVED = "/api/v1/grants/received"
OUTCOMES = ("right_opened", "document_unreadable", "document_missing")


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _walk(http: httpx.Client, cw: ConsentWorld, limit: int) -> list[str]:
    """Every id the pages give, in order, from the first page to the last."""
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        response = http.get(RECEIVED, params=params, headers=cw.professional.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def _share(cw: ConsentWorld, clock: FrozenClock, lock: threading.Lock) -> str:
    with lock:
        clock.advance(seconds=1)
        now = clock.now()
    return str(cw.share(now=now)["id"])


def test_the_pages_give_every_grant_once_while_new_ones_arrive(
    cw: ConsentWorld, http: httpx.Client, clock: FrozenClock
) -> None:
    lock = threading.Lock()
    before = [_share(cw, clock, lock) for _ in range(12)]
    during: list[str] = []
    done = threading.Event()

    def keep_sharing() -> None:
        try:
            for _ in range(8):
                during.append(_share(cw, clock, lock))
        finally:
            done.set()

    sharer = threading.Thread(target=keep_sharing)
    sharer.start()
    walks: list[list[str]] = []
    while not done.is_set() or not walks:
        walks.append(_walk(http, cw, limit=3))
    sharer.join(timeout=120)
    assert len(during) == 8
    for seen in walks:
        # No grant twice, every grant made before the walk, only grants made to me,
        # and in the one order (the grants made during come after, oldest first).
        assert len(seen) == len(set(seen))
        assert seen[: len(before)] == before
        assert set(seen) <= set(before) | set(during)
        assert seen[len(before) :] == [g for g in during if g in seen]
    # Once the sharing is over, a walk gives them all, each once, in order.
    assert _walk(http, cw, limit=3) == before + during
    assert _walk(http, cw, limit=100) == before + during


def _counts(cw: ConsentWorld, grant_id: str) -> tuple[int, int, int]:
    """(outcome rows, grant.outcome entries in the trail, notifications told)."""
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        rows = db.scalar(select(func.count()).where(GrantOutcome.grant_id == grant_id))
        entries = db.scalar(
            select(func.count()).where(
                AuditEntry.action == "grant.outcome", AuditEntry.object_id == grant_id
            )
        )
        told = db.scalar(
            select(func.count()).where(
                Notification.kind == "grant.outcome", Notification.data.contains(grant_id)
            )
        )
        return int(rows or 0), int(entries or 0), int(told or 0)


def test_twenty_parallel_reports_record_each_outcome_once(
    cw: ConsentWorld, http: httpx.Client, clock: FrozenClock
) -> None:
    for round_ in range(3):
        clock.advance(seconds=1)
        grant_id = str(cw.share(now=clock.now())["id"])

        def report(
            index: int, grant_id: str = grant_id, mixed: bool = round_ > 0
        ) -> tuple[tuple[int, str], bool]:
            # The same outcome from every thread in round 0; three outcomes mixed after.
            outcome = OUTCOMES[index % 3] if mixed else OUTCOMES[0]
            response = http.post(
                f"/api/v1/grants/{grant_id}/outcome",
                json={"outcome": outcome},
                headers=cw.professional.headers,
            )
            recorded = response.status_code == 200 and response.json()["recorded"]
            return answer(response), recorded

        results = burst(PARALLEL, report)
        expected = 1 if round_ == 0 else 3
        assert Counter(status for status, _ in results) == {(200, ""): PARALLEL}
        assert sum(recorded for _, recorded in results) == expected
        assert _counts(cw, grant_id) == (expected, expected, expected)
