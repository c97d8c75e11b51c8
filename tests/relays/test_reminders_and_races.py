"""The relay's clock and its races, on both backends.

Reminders and expiry on a moved clock (the charter's ``rappel_apres_jours`` = 10 and
``expire_apres_jours`` = 30): the responsible professional is reminded exactly once,
the relay expires once, and neither happens a second earlier. Then the races: 20
sweeps at once remind each relay exactly once; 20 takes (or takes and declines) of one
relay at once through a live server let exactly one through, the others get
``relay_already_answered``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from client import relays as relay_client
from client.api import ApiError
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.notifications.models import Notification
from coffre.relays.models import Relay
from tests.concurrency import PARALLEL, answer, burst
from tests.relays.world import RelayWorld, build_relay_world
from tests.structures.world import Who, log_in

ROUNDS = 4


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> RelayWorld:
    return build_relay_world(api, tmp_path)


def _audited(rw: RelayWorld, action: str, relay_id: str | None = None) -> int:
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        query = select(func.count()).where(AuditEntry.action == action)
        if relay_id is not None:
            query = query.where(AuditEntry.object_id == relay_id)
        return int(db.scalar(query) or 0)


def _again(rw: RelayWorld, *people: Who) -> None:
    """Sessions end with time: log in again after the clock moved."""
    for who in people:
        log_in(rw.api, who)


def _told(rw: RelayWorld, account_id: str, kind: str) -> list[dict[str, str]]:
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        rows = db.scalars(
            select(Notification.data).where(
                Notification.account_id == account_id, Notification.kind == kind
            )
        ).all()
    return [json.loads(r) for r in rows]


def test_the_responsible_professional_is_reminded_once_then_the_relay_expires(
    rw: RelayWorld, clock: FrozenClock
) -> None:
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    relay = rw.agreed()
    rid = relay["id"]
    clock.advance(days=10, seconds=-1)
    assert coffre.relays.sweep().reminded == 0
    clock.advance(seconds=1)
    report = coffre.relays.sweep()
    assert (report.reminded, report.expired) == (1, 0)
    assert coffre.relays.sweep().reminded == 0  # once
    reminders = _told(rw, rw.orienting.account_id, "relay.reminder")
    assert [r["relay"] for r in reminders] == [rid]
    assert _audited(rw, "relay.reminded", rid) == 1
    _again(rw, rw.person, rw.agent)
    seen = relay_client.get(rw.person.client(rw.api), rid)
    assert seen["reminded_at"] is not None and seen["state"] == "proposed"

    clock.advance(days=20, seconds=-1)  # 30 days minus one second: still open
    assert coffre.relays.sweep().expired == 0
    clock.advance(seconds=1)
    assert coffre.relays.sweep().expired == 1
    assert coffre.relays.sweep().expired == 0
    _again(rw, rw.person, rw.agent)
    assert relay_client.get(rw.person.client(rw.api), rid)["state"] == "expired"
    assert _audited(rw, "relay.expired", rid) == 1
    assert "expired" in [n["event"] for n in _told(rw, rw.person.account_id, "relay.changed")]
    with pytest.raises(ApiError) as caught:
        relay_client.take(rw.agent.client(rw.api), rid)
    assert caught.value.code == "relay_already_answered"
    history = rw.api.get("/api/v1/me/history", headers=rw.person.headers).json()["items"]
    summaries = " | ".join(i["summary"] for i in history)
    assert "a reçu un rappel" in summaries and "il a expiré" in summaries


def test_a_relay_past_its_expiry_cannot_be_taken_even_before_the_sweep(
    rw: RelayWorld, clock: FrozenClock
) -> None:
    relay = rw.agreed()
    clock.advance(days=30)
    _again(rw, rw.agent)
    with pytest.raises(ApiError) as caught:
        relay_client.take(rw.agent.client(rw.api), relay["id"])
    assert caught.value.code == "relay_already_answered"


def test_a_taken_relay_is_neither_reminded_nor_expired(rw: RelayWorld, clock: FrozenClock) -> None:
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    relay = rw.taken()
    clock.advance(days=40)
    report = coffre.relays.sweep()
    assert (report.reminded, report.expired) == (0, 0)
    _again(rw, rw.agent)
    assert relay_client.get(rw.agent.client(rw.api), relay["id"])["state"] == "taken"


def test_twenty_sweeps_at_once_remind_each_relay_exactly_once(
    rw: RelayWorld, clock: FrozenClock
) -> None:
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    for _ in range(ROUNDS):
        _again(rw, rw.orienting)
        ids = [rw.propose()["id"] for _ in range(3)]
        clock.advance(days=10)
        reports = burst(PARALLEL, lambda _i: coffre.relays.sweep())
        assert sum(r.reminded for r in reports) == 3
        for rid in ids:
            assert _audited(rw, "relay.reminded", rid) == 1
        reminded = [n["relay"] for n in _told(rw, rw.orienting.account_id, "relay.reminder")]
        assert all(reminded.count(rid) == 1 for rid in ids)
        # And 20 sweeps at once expire them once each.
        clock.advance(days=20)
        reports = burst(PARALLEL, lambda _i: coffre.relays.sweep())
        assert sum(r.expired for r in reports) >= 3
        for rid in ids:
            assert _audited(rw, "relay.expired", rid) == 1


def _take(http: httpx.Client, rw: RelayWorld, relay_id: str, index: int) -> tuple[int, str]:
    who = rw.agent if index % 2 == 0 else rw.other_agent
    return answer(http.post(f"/api/v1/relays/{relay_id}/take", headers=who.headers))


def test_twenty_parallel_takes_let_exactly_one_member_take_the_relay(
    rw: RelayWorld, http: httpx.Client
) -> None:
    for _ in range(ROUNDS):
        rid = rw.agreed()["id"]
        outcomes = Counter(burst(PARALLEL, lambda i, rid=rid: _take(http, rw, rid, i)))
        assert outcomes == {(200, ""): 1, (409, "relay_already_answered"): PARALLEL - 1}
        assert _audited(rw, "relay.taken", rid) == 1
        coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
        with coffre.db.unit_of_work() as db:
            relay = db.get(Relay, rid)
            assert relay is not None and relay.state == "taken"
            assert relay.taken_by in (rw.agent.account_id, rw.other_agent.account_id)
        taken = [n for n in _told(rw, rw.person.account_id, "relay.changed") if n["relay"] == rid]
        assert [n["event"] for n in taken].count("taken") == 1


def test_takes_declines_and_the_persons_close_at_once_have_one_winner(
    rw: RelayWorld, http: httpx.Client
) -> None:
    for _ in range(ROUNDS):
        rid = rw.agreed()["id"]

        def one(index: int, rid: str = rid) -> tuple[int, str]:
            if index % 3 == 0:
                return _take(http, rw, rid, index)
            if index % 3 == 1:
                body = {"reason": "Nous ne couvrons pas ce quartier."}
                response = http.post(
                    f"/api/v1/relays/{rid}/decline", json=body, headers=rw.agent.headers
                )
                return answer(response)
            response = http.post(f"/api/v1/relays/{rid}/close", json={}, headers=rw.person.headers)
            return answer(response)

        outcomes = Counter(burst(PARALLEL, one))
        assert outcomes[(200, "")] == 1 or (
            # The person may close after a take (closing a taken relay is allowed): then
            # the take and the close both win, and every decline loses.
            outcomes[(200, "")] == 2
        )
        assert set(outcomes) <= {(200, ""), (409, "relay_already_answered")}
        changes = sum(
            _audited(rw, action, rid)
            for action in ("relay.taken", "relay.declined", "relay.closed")
        )
        assert changes == outcomes[(200, "")]
        coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
        with coffre.db.unit_of_work() as db:
            relay = db.get(Relay, rid)
            assert relay is not None
            assert not (relay.state == "declined" and relay.taken_by is not None)


def test_one_sweep_goes_on_batch_after_batch_until_nothing_is_due(
    rw: RelayWorld, clock: FrozenClock
) -> None:
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    ids = [rw.propose()["id"] for _ in range(5)]
    clock.advance(days=10)
    assert coffre.relays.sweep(batch=2).reminded == 5
    assert all(_audited(rw, "relay.reminded", rid) == 1 for rid in ids)
    clock.advance(days=20)
    assert coffre.relays.sweep(batch=2).expired == 5
