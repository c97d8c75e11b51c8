"""One valid reset code per account, even after parallel issues (issue 14, item 1's class).

Real threads send 20 reset-code issues for one person (by the territory admin, who may
reset any person's account) to a live server on both backends, all released at once:
each answers as a later call would (201, a new code that replaces the one before),
and afterwards exactly one code is still valid.
"""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account, ResetCode
from coffre.container import Coffre
from tests.concurrency import burst
from tests.structures.world import World, build_world

PARALLEL = 20
ROUNDS = 5


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def test_twenty_parallel_reset_code_issues_leave_one_valid_code(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        account = db.scalars(select(Account).where(Account.login == world.person.login)).one()
        account_id = account.id

    def issue(_i: int) -> int:
        body = {"login": world.person.login}
        return http.post("/api/v1/reset-codes", json=body, headers=world.admin.headers).status_code

    for _ in range(ROUNDS):
        assert Counter(burst(PARALLEL, issue)) == {201: PARALLEL}
        with coffre.db.unit_of_work() as db:
            valid = select(func.count(ResetCode.id)).where(
                ResetCode.account_id == account_id,
                ResetCode.used_at.is_(None),
                ResetCode.expires_at > coffre.clock.now(),
            )
            assert db.scalar(valid) == 1
