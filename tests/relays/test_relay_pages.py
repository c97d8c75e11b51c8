"""GET /relays a page at a time (``cursor``, like GET /followed) instead of a silent
cap: every relay is listed once, most recently changed first, ties by id; a malformed
cursor is refused with a French message. On both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from client import relays as relay_client
from coffre.clock import FrozenClock
from tests.relays.world import RelayWorld, build_relay_world

URL = "/api/v1/relays"


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> RelayWorld:
    return build_relay_world(api, tmp_path)


def _pages(rw: RelayWorld, who: Any, limit: int, **params: str) -> list[list[str]]:
    pages: list[list[str]] = []
    query: dict[str, Any] = {"limit": limit, **params}
    while True:
        response = rw.api.get(URL, params=query, headers=who.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([r["id"] for r in body["relays"]])
        if body["next"] is None:
            return pages
        assert len(pages) < 10, "the cursor does not move on"
        query["cursor"] = body["next"]


def test_every_relay_is_listed_once_across_the_pages_in_order(
    rw: RelayWorld, clock: FrozenClock
) -> None:
    # Several relays changed at the same instant (the frozen clock): ties go by id.
    for burst in (3, 2, 2):
        for _ in range(burst):
            rw.propose()
        clock.advance(seconds=1)
    whole = rw.api.get(URL, params={"limit": 200}, headers=rw.orienting.headers).json()
    assert whole["next"] is None
    everything = [r["id"] for r in whole["relays"]]
    assert len(everything) == 7
    for who, params in ((rw.orienting, {"box": "outgoing"}), (rw.person, {"box": "mine"})):
        pages = _pages(rw, who, 3, **params)
        assert [len(p) for p in pages] == [3, 3, 1]
        assert [i for page in pages for i in page] == everything
    # The client follows the pages to the last.
    listed = relay_client.list_relays(rw.orienting.client(rw.api), box="outgoing")
    assert [r["id"] for r in listed] == everything


@pytest.mark.parametrize("cursor", ["nimportequoi", "1-" + "g" * 32, "9" * 18 + "-" + "a" * 32])
def test_a_malformed_cursor_is_refused(rw: RelayWorld, cursor: str) -> None:
    response = rw.api.get(URL, params={"cursor": cursor}, headers=rw.orienting.headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "relay_invalid"
    assert error["message"] == (
        "Cette page de relais n'existe pas. Rechargez la liste depuis le début."
    )


def _statements(rw: RelayWorld, who: Any) -> int:
    """How many SQL statements one GET /relays costs."""
    engine = rw.api.app.state.coffre.db.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = rw.api.get(URL, params={"limit": 200}, headers=who.headers)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.text
    return len(statements)


def test_a_page_of_relays_costs_the_same_queries_whatever_its_length(rw: RelayWorld) -> None:
    # The person and the taker see each relay's documents: read for the page at once,
    # not once per relay (and so are the names, keys and référents).
    rw.taken()
    one = {who.account_id: _statements(rw, who) for who in (rw.person, rw.agent, rw.orienting)}
    for _ in range(3):
        rw.taken()
    four = {who.account_id: _statements(rw, who) for who in (rw.person, rw.agent, rw.orienting)}
    assert four == one
