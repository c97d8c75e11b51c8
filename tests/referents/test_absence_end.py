"""The end of an absence (issue 16, docs/NETWORK.md "Fin d'une absence"): when the date
of an ``absent`` hand-over the person accepted has come, the person is asked, in plain
words, whether the absent référent takes the link back; nothing moves without them.
Run by the referents' sweep (coffre/jobs/registry.py) on a moved clock; asked
once, even by parallel sweeps. On both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import referents
from coffre.clock import FrozenClock
from coffre.consent.service import TERRITORY_ZONE
from coffre.referents.service import ReferentService
from tests.referents.world import API, ReferentWorld, build_referent_world
from tests.structures.world import log_in

ABSENCE_DAYS = 10


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> ReferentWorld:
    world = build_referent_world(api, tmp_path)
    assert world.designate().status_code == 201
    return world


def _sweeper(rw: ReferentWorld) -> ReferentService:
    service: ReferentService = rw.coffre.referents
    return service


def _absent(rw: ReferentWorld, clock: FrozenClock, accept: bool = True) -> None:
    """The référent is absent for ABSENCE_DAYS; the successor replaces them."""
    until = clock.now().astimezone(TERRITORY_ZONE).date() + timedelta(days=ABSENCE_DAYS)
    response = rw.api.post(
        f"{API}/referent/handovers",
        json={
            "from_professional_id": rw.referent.account_id,
            "successor_id": rw.successor.account_id,
            "reason": "absent",
            "until": until.isoformat(),
        },
        headers=rw.referent.headers,
    )
    assert response.status_code == 201, response.text
    if accept:
        person = rw.client(rw.person)
        handover = referents.my_referent(person).handover
        assert handover is not None
        referents.accept_handover(person, handover.id)


def _later(rw: ReferentWorld, clock: FrozenClock, days: int) -> None:
    """Move the clock; the person logs in again (the session expired meanwhile)."""
    clock.advance(days=days)
    log_in(rw.api, rw.person)


def _current(rw: ReferentWorld) -> str | None:
    mine = referents.my_referent(rw.client(rw.person))
    return None if mine.current is None else mine.current.professional.id


def test_at_the_end_of_the_absence_the_person_is_asked_and_nothing_moves_before(
    rw: ReferentWorld, clock: FrozenClock
) -> None:
    _absent(rw, clock)
    sweeper = _sweeper(rw)
    _later(rw, clock, ABSENCE_DAYS - 1)
    assert sweeper.sweep() == 0
    assert referents.my_referent(rw.client(rw.person)).handover is None
    _later(rw, clock, 1)
    assert sweeper.sweep() == 1
    mine = referents.my_referent(rw.client(rw.person))
    # Nothing moved: the successor is still the référent until the person answers.
    assert mine.current is not None
    assert mine.current.professional.id == rw.successor.account_id
    asked = mine.handover
    assert asked is not None and asked.reason == "back" and asked.until is None
    assert asked.from_professional.id == rw.successor.account_id
    assert asked.successor.id == rw.referent.account_id
    assert rw.notifications(rw.person).count("referent.handover") == 2  # named, then back
    history = rw.api.get(f"{API}/me/history", headers=rw.person.headers).json()["items"]
    assert history[0]["summary"] == (
        "L'absence de Mme Dupont (CCAS de Clermont-Ferrand) est finie : voulez-vous qu'il ou "
        "elle redevienne votre référent·e de parcours ? Rien ne change sans votre accord."
    )
    # Asked once: a later sweep asks nothing more.
    _later(rw, clock, 1)
    assert sweeper.sweep() == 0
    # The person agrees: the link goes back to the référent who was absent.
    accepted = referents.accept_handover(rw.client(rw.person), asked.id)
    assert accepted.link.professional.id == rw.referent.account_id
    assert _current(rw) == rw.referent.account_id
    assert sweeper.sweep() == 0


def test_a_refusal_is_the_persons_answer_and_is_not_asked_again(
    rw: ReferentWorld, clock: FrozenClock
) -> None:
    _absent(rw, clock)
    _later(rw, clock, ABSENCE_DAYS)
    assert _sweeper(rw).sweep() == 1
    asked = referents.my_referent(rw.client(rw.person)).handover
    assert asked is not None
    refused = rw.api.post(f"{API}/referent/handovers/{asked.id}/refuse", headers=rw.person.headers)
    assert refused.status_code == 200, refused.text
    _later(rw, clock, 3)
    assert _sweeper(rw).sweep() == 0
    assert _current(rw) == rw.successor.account_id


@pytest.mark.parametrize("meanwhile", ["not_accepted", "changed", "ended"])
def test_nobody_is_asked_when_the_person_did_not_keep_the_successor(
    rw: ReferentWorld, clock: FrozenClock, meanwhile: str
) -> None:
    _absent(rw, clock, accept=meanwhile != "not_accepted")
    if meanwhile == "changed":
        assert rw.designate(rw.other).status_code == 201
    elif meanwhile == "ended":
        ended = rw.api.delete(f"{API}/referent", headers=rw.person.headers)
        assert ended.status_code in (200, 204), ended.text
    _later(rw, clock, ABSENCE_DAYS + 1)
    assert _sweeper(rw).sweep() == 0
    handover = referents.my_referent(rw.client(rw.person)).handover
    assert handover is None or handover.reason == "absent"


def test_parallel_sweeps_ask_the_person_once(rw: ReferentWorld, clock: FrozenClock) -> None:
    _absent(rw, clock)
    _later(rw, clock, ABSENCE_DAYS)
    sweeper = _sweeper(rw)
    with ThreadPoolExecutor(max_workers=20) as pool:
        counts = list(pool.map(lambda _: sweeper.sweep(), range(20)))
    assert sum(counts) == 1
    backs = [h for h in rw.handovers() if h["reason"] == "back"]
    assert len(backs) == 1 and backs[0]["status"] == "pending"


def test_nobody_names_a_back_handover_by_hand(rw: ReferentWorld) -> None:
    body: dict[str, Any] = {
        "from_professional_id": rw.referent.account_id,
        "successor_id": rw.successor.account_id,
        "reason": "back",
    }
    response = rw.api.post(f"{API}/referent/handovers", json=body, headers=rw.referent.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_handover"
