"""The référent's view shows only what the person consented to (issue 16): grants in
force (a grant to someone else: the professional, the structure, the purpose and the
end, never its documents), requests waiting (never their message), documents about to
expire (only those shared with the référent, or a bare count the person chose to show),
the network (who holds an active grant now). A revoked or expired grant disappears. A
professional who is not the person's référent sees nothing, exactly as for an unknown
person. On both backends."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import referents
from coffre.clock import FrozenClock
from coffre.consent.service import TERRITORY_ZONE
from coffre.ids import new_id
from tests.consent.world import MDPH
from tests.referents.world import API, ReferentWorld, build_referent_world
from tests.structures.world import log_in


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> ReferentWorld:
    world = build_referent_world(api, tmp_path)
    assert world.designate().status_code == 201
    return world


def _detail(rw: ReferentWorld) -> dict[str, object]:
    response = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.referent.headers)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_grant_to_someone_else_shows_who_where_and_why_but_no_document(
    rw: ReferentWorld,
) -> None:
    to_other = rw.share_with(rw.other, [rw.cw.identity, rw.cw.address])
    to_me = rw.share_with(rw.referent, [rw.cw.address])
    detail = referents.followed_person(rw.client(rw.referent), rw.person.account_id)
    assert detail.summary.grants_active == 2 and detail.summary.grants_ending == 0
    lines = {g.professional.id: g for g in detail.grants}
    other = lines[rw.other.account_id]
    assert other.grant_id is None and other.document_ids == ()
    assert other.professional.name == "M. Leroy"
    assert other.structure.name == "CCAS de Clermont-Ferrand"
    assert (other.purpose, other.purpose_label) == (
        "ouverture-droits-rsa",
        "Ouverture de droits au RSA",
    )
    mine = lines[rw.referent.account_id]
    assert mine.grant_id == to_me["id"] and mine.document_ids == (rw.cw.address,)
    assert {p.id for p, _ in detail.network} == {rw.other.account_id, rw.referent.account_id}
    raw = json.dumps(_detail(rw))
    # Nothing of the other grant but who, where, why and until when.
    assert str(to_other["id"]) not in raw and rw.cw.identity not in raw
    assert rw.cw.health not in raw


def test_a_revoked_or_expired_grant_disappears(rw: ReferentWorld, clock: FrozenClock) -> None:
    revoked = rw.share_with(rw.other)
    rw.share_with(rw.successor, days=3, now=clock.now())
    assert (
        rw.api.post(f"{API}/grants/{revoked['id']}/revoke", headers=rw.person.headers).status_code
        == 200
    )
    summary = referents.followed_person(rw.client(rw.referent), rw.person.account_id)
    assert [g.professional.id for g in summary.grants] == [rw.successor.account_id]
    assert summary.summary.grants_ending == 1  # ends within 7 days
    clock.advance(days=3, seconds=1)
    log_in(rw.api, rw.referent)
    detail = referents.followed_person(rw.client(rw.referent), rw.person.account_id)
    assert detail.grants == () and detail.network == ()
    assert detail.summary.grants_active == 0


def test_waiting_requests_show_who_and_what_for_never_the_message(rw: ReferentWorld) -> None:
    rw.ask(rw.other, message="Message confidentiel pour la personne")
    detail = _detail(rw)
    assert detail["requests_waiting"] == 1
    [request] = detail["requests"]  # type: ignore[misc]
    assert request["professional"]["name"] == "M. Leroy"
    assert request["purpose"]["code"] == "ouverture-droits-rsa"
    assert "confidentiel" not in json.dumps(detail)
    assert set(request) == {"professional", "structure", "purpose", "due_on", "expires_at"}


def test_expiring_documents_are_only_those_shared_with_the_referent_or_a_count(
    rw: ReferentWorld, clock: FrozenClock
) -> None:
    today = clock.now().astimezone(TERRITORY_ZONE).date()
    shared = rw.upload_expiring("identite", today + timedelta(days=20))
    not_shared = rw.upload_expiring("sante", today + timedelta(days=10))
    far = rw.upload_expiring("identite", today + timedelta(days=400))
    rw.share_with(rw.referent, [shared, far])
    rw.share_with(rw.other, [not_shared], purpose=MDPH)
    [item] = referents.followed(rw.client(rw.referent)).items
    assert [d.document_id for d in item.documents_expiring] == [shared]
    assert item.documents_expiring[0].category == "identite"
    assert item.documents_expiring_count is None
    assert not_shared not in json.dumps(_detail(rw))
    # The person agrees to show how many: a count of all, still no other id.
    referents.set_show_expiry_count(rw.client(rw.person), True)
    [item] = referents.followed(rw.client(rw.referent)).items
    assert item.documents_expiring_count == 2
    assert [d.document_id for d in item.documents_expiring] == [shared]
    assert not_shared not in json.dumps(_detail(rw))


def test_the_referent_reads_no_document_without_a_grant(rw: ReferentWorld) -> None:
    to_other = rw.share_with(rw.other)
    pulled = rw.api.post(
        f"{API}/grants/{to_other['id']}/documents/{rw.cw.identity}/pull",
        json={"reason": None},
        headers=rw.referent.headers,
    )
    assert pulled.status_code == 404


def test_a_professional_who_is_not_the_referent_sees_nothing(rw: ReferentWorld) -> None:
    rw.share_with(rw.other)
    for who in (rw.other, rw.admin, rw.successor):
        response = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=who.headers)
        unknown = rw.api.get(f"{API}/followed/{new_id()}", headers=who.headers)
        assert (response.status_code, response.json()) == (unknown.status_code, unknown.json())
        assert response.json()["error"]["code"] == "person_not_found"
        assert referents.followed(rw.client(who)).items == ()
    # Nor does the person, nor anyone once the link has ended.
    own = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.person.headers)
    assert own.status_code in (403, 404)
    referents.end(rw.client(rw.person))
    gone = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.referent.headers)
    assert gone.json()["error"]["code"] == "person_not_found"
    assert referents.followed(rw.client(rw.referent)).items == ()


def test_a_referent_who_left_the_structure_sees_the_person_no_more(rw: ReferentWorld) -> None:
    ended = rw.api.post(
        f"{API}/memberships/{rw.cw.world.memberships['professional']}/end",
        headers=rw.referent.headers,
    )
    assert ended.status_code in (200, 204), ended.text
    response = rw.api.get(f"{API}/followed/{rw.person.account_id}", headers=rw.referent.headers)
    assert response.status_code == 404
    assert referents.followed(rw.client(rw.referent)).items == ()


def test_the_list_is_paged_and_a_bad_cursor_is_refused(rw: ReferentWorld) -> None:
    from tests.factories import make_person

    for slot in (30, 31):
        someone = make_person(rw.api, slot)
        body = {"professional_id": rw.referent.account_id, "structure_id": rw.structure_id}
        assert rw.api.post(f"{API}/referent", json=body, headers=someone.headers).status_code == 201
    client = rw.client(rw.referent)
    first = referents.followed(client, limit=2)
    assert len(first.items) == 2 and first.next is not None
    second = referents.followed(client, cursor=first.next, limit=2)
    assert len(second.items) == 1 and second.next is None
    assert len({i.person.id for i in first.items + second.items}) == 3
    assert {i.person.name for i in referents.followed_all(client)} >= {rw.person.login}
    for params in ({"cursor": "pas-un-curseur"}, {"limit": 0}, {"limit": 101}):
        response = rw.api.get(f"{API}/followed", params=params, headers=rw.referent.headers)
        assert response.status_code == 422
    bad = rw.api.get(f"{API}/followed", params={"cursor": "x"}, headers=rw.referent.headers)
    assert bad.json()["error"]["code"] == "invalid_followed_cursor"
