"""Choosing a référent de parcours, changing it, ending it, and a professional's
proposal (issue 16, "Référent de parcours"): on both backends, through the API and the
Python client. Bad input is refused with a stable code and nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from client import referents
from client.api import ApiError
from coffre.ids import new_id
from coffre.referents.models import ReferentLink
from tests.referents.world import API, ReferentWorld, build_referent_world


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> ReferentWorld:
    return build_referent_world(api, tmp_path)


def _history(rw: ReferentWorld) -> list[str]:
    response = rw.api.get(f"{API}/me/history", headers=rw.person.headers)
    assert response.status_code == 200, response.text
    return [i["summary"] for i in response.json()["items"] if i["action"].startswith("referent.")]


def test_a_person_chooses_a_certified_professional_as_referent(rw: ReferentWorld) -> None:
    link = referents.designate(rw.client(rw.person), rw.referent.account_id, rw.structure_id)
    assert link.status == "active" and link.proposed_by == "person"
    assert link.professional.name == "Mme Dupont"
    assert link.structure.name == "CCAS de Clermont-Ferrand"
    mine = referents.my_referent(rw.client(rw.person))
    assert mine.current == link and mine.proposals == () and mine.handover is None
    assert rw.audit() == ["referent.designated"]
    assert "referent.designated" in rw.notifications(rw.referent)
    assert _history(rw) == [
        "Mme Dupont (CCAS de Clermont-Ferrand) est votre référent·e de parcours : "
        "vous l'avez choisi·e."
    ]


def test_changing_ends_the_current_link_and_starts_the_new_one_in_one_step(
    rw: ReferentWorld,
) -> None:
    person = rw.client(rw.person)
    first = referents.designate(person, rw.referent.account_id, rw.structure_id)
    second = referents.designate(person, rw.successor.account_id, rw.structure_id)
    mine = referents.my_referent(person)
    assert mine.current is not None and mine.current.id == second.id
    [past] = mine.history
    assert past.id == first.id and past.status == "ended" and past.end_reason == "changed"
    assert len(rw.active()) == 1


def test_choosing_the_current_referent_again_changes_nothing(rw: ReferentWorld) -> None:
    assert rw.designate().status_code == 201
    before = rw.links()
    response = rw.designate()
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "referent_already_active"
    assert rw.links() == before


@pytest.mark.parametrize(
    "target",
    ["unknown", "the_person", "structure_admin_elsewhere", "malformed", "territory_admin"],
)
def test_only_a_certified_member_of_the_named_structure_can_be_chosen(
    rw: ReferentWorld, target: str
) -> None:
    professional, structure = {
        "unknown": (new_id(), rw.structure_id),
        "the_person": (rw.person.account_id, rw.structure_id),
        "structure_admin_elsewhere": (rw.admin.account_id, new_id()),
        "malformed": ("x' OR 1=1 --", rw.structure_id),
        "territory_admin": (rw.cw.world.admin.account_id, rw.structure_id),
    }[target]
    response = rw.api.post(
        f"{API}/referent",
        json={"professional_id": professional, "structure_id": structure},
        headers=rw.person.headers,
    )
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "professional_not_found"
    assert rw.links() == [] and rw.audit() == []


def test_a_professional_who_left_the_structure_cannot_be_chosen(rw: ReferentWorld) -> None:
    ended = rw.api.post(
        f"{API}/memberships/{rw.cw.world.memberships['professional']}/end",
        headers=rw.referent.headers,
    )
    assert ended.status_code in (200, 204), ended.text
    response = rw.designate()
    assert response.json()["error"]["code"] == "professional_not_found"
    assert rw.links() == []


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"professional_id": "a" * 32},
        {"professional_id": "a" * 32, "structure_id": "b" * 32, "extra": 1},
        {"professional_id": "a" * 65, "structure_id": "b" * 32},
        {"professional_id": "a" * 32, "structure_id": "b" * 32, "show_expiry_count": "oui"},
    ],
)
def test_malformed_bodies_are_refused_and_change_nothing(
    rw: ReferentWorld, body: dict[str, object]
) -> None:
    response = rw.api.post(f"{API}/referent", json=body, headers=rw.person.headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert rw.links() == []


def test_only_a_person_chooses_a_referent(rw: ReferentWorld) -> None:
    body = {"professional_id": rw.successor.account_id, "structure_id": rw.structure_id}
    response = rw.api.post(f"{API}/referent", json=body, headers=rw.referent.headers)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "professional_not_found"
    assert rw.links() == []


def test_ending_is_one_step_and_is_kept_in_the_history(rw: ReferentWorld) -> None:
    person = rw.client(rw.person)
    referents.designate(person, rw.referent.account_id, rw.structure_id)
    referents.end(person)
    mine = referents.my_referent(person)
    assert mine.current is None
    assert [(p.status, p.end_reason) for p in mine.history] == [("ended", "ended_by_person")]
    assert "referent.ended" in rw.notifications(rw.referent)
    assert _history(rw)[0] == (
        "Vous avez mis fin au suivi de Mme Dupont (CCAS de Clermont-Ferrand) comme "
        "référent·e de parcours."
    )
    with pytest.raises(ApiError) as refused:
        referents.end(person)
    assert refused.value.code == "referent_not_found"


def test_the_person_chooses_whether_the_expiry_count_is_shown(rw: ReferentWorld) -> None:
    person = rw.client(rw.person)
    assert not referents.designate(
        person, rw.referent.account_id, rw.structure_id
    ).show_expiry_count
    assert referents.set_show_expiry_count(person, True).show_expiry_count
    assert referents.my_referent(person).current.show_expiry_count  # type: ignore[union-attr]
    assert rw.audit()[-1] == "referent.expiry_count_shown"
    response = rw.api.patch(f"{API}/referent", json={}, headers=rw.person.headers)
    assert response.status_code == 422


def test_the_database_holds_one_active_link_per_person(rw: ReferentWorld) -> None:
    assert rw.designate().status_code == 201
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), rw.coffre.db.unit_of_work() as db:
        db.add(
            ReferentLink(
                id=new_id(),
                person_id=rw.person.account_id,
                professional_id=rw.successor.account_id,
                structure_id=rw.structure_id,
                status="active",
                proposed_by="person",
                show_expiry_count=False,
                created_at=now,
                started_at=now,
            )
        )
    assert len(rw.active()) == 1


# -- proposals -------------------------------------------------------------------


def test_a_linked_professional_proposes_and_the_person_accepts(rw: ReferentWorld) -> None:
    rw.share_with(rw.referent)
    proposal = referents.propose(rw.client(rw.referent), rw.person.account_id, rw.structure_id)
    assert proposal.status == "proposed" and proposal.proposed_by == "professional"
    assert "referent.proposed" in rw.notifications(rw.person)
    mine = referents.my_referent(rw.client(rw.person))
    assert mine.current is None and [p.id for p in mine.proposals] == [proposal.id]
    assert _history(rw)[0] == (
        "Mme Dupont (CCAS de Clermont-Ferrand) vous propose d'être votre référent·e de "
        "parcours. Vous pouvez accepter ou refuser."
    )
    accepted = referents.accept_proposal(rw.client(rw.person), proposal.id)
    assert accepted.id == proposal.id and accepted.status == "active"
    with pytest.raises(ApiError) as twice:
        referents.accept_proposal(rw.client(rw.person), proposal.id)
    assert twice.value.status == 409 and twice.value.code == "referent_proposal_already_answered"


def test_accepting_a_proposal_replaces_the_current_referent(rw: ReferentWorld) -> None:
    person = rw.client(rw.person)
    referents.designate(person, rw.successor.account_id, rw.structure_id)
    rw.share_with(rw.referent)
    proposal = referents.propose(rw.client(rw.referent), rw.person.account_id, rw.structure_id)
    referents.accept_proposal(person, proposal.id)
    mine = referents.my_referent(person)
    assert mine.current is not None and mine.current.professional.id == rw.referent.account_id
    assert [(p.professional.id, p.end_reason) for p in mine.history] == [
        (rw.successor.account_id, "changed")
    ]


def test_the_person_declines_a_proposal(rw: ReferentWorld) -> None:
    rw.share_with(rw.referent)
    proposal = referents.propose(rw.client(rw.referent), rw.person.account_id, rw.structure_id)
    declined = referents.decline_proposal(rw.client(rw.person), proposal.id)
    assert declined.status == "declined"
    assert "referent.declined" in rw.notifications(rw.referent)
    assert rw.active() == []


def test_a_professional_not_linked_with_the_person_cannot_propose(rw: ReferentWorld) -> None:
    body = {"person_id": rw.person.account_id, "structure_id": rw.structure_id}
    unknown = {"person_id": new_id(), "structure_id": rw.structure_id}
    response = rw.api.post(f"{API}/referent/proposals", json=body, headers=rw.referent.headers)
    missing = rw.api.post(f"{API}/referent/proposals", json=unknown, headers=rw.referent.headers)
    # Refused exactly like a person who does not exist.
    assert (response.status_code, response.json()) == (missing.status_code, missing.json())
    assert response.json()["error"]["code"] == "person_not_found"
    assert rw.links() == []


def test_a_proposal_waits_once(rw: ReferentWorld) -> None:
    rw.share_with(rw.referent)
    body = {"person_id": rw.person.account_id, "structure_id": rw.structure_id}
    first = rw.api.post(f"{API}/referent/proposals", json=body, headers=rw.referent.headers)
    assert first.status_code == 201
    again = rw.api.post(f"{API}/referent/proposals", json=body, headers=rw.referent.headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "referent_already_proposed"
    assert len(rw.links()) == 1


def test_someone_else_cannot_answer_a_proposal(rw: ReferentWorld) -> None:
    rw.share_with(rw.referent)
    proposal = referents.propose(rw.client(rw.referent), rw.person.account_id, rw.structure_id)
    for who in (rw.referent, rw.other, rw.admin):
        response = rw.api.post(
            f"{API}/referent/proposals/{proposal.id}/accept", headers=who.headers
        )
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "referent_proposal_not_found"
    assert [row["status"] for row in rw.links()] == ["proposed"]


def test_a_referent_who_leaves_the_structure_is_the_persons_referent_no_more(
    rw: ReferentWorld,
) -> None:
    assert rw.designate().status_code == 201
    ended = rw.api.post(
        f"{API}/memberships/{rw.cw.world.memberships['professional']}/end",
        headers=rw.admin.headers,
    )
    assert ended.status_code in (200, 204), ended.text
    mine = referents.my_referent(rw.client(rw.person))
    assert mine.current is None
    assert [(p.status, p.end_reason) for p in mine.history] == [("ended", "membership_ended")]
    assert "referent.ended" in rw.notifications(rw.person)
    assert _history(rw)[0] == (
        "Mme Dupont (CCAS de Clermont-Ferrand) ne fait plus partie de cette structure : ce "
        "n'est plus votre référent·e de parcours. Vous pouvez en choisir un·e autre."
    )


def test_a_person_who_erases_their_account_is_followed_no_more(rw: ReferentWorld) -> None:
    from crypto import b64encode

    assert rw.designate().status_code == 201
    erased = rw.api.request(
        "DELETE",
        f"{API}/me",
        json={"auth_key": b64encode(rw.person.auth_key)},
        headers=rw.person.headers,
    )
    assert erased.status_code in (200, 204), erased.text
    assert referents.followed(rw.client(rw.referent)).items == ()
    assert [(row["status"], row["end_reason"]) for row in rw.links()] == [
        ("ended", "ended_by_person")
    ]
