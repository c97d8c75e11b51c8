"""The relay reminder (coffre/relays/, ``relay.reminder``) respects the responsible
professional's ``relays_not_taken`` toggle, on both backends: turned off, the relay is
still marked reminded (once) and the entry written, and nothing is sent."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.clock import FrozenClock
from coffre.relays.models import Relay
from tests.relays.world import build_relay_world
from tests.reminders.helpers import audited, coffre_of, told, turn_off


def test_a_relay_reminder_turned_off_is_not_sent_but_the_relay_is_reminded_once(
    api: TestClient, clock: FrozenClock, tmp_path: Path
) -> None:
    rw = build_relay_world(api, tmp_path)
    coffre = coffre_of(api)
    relay_id = rw.agreed()["id"]
    responsible = rw.orienting.account_id
    turn_off(api, responsible, "relays_not_taken", clock.now())
    clock.advance(days=10)
    assert coffre.relays.sweep().reminded == 1
    assert coffre.relays.sweep().reminded == 0
    assert told(api, responsible, "relay.reminder") == []
    assert audited(api, "relay.reminded", rw.person.account_id) == 1
    with coffre.db.unit_of_work() as db:
        assert db.scalar(select(Relay.reminded_at).where(Relay.id == relay_id)) is not None
