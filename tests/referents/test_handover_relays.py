"""A hand-over moves the relays the old référent was responsible for (issue 16, network
contract): accepted, the open relays of the person whose responsible was the old
référent pass to the successor, who sees them in the référent's view; refused, nothing
moves. A closed relay stays with whoever held it. Both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from client import referents
from tests.relays.world import RelayWorld, build_relay_world

API = "/api/v1"


def _responsible(rw: RelayWorld, relay_id: str) -> str:
    coffre: Any = rw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        row = db.execute(
            text("SELECT responsible_id FROM relays WHERE id = :id"), {"id": relay_id}
        ).one()
        return str(row[0])


def _hand_over(rw: RelayWorld) -> str:
    person = rw.person.client(rw.api)
    referents.designate(person, rw.orienting.account_id, rw.cw.world.structure_id)
    count = referents.name_successor(
        rw.orienting.client(rw.api),
        from_professional_id=rw.orienting.account_id,
        successor_id=rw.agent.account_id,
        reason="left",
    )
    assert count == 1
    handover = referents.my_referent(person).handover
    assert handover is not None
    return handover.id


def test_accepting_moves_the_open_relays_to_the_successor(api: TestClient, tmp_path: Path) -> None:
    rw = build_relay_world(api, tmp_path)
    relay = rw.propose()
    handover_id = _hand_over(rw)
    # Before the person agrees, the successor sees neither the person nor the relay.
    assert (
        rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.agent.headers).status_code
        == 404
    )
    referents.accept_handover(rw.person.client(rw.api), handover_id)
    assert _responsible(rw, relay["id"]) == rw.agent.account_id
    detail = referents.followed_person(rw.agent.client(rw.api), rw.person.account_id)
    assert detail.summary.relays_open == 1
    [line] = detail.relays
    assert line["id"] == relay["id"] and line["state"] == "proposed"
    assert line["target_structure"]["name"] == "CAF du Puy-de-Dôme"


def test_refusing_moves_no_relay(api: TestClient, tmp_path: Path) -> None:
    rw = build_relay_world(api, tmp_path)
    relay = rw.propose()
    handover_id = _hand_over(rw)
    referents.refuse_handover(rw.person.client(rw.api), handover_id)
    assert _responsible(rw, relay["id"]) == rw.orienting.account_id
    detail = referents.followed_person(rw.orienting.client(rw.api), rw.person.account_id)
    assert detail.summary.relays_open == 1
