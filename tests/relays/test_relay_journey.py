"""A relay from start to end, through the Python client, on both backends: the CCAS
orients the person to the CAF's RSA service with a liaison note; the CAF sees nothing
until the person agrees; a CAF agent takes it, reads the note once the orienting
professional sealed its key to them, receives the documents by a grant scoped to the
relay, and sends a return the orienting professional reads. Every step is in the
person's history in plain French, and told to those concerned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from client import consent as consent_client
from client import relays as relay_client
from client.api import ApiError
from coffre.audit.models import AuditEntry
from coffre.notifications.models import Notification
from coffre.relays.models import Relay
from tests.relays.world import RelayWorld, build_relay_world

NOTE = "Monsieur sort d'hospitalisation.\nIl préfère être appelé l'après-midi."


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> RelayWorld:
    return build_relay_world(api, tmp_path)


def _status(rw: RelayWorld, who, relay_id: str) -> int:  # type: ignore[no-untyped-def]
    return rw.api.get(f"/api/v1/relays/{relay_id}", headers=who.headers).status_code


def test_a_relay_goes_from_orientation_to_return_with_the_person_deciding(
    rw: RelayWorld,
) -> None:
    api = rw.api
    relay = rw.propose(text=NOTE)
    rid = relay["id"]
    assert relay["state"] == "proposed" and relay["agreed_at"] is None
    assert relay["responsible"]["id"] == rw.orienting.account_id
    assert relay["target_structure"]["id"] == rw.caf_id
    # The receiving structure sees nothing before the person agreed.
    assert _status(rw, rw.agent, rid) == 404
    incoming = relay_client.list_relays(rw.agent.client(api), box="incoming")
    assert rid not in [r["id"] for r in incoming]

    # The person reads the note in their own session, then agrees with two documents.
    person = rw.person.client(api)
    mine = relay_client.get(person, rid)
    assert relay_client.read_note(person, rw.person.keys, mine) == NOTE
    agreed = relay_client.agree(person, rid, [rw.cw.identity, rw.cw.address])
    assert agreed["agreed_at"] is not None
    assert sorted(agreed["documents"]) == sorted([rw.cw.identity, rw.cw.address])

    # Now the CAF sees it (both agents), without the documents or the note.
    agent = rw.agent.client(api)
    seen = relay_client.get(agent, rid)
    assert seen["documents"] is None and seen["note"] is None
    assert rid in [r["id"] for r in relay_client.list_relays(agent, box="incoming")]
    taken = relay_client.take(agent, rid)
    assert taken["state"] == "taken" and taken["taken_by"] == rw.agent.account_id
    assert taken["documents"] == agreed["documents"]

    # The orienting professional seals the note key to the taker's certified key.
    orienting = rw.orienting.client(api)
    relay_client.give_note_to_taker(
        orienting, rw.orienting.keys, relay_client.get(orienting, rid), pinned_root=rw.root
    )
    as_taker = relay_client.get(agent, rid)
    assert relay_client.read_note(agent, rw.agent.keys, as_taker, pinned_root=rw.root) == NOTE
    # The other agent of the CAF still sees the relay, never the note.
    other = relay_client.get(rw.other_agent.client(api), rid)
    assert other["note"] is None and other["note_key"] is None and other["documents"] is None

    # The person shares the chosen documents with the taker: a grant scoped to the relay.
    grant = relay_client.share_with_taker(
        person, rw.person.keys, relay_client.get(person, rid), pinned_root=rw.root, days=10
    )
    shared = consent_client.shared_with_me(agent)
    assert grant["id"] in [g["id"] for g in shared]

    # The taker's return, read by the orienting (responsible) professional and the person.
    relay_client.send_return(
        agent,
        rw.agent.keys,
        relay_client.get(agent, rid),
        "Dossier RSA déposé, rendez-vous le 14.",
        author_id=rw.agent.account_id,
        pinned_root=rw.root,
    )
    back = relay_client.get(orienting, rid)
    assert (
        relay_client.read_note(
            orienting, rw.orienting.keys, back, which="return", pinned_root=rw.root
        )
        == "Dossier RSA déposé, rendez-vous le 14."
    )
    assert relay_client.read_note(
        person, rw.person.keys, relay_client.get(person, rid), which="return"
    ).startswith("Dossier RSA")
    done = relay_client.close(orienting, rid, "done")
    assert done["state"] == "closed" and done["close_reason"] == "done"

    # The person's history says each step in plain French.
    history = api.get("/api/v1/me/history", headers=rw.person.headers).json()
    items = history.get("items", history.get("history", []))
    texts = " | ".join(i["summary"] for i in items)
    for phrase in (
        "vous oriente",
        "Vous avez accepté",
        "a pris le relais",
        "a envoyé un retour",
        "est clos",
    ):
        assert phrase in texts, texts
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        actions = db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("relay.%"))
            .order_by(AuditEntry.seq)
        ).all()
        assert actions == [
            "relay.proposed",
            "relay.agreed",
            "relay.taken",
            "relay.returned",
            "relay.closed",
        ]
        told = db.scalars(
            select(Notification.data).where(
                Notification.account_id == rw.person.account_id,
                Notification.kind == "relay.changed",
            )
        ).all()
        events = sorted(json.loads(d)["event"] for d in told)
        # The person is told of what others did, not of their own agreement.
        assert events == ["closed", "proposed", "returned", "taken"]
        stored = db.get(Relay, rid)
        assert stored is not None and NOTE.encode() not in stored.note


def test_the_person_refuses_and_nothing_reaches_the_other_structure(rw: RelayWorld) -> None:
    relay = rw.propose()
    refused = relay_client.refuse(rw.person.client(rw.api), relay["id"])
    assert refused["state"] == "closed" and refused["close_reason"] == "person_refused"
    assert _status(rw, rw.agent, relay["id"]) == 404
    with pytest.raises(ApiError) as caught:
        relay_client.agree(rw.person.client(rw.api), relay["id"], [rw.cw.identity])
    assert caught.value.code == "relay_already_answered"


def test_a_member_of_the_target_declines_with_a_reason_the_person_reads(rw: RelayWorld) -> None:
    relay = rw.agreed()
    declined = relay_client.decline(
        rw.agent.client(rw.api), relay["id"], "Ce service ne couvre pas votre commune."
    )
    assert declined["state"] == "declined"
    assert declined["decline_reason"] == "Ce service ne couvre pas votre commune."
    seen = relay_client.get(rw.person.client(rw.api), relay["id"])
    assert seen["decline_reason"] == "Ce service ne couvre pas votre commune."
    history = rw.api.get("/api/v1/me/history", headers=rw.person.headers).json()
    items = history.get("items", history.get("history", []))
    assert any("Ce service ne couvre pas votre commune" in i["summary"] for i in items)


def test_the_person_closes_a_taken_relay_and_the_taker_is_told(rw: RelayWorld) -> None:
    relay = rw.taken()
    closed = relay_client.close(rw.person.client(rw.api), relay["id"])
    assert closed["close_reason"] == "ended_by_person"
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        told = db.scalars(
            select(Notification.data).where(Notification.account_id == rw.agent.account_id)
        ).all()
    assert any(json.loads(d)["event"] == "closed" for d in told)


def test_the_persons_referent_follows_the_relay_and_is_told_of_each_change(
    rw: RelayWorld,
) -> None:
    referent = rw.cw.world.structure_admin  # M. Bernard, certified at the CCAS
    chosen = rw.api.post(
        "/api/v1/referent",
        json={"professional_id": referent.account_id, "structure_id": rw.cw.world.structure_id},
        headers=rw.person.headers,
    )
    assert chosen.status_code == 201, chosen.text
    relay = rw.taken()
    seen = relay_client.get(referent.client(rw.api), relay["id"])
    assert seen["state"] == "taken"
    assert seen["note"] is None and seen["documents"] is None  # metadata only
    followed = relay_client.list_relays(referent.client(rw.api), box="followed")
    assert [r["id"] for r in followed] == [relay["id"]]
    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        told = db.scalars(
            select(Notification.data).where(
                Notification.account_id == referent.account_id,
                Notification.kind == "relay.changed",
            )
        ).all()
    assert sorted(json.loads(d)["event"] for d in told) == ["agreed", "proposed", "taken"]
    # Once the person ends the link, the former référent sees the relay no more.
    assert rw.api.delete("/api/v1/referent", headers=rw.person.headers).status_code == 204
    assert _status(rw, referent, relay["id"]) == 404
