"""A partner hitting its token's rate from every side at once, through a real server on
both backends: 20 parallel requests over several routes (reads, a conditional read, a
report with its Idempotency-Key, a retried report) share ONE window, exactly the limit
passes, the rest get 429 with Retry-After, never a 5xx. And what the public audit log
serves (tiles, entry bundles) never carries an account id, a login or a body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from auditlog import tiles
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.concurrency import PARALLEL, burst
from tests.consent.world import ConsentWorld, build_consent_world
from tests.tokens.world import ALL, bearer, token_of

LIMIT = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"token_rate_limit": LIMIT, "token_rate_window_seconds": 3600}
    )


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def test_twenty_parallel_requests_over_every_route_share_one_window(
    cw: ConsentWorld, clock: FrozenClock, http: httpx.Client
) -> None:
    grant_id = str(cw.share(now=clock.now())["id"])
    token = bearer(token_of(cw, ALL))
    # One report made first, so its retry below is a replay (it counts too).
    first = http.post(
        f"/api/v1/grants/{grant_id}/outcome",
        json={"outcome": "right_opened"},
        headers={**token, "Idempotency-Key": "suite-0"},
    )
    assert first.status_code == 200, first.text
    tag = http.get(f"/api/v1/grants/{grant_id}", headers=token).headers["etag"]
    left = LIMIT - 2

    def call(index: int) -> httpx.Response:
        kind = index % 5
        if kind == 0:
            return http.get("/api/v1/grants/received", headers=token)
        if kind == 1:
            return http.get(f"/api/v1/grants/{grant_id}", headers={**token, "If-None-Match": tag})
        if kind == 2:
            return http.get(f"/api/v1/grants/{grant_id}/receipt", headers=token)
        key = "suite-0" if kind == 3 else f"suite-{index}"
        return http.post(
            f"/api/v1/grants/{grant_id}/outcome",
            json={"outcome": "right_opened"},
            headers={**token, "Idempotency-Key": key},
        )

    responses = burst(PARALLEL, call)
    answers = [(r.status_code, r.headers.get("retry-after")) for r in responses]
    assert all(status < 500 for status, _ in answers), answers
    limited = [r for r in responses if r.status_code == 429]
    # A retry of the same key may meet itself in flight (409, Retry-After: 1): not a
    # request the route ran, and not one past the limit either.
    passed = [r for r in responses if r.status_code in (200, 304)]
    in_flight = [r for r in responses if r.status_code == 409]
    assert len(passed) == left, answers
    assert len(limited) + len(in_flight) == PARALLEL - left, answers
    assert all(r.json()["error"]["code"] == "rate_limited" for r in limited)
    assert all(0 < int(r.headers["retry-after"]) <= 3600 for r in limited)


def test_the_served_log_never_carries_an_account_id_a_login_or_a_body(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = str(cw.share(now=clock.now())["id"])
    assert cw.pull(grant_id, cw.identity).status_code == 200
    api = cw.api
    api.app.state.coffre.audit.checkpoint()  # type: ignore[attr-defined]
    checkpoint = api.get("/api/v1/audit/log/checkpoint")
    assert checkpoint.status_code == 200
    size = int(checkpoint.text.split("\n")[1])
    assert size > 0
    served = b""
    for bundle in tiles.bundles_of(size):
        answer = api.get("/api/v1/audit/log/" + bundle.path())
        assert answer.status_code == 200
        served += answer.content
    for tile in tiles.tiles_of(size):
        served += api.get("/api/v1/audit/log/" + tile.path()).content
    w = cw.world
    secrets: list[Any] = [grant_id, cw.identity, cw.address]
    for who in (w.person, w.professional, w.structure_admin, w.officer, w.admin):
        secrets += [who.account_id, who.login]
    secrets += [w.structure_id, "ouverture-droits-rsa", "carte d'identite"]
    for value in secrets:
        text = str(value)
        assert text.encode() not in served, text
        if len(text) == 32:  # a hex id: its raw bytes too
            assert bytes.fromhex(text) not in served, text


def test_twenty_parallel_sendings_of_one_tokens_report_make_one_and_answer_it_alike(
    cw: ConsentWorld, clock: FrozenClock, http: httpx.Client
) -> None:
    from sqlalchemy import func, select

    from coffre.consent.models import GrantOutcome

    grant_id = str(cw.share(now=clock.now())["id"])
    headers = {**bearer(token_of(cw, ["grants:report"])), "Idempotency-Key": "suite-parallele"}
    path = f"/api/v1/grants/{grant_id}/outcome"
    body = {"outcome": "right_opened"}

    responses = burst(PARALLEL, lambda _: http.post(path, json=body, headers=headers))
    # Then once more after the burst: the stored answer, whatever the burst did.
    responses.append(http.post(path, json=body, headers=headers))

    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, statuses
    answered = [r for r in responses if r.status_code == 200]
    firsts = [r for r in answered if r.headers.get("idempotent-replayed") != "true"]
    assert len(firsts) == 1, statuses
    assert all(r.json() == firsts[0].json() for r in answered)
    assert responses[-1].headers.get("idempotent-replayed") == "true"
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(GrantOutcome)) == 1
