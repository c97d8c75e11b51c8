"""The référent de parcours under 20 parallel requests, on both backends (docs/
RELIABILITY.md, "Limits under concurrency"): one active référent per person whatever
races (the database decides), and a hand-over answered once when an acceptance races a
refusal (one conditional UPDATE wins)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from tests.concurrency import PARALLEL, answer, burst
from tests.referents.world import API, build_referent_world


def test_twenty_designations_at_once_leave_exactly_one_active_referent(
    api: TestClient, tmp_path: Path, http: httpx.Client
) -> None:
    rw = build_referent_world(api, tmp_path)
    choices = [rw.referent, rw.successor, rw.other]

    def designate(i: int) -> httpx.Response:
        body = {
            "professional_id": choices[i % len(choices)].account_id,
            "structure_id": rw.structure_id,
        }
        return http.post(f"{API}/referent", json=body, headers=rw.person.headers)

    results = Counter(answer(r) for r in burst(PARALLEL, designate))
    assert set(results) <= {(201, ""), (409, "referent_already_active")}
    made = results[(201, "")]
    assert made >= 1
    assert len(rw.active()) == 1
    # Every designation that was answered 201 is in the history: each one but the
    # last ended as "changed", and each was audited once.
    ended = [row for row in rw.links() if row["status"] == "ended"]
    assert len(ended) == made - 1 and {row["end_reason"] for row in ended} <= {"changed"}
    assert rw.audit().count("referent.designated") == made


def test_twenty_designations_of_one_professional_make_one_link(
    api: TestClient, tmp_path: Path, http: httpx.Client
) -> None:
    rw = build_referent_world(api, tmp_path)
    body = {"professional_id": rw.referent.account_id, "structure_id": rw.structure_id}
    results = burst(
        PARALLEL, lambda _: http.post(f"{API}/referent", json=body, headers=rw.person.headers)
    )
    assert sorted(answer(r) for r in results) == [(201, "")] + [
        (409, "referent_already_active")
    ] * (PARALLEL - 1)
    assert len(rw.links()) == 1 and len(rw.active()) == 1
    assert rw.audit() == ["referent.designated"]


def test_an_acceptance_racing_a_refusal_answers_the_handover_once(
    api: TestClient, tmp_path: Path, http: httpx.Client
) -> None:
    rw = build_referent_world(api, tmp_path)
    assert rw.designate().status_code == 201
    named = api.post(
        f"{API}/referent/handovers",
        json={
            "from_professional_id": rw.referent.account_id,
            "successor_id": rw.successor.account_id,
            "reason": "left",
        },
        headers=rw.referent.headers,
    )
    assert named.status_code == 201, named.text
    [handover] = rw.handovers()

    def respond(i: int) -> httpx.Response:
        verb = "accept" if i % 2 == 0 else "refuse"
        return http.post(
            f"{API}/referent/handovers/{handover['id']}/{verb}", headers=rw.person.headers
        )

    results = [answer(r) for r in burst(PARALLEL, respond)]
    assert sorted(results) == [(200, "")] + [(409, "referent_handover_already_answered")] * (
        PARALLEL - 1
    )
    [after] = rw.handovers()
    [active] = rw.active()
    if after["status"] == "accepted":
        assert active["professional_id"] == rw.successor.account_id
        assert rw.audit()[-1] == "referent.handover_accepted"
    else:
        assert after["status"] == "refused"
        assert active["professional_id"] == rw.referent.account_id
        assert rw.audit()[-1] == "referent.handover_refused"
    answers = [
        a
        for a in rw.audit()
        if a.startswith("referent.handover_") and a != "referent.handover_named"
    ]
    assert len(answers) == 1
