"""The members list tells the structure admin each certificate's state (what the
/structure page and `coffre structure members` show): none, valid (until), ending
within 30 days, expired, revoked. Both backends; the clock moves, nothing sleeps."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from client.network import certify_v2, publish_root_v2, revoke
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.structures.world import (
    TERRITORY,
    build_world,
    invite,
    join,
    material,
    member_row,
    sessions_outlive_certificates,
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return sessions_outlive_certificates(settings)


def test_valid_ending_expired_revoked_and_none(api: TestClient, clock: FrozenClock) -> None:
    world = build_world(api)
    admin, sa, pro = world.admin, world.structure_admin, world.professional
    publish_root_v2(admin.client(api), admin.keys, TERRITORY, now=clock.now())
    certify_v2(
        admin.client(api),
        admin.account_id,
        admin.keys,
        world.structure_id,
        member_row(api, admin, world.structure_id, sa),
        territory=TERRITORY,
        days=365,
        now=clock.now(),
    )
    certify_v2(
        sa.client(api),
        sa.account_id,
        sa.keys,
        world.structure_id,
        member_row(api, sa, world.structure_id, pro),
        territory=TERRITORY,
        days=100,
        now=clock.now(),
    )
    newcomer = join(
        api, invite(api, sa, world.structure_id, "professional", "M. Neuf"), material(23, "neuf")
    )
    assert member_row(api, sa, world.structure_id, newcomer)["certificate_state"] == "none"
    listed = member_row(api, sa, world.structure_id, pro)
    assert listed["certificate_state"] == "valid" and listed["not_after"]

    clock.advance(days=71)  # 29 days left
    assert member_row(api, sa, world.structure_id, pro)["certificate_state"] == "ending"
    clock.advance(days=30)  # ended a day ago
    assert member_row(api, sa, world.structure_id, pro)["certificate_state"] == "expired"

    certify_v2(
        sa.client(api),
        sa.account_id,
        sa.keys,
        world.structure_id,
        member_row(api, sa, world.structure_id, pro),
        territory=TERRITORY,
        days=100,
        now=clock.now(),
    )
    assert member_row(api, sa, world.structure_id, pro)["certificate_state"] == "valid"
    revoke(
        sa.client(api),
        member_row(api, sa, world.structure_id, pro)["membership_id"],
        "device_stolen",
    )
    assert member_row(api, sa, world.structure_id, pro)["certificate_state"] == "revoked"
