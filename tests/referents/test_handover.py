"""Hand-over (issue 16): when a référent leaves, is replaced or is absent, they or an
admin of their structure name a successor; the person is asked in plain words; nothing
moves without them. Accepting moves the link, and the answer lists the grants the page
re-shares in one tap; refusing changes nothing. The successor sees the person, and what
is pending, once the person agrees — never before. On both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import referents
from client.api import ApiError
from coffre.clock import FrozenClock
from coffre.consent.service import TERRITORY_ZONE
from coffre.ids import new_id
from tests.referents.world import API, ReferentWorld, build_referent_world
from tests.structures.world import pinned_root


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> ReferentWorld:
    world = build_referent_world(api, tmp_path)
    assert world.designate().status_code == 201
    return world


def _name(rw: ReferentWorld, by: Any = None, **body: Any) -> Any:
    payload = {
        "from_professional_id": rw.referent.account_id,
        "successor_id": rw.successor.account_id,
        "reason": "replaced",
        **body,
    }
    by = by or rw.referent
    return rw.api.post(f"{API}/referent/handovers", json=payload, headers=by.headers)


def _handover_id(rw: ReferentWorld) -> str:
    handover = referents.my_referent(rw.client(rw.person)).handover
    assert handover is not None
    return handover.id


def test_the_person_is_asked_and_the_successor_sees_nothing_before(rw: ReferentWorld) -> None:
    grant = rw.share_with(rw.referent, [rw.cw.identity, rw.cw.address])
    response = _name(rw)
    assert response.status_code == 201 and response.json() == {"count": 1}
    mine = referents.my_referent(rw.client(rw.person))
    assert mine.current is not None and mine.current.professional.id == rw.referent.account_id
    handover = mine.handover
    assert handover is not None
    assert handover.from_professional.name == "Mme Dupont"
    assert handover.successor.name == "Mme Martin" and handover.reason == "replaced"
    [regrant] = handover.regrants
    assert regrant.grant_id == grant["id"]
    assert set(regrant.document_ids) == {rw.cw.identity, rw.cw.address}
    assert "referent.handover" in rw.notifications(rw.person)
    history = rw.api.get(f"{API}/me/history", headers=rw.person.headers).json()["items"]
    assert history[0]["summary"] == (
        "Mme Dupont (CCAS de Clermont-Ferrand) a proposé un·e autre référent·e de parcours "
        "pour vous. Rien ne change sans votre accord."
    )
    # Nothing moved: the successor does not follow the person yet.
    seen = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.successor.headers)
    assert seen.status_code == 404
    assert referents.followed(rw.client(rw.successor)).items == ()
    assert len(referents.followed(rw.client(rw.referent)).items) == 1


def test_the_successor_sees_what_is_pending_once_the_person_agrees(
    rw: ReferentWorld, clock: FrozenClock
) -> None:
    """The seeds (004, situation 3): a curator off sick, a second replacement who "n'avait
    pas eu connaissance" of how the food vouchers worked. Here the successor sees, as soon
    as the person agrees, the requests waiting and the grants in force, and the person
    re-shares with them in one step."""
    old_grant = rw.share_with(rw.referent, [rw.cw.identity], days=20, now=clock.now())
    rw.share_with(rw.other, [rw.cw.address])
    rw.ask(rw.other, category="domicile", message="Pour le dossier d'aide alimentaire")
    assert _name(rw, reason="absent", until=_in_days(clock, 60)).status_code == 201
    person = rw.client(rw.person)
    accepted = referents.accept_handover(person, _handover_id(rw))
    assert accepted.link.professional.id == rw.successor.account_id
    assert accepted.link.status == "active" and accepted.link.proposed_by == "professional"
    assert [r.grant_id for r in accepted.regrants] == [old_grant["id"]]
    mine = referents.my_referent(person)
    assert mine.current is not None and mine.current.id == accepted.link.id
    assert mine.handover is None
    assert [(p.professional.id, p.end_reason) for p in mine.history] == [
        (rw.referent.account_id, "handed_over")
    ]
    # What is pending, at once: the request waiting, the grants in force.
    detail = referents.followed_person(rw.client(rw.successor), rw.person.account_id)
    assert detail.summary.requests_waiting == 1
    assert [r.professional.name for r in detail.requests] == ["M. Leroy"]
    assert {g.professional.id for g in detail.grants} == {
        rw.referent.account_id,
        rw.other.account_id,
    }
    # The old référent follows the person no more.
    gone = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.referent.headers)
    assert gone.status_code == 404
    # One tap: the same documents, purpose and end, sealed to the successor.
    made = referents.reshare(
        person,
        rw.person.keys,
        person_id=rw.person.account_id,
        successor_id=rw.successor.account_id,
        regrants=accepted.regrants,
        pinned_root=pinned_root(rw.cw.world.admin),
        now=clock.now(),
    )
    [new_grant] = made
    detail = referents.followed_person(rw.client(rw.successor), rw.person.account_id)
    [line] = [g for g in detail.grants if g.professional.id == rw.successor.account_id]
    assert line.grant_id == new_grant["id"] and line.document_ids == (rw.cw.identity,)
    assert line.not_after <= accepted.regrants[0].not_after
    history = rw.api.get(f"{API}/me/history", headers=rw.person.headers).json()["items"]
    assert any(
        item["summary"]
        == "Vous avez accepté que Mme Martin (CCAS de Clermont-Ferrand) devienne votre "
        "référent·e de parcours."
        for item in history
    )


def test_refusing_changes_nothing_and_is_answered_once(rw: ReferentWorld) -> None:
    assert _name(rw, reason="left").status_code == 201
    handover_id = _handover_id(rw)
    before = rw.links()
    kept = referents.refuse_handover(rw.client(rw.person), handover_id)
    assert kept.professional.id == rw.referent.account_id and kept.status == "active"
    assert rw.links() == before
    for answer in ("accept", "refuse"):
        again = rw.api.post(
            f"{API}/referent/handovers/{handover_id}/{answer}", headers=rw.person.headers
        )
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "referent_handover_already_answered"
    assert rw.links() == before
    assert (
        rw.api.get(
            f"{API}/followed/{rw.person.account_id}", headers=rw.successor.headers
        ).status_code
        == 404
    )


def test_an_admin_of_the_referents_structure_names_the_successor(rw: ReferentWorld) -> None:
    response = _name(rw, by=rw.admin, reason="left")
    assert response.status_code == 201 and response.json() == {"count": 1}
    assert rw.handovers()[0]["named_by"] == rw.admin.account_id


@pytest.mark.parametrize("who", ["other_professional", "successor", "person"])
def test_nobody_else_names_a_successor(rw: ReferentWorld, who: str) -> None:
    by = {"other_professional": rw.other, "successor": rw.successor, "person": rw.person}[who]
    response = _name(rw, by=by)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "professional_not_found"
    assert rw.handovers() == []


@pytest.mark.parametrize("successor", ["unknown", "the_person", "left_the_structure", "self"])
def test_the_successor_must_be_a_certified_professional(rw: ReferentWorld, successor: str) -> None:
    if successor == "left_the_structure":
        ended = rw.api.post(
            f"{API}/memberships/{_membership(rw, rw.successor)}/end", headers=rw.admin.headers
        )
        assert ended.status_code in (200, 204), ended.text
    successor_id = {
        "unknown": new_id(),
        "the_person": rw.person.account_id,
        "left_the_structure": rw.successor.account_id,
        "self": rw.referent.account_id,
    }[successor]
    response = _name(rw, successor_id=successor_id)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "professional_not_found"
    assert rw.handovers() == []


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "vacances"},
        {"reason": "absent"},
        {"reason": "absent", "until": "2020-01-01"},
        {"reason": "left", "until": "2099-01-01"},
        {"person_ids": ["pas-un-identifiant"]},
    ],
)
def test_a_malformed_handover_is_refused_and_changes_nothing(
    rw: ReferentWorld, body: dict[str, Any]
) -> None:
    response = _name(rw, **body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_handover"
    assert rw.handovers() == []


def test_naming_again_replaces_the_waiting_handover(rw: ReferentWorld) -> None:
    assert _name(rw).status_code == 201
    first = _handover_id(rw)
    assert _name(rw, successor_id=rw.other.account_id).status_code == 201
    second = _handover_id(rw)
    assert second != first
    stale = rw.api.post(f"{API}/referent/handovers/{first}/accept", headers=rw.person.headers)
    assert stale.json()["error"]["code"] == "referent_handover_not_found"
    accepted = referents.accept_handover(rw.client(rw.person), second)
    assert accepted.link.professional.id == rw.other.account_id


def test_changing_referent_cancels_the_waiting_handover(rw: ReferentWorld) -> None:
    assert _name(rw).status_code == 201
    handover_id = _handover_id(rw)
    assert rw.designate(rw.other).status_code == 201
    response = rw.api.post(
        f"{API}/referent/handovers/{handover_id}/accept", headers=rw.person.headers
    )
    assert response.json()["error"]["code"] == "referent_handover_not_found"
    assert [row["professional_id"] for row in rw.active()] == [rw.other.account_id]


def test_only_the_person_answers_their_handover(rw: ReferentWorld) -> None:
    assert _name(rw).status_code == 201
    handover_id = _handover_id(rw)
    for who in (rw.successor, rw.referent, rw.admin):
        response = rw.api.post(
            f"{API}/referent/handovers/{handover_id}/accept", headers=who.headers
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "referent_handover_not_found"
    assert [h["status"] for h in rw.handovers()] == ["pending"]


def test_a_referent_without_persons_names_nobody(rw: ReferentWorld) -> None:
    with pytest.raises(ApiError):
        referents.name_successor(
            rw.client(rw.other),
            from_professional_id=rw.referent.account_id,
            successor_id=rw.successor.account_id,
            reason="left",
        )
    count = referents.name_successor(
        rw.client(rw.other),
        from_professional_id=rw.other.account_id,
        successor_id=rw.successor.account_id,
        reason="left",
    )
    assert count == 0 and rw.handovers() == []


def _in_days(clock: FrozenClock, days: int) -> str:
    return (clock.now().astimezone(TERRITORY_ZONE).date() + timedelta(days=days)).isoformat()


def _membership(rw: ReferentWorld, who: Any) -> str:
    members = rw.api.get(
        f"{API}/structures/{rw.structure_id}/members", headers=rw.admin.headers
    ).json()["members"]
    return str(next(m["membership_id"] for m in members if m["account_id"] == who.account_id))


def test_the_expiry_count_shown_to_the_old_referent_is_not_carried_over(
    rw: ReferentWorld,
) -> None:
    referents.set_show_expiry_count(rw.client(rw.person), True)
    assert _name(rw).status_code == 201
    accepted = referents.accept_handover(rw.client(rw.person), _handover_id(rw))
    assert accepted.link.show_expiry_count is False
    [item] = referents.followed(rw.client(rw.successor)).items
    assert item.documents_expiring_count is None
