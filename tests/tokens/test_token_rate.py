"""A token's rate limit holds under parallel requests: decided by the database in one
statement, on both backends, through a real server (several threads, several
connections)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.concurrency import PARALLEL, answer, burst
from tests.consent.world import ConsentWorld, build_consent_world
from tests.tokens.world import bearer, token_of

LIMIT = 7
WINDOW = 60


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"token_rate_limit": LIMIT, "token_rate_window_seconds": WINDOW}
    )


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def test_twenty_parallel_requests_at_the_limit_let_exactly_the_limit_through(
    cw: ConsentWorld, http: httpx.Client, clock: FrozenClock, settings: Settings
) -> None:
    token = token_of(cw, ["grants:read"])
    other = token_of(cw, ["grants:read"], label="Autre logiciel")
    responses = burst(PARALLEL, lambda _: http.get("/api/v1/shared-with-me", headers=bearer(token)))

    answers = [answer(r) for r in responses]
    assert answers.count((200, "")) == LIMIT
    assert answers.count((429, "rate_limited")) == PARALLEL - LIMIT
    second = int(clock.now().timestamp())
    left = WINDOW - second % WINDOW
    assert {r.headers["Retry-After"] for r in responses if r.status_code == 429} == {str(left)}
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        counted = conn.execute(text("SELECT n FROM rate_windows")).scalars().all()
    engine.dispose()
    assert counted == [LIMIT]
    # Another token has its own window; the next window lets this one through again.
    assert http.get("/api/v1/shared-with-me", headers=bearer(other)).status_code == 200
    clock.advance(seconds=left)
    assert http.get("/api/v1/shared-with-me", headers=bearer(token)).status_code == 200
