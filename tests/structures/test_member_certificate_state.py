"""The members list tells the structure admin each certificate's state (what the
/structure page and `coffre structure members` show): none, valid (until), ending
within 30 days, expired, revoked. Both backends; the clock moves, nothing sleeps."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from client.network import certify_v2, members, publish_root_v2, revoke
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.structures.world import TERRITORY, Who, World, build_world, invite, join, material


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The clock moves past a certificate's end: sessions outlive it.
    return settings.model_copy(
        update={"session_ttl_seconds": 500 * 86400, "session_idle_seconds": 500 * 86400}
    )


def _member(api: TestClient, by: Who, world: World, who: Who) -> dict[str, Any]:
    [member] = [
        m for m in members(by.client(api), world.structure_id) if m["account_id"] == who.account_id
    ]
    return member


def test_valid_ending_expired_revoked_and_none(api: TestClient, clock: FrozenClock) -> None:
    world = build_world(api)
    admin, sa, pro = world.admin, world.structure_admin, world.professional
    publish_root_v2(admin.client(api), admin.keys, TERRITORY, now=clock.now())
    certify_v2(
        admin.client(api),
        admin.account_id,
        admin.keys,
        world.structure_id,
        _member(api, admin, world, sa),
        territory=TERRITORY,
        days=365,
        now=clock.now(),
    )
    certify_v2(
        sa.client(api),
        sa.account_id,
        sa.keys,
        world.structure_id,
        _member(api, sa, world, pro),
        territory=TERRITORY,
        days=100,
        now=clock.now(),
    )
    newcomer = join(
        api, invite(api, sa, world.structure_id, "professional", "M. Neuf"), material(23, "neuf")
    )
    assert _member(api, sa, world, newcomer)["certificate_state"] == "none"
    listed = _member(api, sa, world, pro)
    assert listed["certificate_state"] == "valid" and listed["not_after"]

    clock.advance(days=71)  # 29 days left
    assert _member(api, sa, world, pro)["certificate_state"] == "ending"
    clock.advance(days=30)  # ended a day ago
    assert _member(api, sa, world, pro)["certificate_state"] == "expired"

    certify_v2(
        sa.client(api),
        sa.account_id,
        sa.keys,
        world.structure_id,
        _member(api, sa, world, pro),
        territory=TERRITORY,
        days=100,
        now=clock.now(),
    )
    assert _member(api, sa, world, pro)["certificate_state"] == "valid"
    revoke(sa.client(api), _member(api, sa, world, pro)["membership_id"], "device_stolen")
    assert _member(api, sa, world, pro)["certificate_state"] == "revoked"
