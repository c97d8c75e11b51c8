"""An invitation serves once, even to parallel sign-ups (issue 14, item 1's class).

Real threads send sign-ups with one invitation code and different logins to a live
server on both backends, all released at once: exactly one account is made, the
others get ``invalid_invitation`` and leave nothing behind.
"""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account
from tests.concurrency import burst
from tests.factories import person_material
from tests.structures.world import World, build_world, invite, material

PARALLEL = 20
ROUNDS = 5


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def _accounts(api: TestClient) -> int:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(select(func.count(Account.id))) or 0)


def _code(response: httpx.Response) -> tuple[int, str]:
    code = "" if response.status_code == 201 else response.json()["error"]["code"]
    return response.status_code, code


def test_parallel_assisted_sign_ups_with_one_code_make_one_account(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    for round_ in range(ROUNDS):
        before = _accounts(api)
        invitation = api.post("/api/v1/invitations/person", headers=world.professional.headers)
        assert invitation.status_code == 201, invitation.text
        code = invitation.json()["code"]

        def sign_up(i: int, code: str = code, round_: int = round_) -> tuple[int, str]:
            body = {**person_material(0, f"invitee-{round_}-{i}").signup_body}
            body["invitation_code"] = code
            return _code(http.post("/api/v1/accounts", json=body))

        outcomes = Counter(burst(PARALLEL, sign_up))
        assert outcomes == {(201, ""): 1, (403, "invalid_invitation"): PARALLEL - 1}
        assert _accounts(api) == before + 1


def test_parallel_joins_with_one_structure_invitation_make_one_member(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    for round_ in range(ROUNDS):
        before = _accounts(api)
        code = invite(
            api, world.structure_admin, world.structure_id, "professional", f"M. {round_}"
        )

        def join(i: int, code: str = code, round_: int = round_) -> tuple[int, str]:
            who = material(20, f"membre-{round_}-{i}")
            return _code(
                http.post(
                    "/api/v1/invitations/accept", json={"code": code, "account": who.signup_body}
                )
            )

        outcomes = Counter(burst(PARALLEL, join))
        assert outcomes == {(201, ""): 1, (403, "invalid_invitation"): PARALLEL - 1}
        assert _accounts(api) == before + 1
