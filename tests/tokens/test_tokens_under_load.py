"""The tokens' own limits under parallel requests, through a real server on both
backends: the cap of tokens in force per professional, and one revocation."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.settings import Settings
from tests.concurrency import PARALLEL, answer, burst
from tests.consent.world import ConsentWorld, build_consent_world
from tests.tokens.world import make_token

CAP = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"tokens_per_professional": CAP})


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _count(cw: ConsentWorld, action: str) -> int:
    coffre: Coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        return int(db.scalar(query) or 0)


def test_twenty_parallel_creations_stop_exactly_at_the_cap(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    body = {"label": "Logiciel", "scopes": ["grants:read"], "days": 30}
    headers = cw.professional.headers
    responses = burst(PARALLEL, lambda _: http.post("/api/v1/tokens", json=body, headers=headers))
    answers = [answer(r) for r in responses]
    assert answers.count((201, "")) == CAP
    assert answers.count((422, "too_many_tokens")) == PARALLEL - CAP
    listed = cw.api.get("/api/v1/tokens", headers=headers).json()["tokens"]
    assert len(listed) == CAP and _count(cw, "token.create") == CAP


def test_twenty_parallel_revocations_of_one_token_revoke_it_once(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    made = make_token(cw.api, cw.professional, ["grants:read"])
    url = f"/api/v1/tokens/{made['id']}"
    headers = cw.professional.headers
    answers = [answer(r) for r in burst(PARALLEL, lambda _: http.delete(url, headers=headers))]
    assert answers.count((204, "")) == 1
    assert answers.count((404, "token_not_found")) == PARALLEL - 1
    assert _count(cw, "token.revoke") == 1
