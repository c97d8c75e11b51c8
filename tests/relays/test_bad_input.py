"""Bad input on relays, on both backends: each refused with its stable code and a
French message, and nothing changed (no relay row, no audit entry, no notification,
the relay as it was)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from client import consent as consent_client
from client import relays as relay_client
from client.api import ApiError
from coffre.audit.models import AuditEntry
from coffre.consent.models import Grant
from coffre.notifications.models import Notification
from coffre.relays.models import Relay
from crypto import b64encode
from tests.consent.world import MDPH
from tests.relays.world import RelayWorld, build_relay_world, relay_body

URL = "/api/v1/relays"


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> RelayWorld:
    return build_relay_world(api, tmp_path)


def _counts(api: TestClient) -> tuple[int, int, int]:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return (
            int(db.scalar(select(func.count()).select_from(Relay)) or 0),
            int(db.scalar(select(func.count()).where(AuditEntry.action.like("relay.%"))) or 0),
            int(db.scalar(select(func.count()).where(Notification.kind.like("relay.%"))) or 0),
        )


def _refused(rw: RelayWorld, body: dict[str, Any], status: int, code: str) -> None:
    before = _counts(rw.api)
    response = rw.api.post(URL, json=body, headers=rw.orienting.headers)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"].strip()  # a French sentence saying what to do next
    assert _counts(rw.api) == before


def _other_signer(rw: RelayWorld) -> dict[str, Any]:
    other = relay_body(rw)
    return relay_body(rw, note=other["note"])  # signed over another relay id


def _keys_for_someone_else(rw: RelayWorld) -> dict[str, Any]:
    body = relay_body(rw)
    body["note_keys"][1]["recipient_id"] = rw.agent.account_id
    return body


# (what is wrong, the body, who asks: the orienting professional unless "agent", the
# status and code). Each is refused before anything is written, so they are checked in
# turn against one world per backend (one world each built 16).
REFUSED = [
    (
        "an unknown service",
        lambda rw: relay_body(rw, service_id="f" * 32),
        "orienting",
        404,
        "service_not_found",
    ),
    (
        "a purpose the [relais] block does not list",
        lambda rw: relay_body(rw, purpose=MDPH, categories=["identite"]),
        "orienting",
        422,
        "relay_outside_charter",
    ),
    (
        "a category the purpose does not allow",
        lambda rw: relay_body(rw, categories=["sante"]),
        "orienting",
        422,
        "relay_outside_charter",
    ),
    (
        "a service of a structure not on Coffre",
        lambda rw: relay_body(rw, service_id=rw.outside_service_id),
        "orienting",
        422,
        "relay_outside_charter",
    ),
    # The CAF agent has no link with the person.
    ("a person not accompanied", relay_body, "agent", 404, "person_not_found"),
    (
        "a note too big (refused before anything)",
        lambda rw: relay_body(rw, note=b64encode(b"\x01" * 9000)),
        "orienting",
        413,
        "relay_note_too_big",
    ),
    ("a note signed for another relay", _other_signer, "orienting", 422, "relay_note_invalid"),
    (
        "note keys for someone else than the readers",
        _keys_for_someone_else,
        "orienting",
        422,
        "relay_note_invalid",
    ),
]


def test_bad_relays_are_refused_with_their_code_and_nothing_changes(rw: RelayWorld) -> None:
    wrong = []
    for what, body_of, caller, status, code in REFUSED:
        headers = (rw.agent if caller == "agent" else rw.orienting).headers
        body = body_of(rw)
        before = _counts(rw.api)
        response = rw.api.post(URL, json=body, headers=headers)
        error = response.json().get("error") or {}
        seen = (response.status_code, error.get("code"))
        if seen != (status, code):
            wrong.append(f"{what}: {seen} {response.text[:160]}")
        elif caller != "agent" and not str(error.get("message", "")).strip():
            wrong.append(f"{what}: no message saying what to do next")
        if _counts(rw.api) != before:
            wrong.append(f"{what}: something was written")
    assert wrong == []


def test_the_same_relay_twice_is_relay_exists(rw: RelayWorld) -> None:
    body = relay_body(rw)
    assert rw.api.post(URL, json=body, headers=rw.orienting.headers).status_code == 201
    _refused(rw, body, 409, "relay_exists")


def test_documents_not_of_the_needed_categories_are_refused_and_nothing_agreed(
    rw: RelayWorld,
) -> None:
    relay = rw.propose()
    before = _counts(rw.api)
    response = rw.api.post(
        f"{URL}/{relay['id']}/agree",
        json={"document_ids": [rw.cw.identity, rw.cw.health]},  # health: not needed
        headers=rw.person.headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "relay_documents_refused"
    assert _counts(rw.api) == before
    assert relay_client.get(rw.person.client(rw.api), relay["id"])["agreed_at"] is None


def test_a_relay_answered_twice_is_relay_already_answered(rw: RelayWorld) -> None:
    relay = rw.taken()
    before = _counts(rw.api)
    for who, path, body in (
        (rw.other_agent, "take", None),
        (rw.agent, "take", None),
        (rw.agent, "decline", {"reason": "Trop tard pour nous."}),
        (rw.person, "refuse", None),
    ):
        response = rw.api.post(f"{URL}/{relay['id']}/{path}", json=body, headers=who.headers)
        assert response.status_code == 409, (path, response.text)
        assert response.json()["error"]["code"] == "relay_already_answered"
    assert _counts(rw.api) == before
    assert relay_client.get(rw.agent.client(rw.api), relay["id"])["taken_by"] == rw.agent.account_id


def test_a_refusal_by_the_policy_looks_like_an_unknown_relay(rw: RelayWorld) -> None:
    relay = rw.propose()
    unknown = rw.api.post(f"{URL}/{'e' * 32}/take", headers=rw.agent.headers)
    hidden = rw.api.post(f"{URL}/{relay['id']}/take", headers=rw.agent.headers)  # not agreed
    by_person = rw.api.post(f"{URL}/{relay['id']}/take", headers=rw.person.headers)
    assert unknown.status_code == hidden.status_code == by_person.status_code == 404
    assert unknown.json() == hidden.json() == by_person.json()


def test_a_grant_for_a_relay_must_match_it(rw: RelayWorld) -> None:
    relay = rw.taken()
    person = rw.person.client(rw.api)
    seen = relay_client.get(person, relay["id"])

    def share(**changes: Any) -> str:
        try:
            consent_client.share(
                person,
                rw.person.keys,
                person_id=rw.person.account_id,
                pinned_root=rw.root,
                days=10,
                relay_id=relay["id"],
                **{
                    "professional_id": rw.agent.account_id,
                    "purpose": seen["purpose"],
                    "document_ids": seen["documents"],
                    **changes,
                },
            )
        except ApiError as error:
            return error.code
        return "ok"

    coffre = rw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        grants_before = db.scalar(select(func.count()).select_from(Grant))
    assert share(professional_id=rw.other_agent.account_id) == "relay_grant_mismatch"
    assert share(document_ids=[rw.cw.health]) in ("relay_grant_mismatch", "grant_refused")
    assert share(document_ids=[rw.cw.identity, rw.cw.address, rw.cw.health]) in (
        "relay_grant_mismatch",
        "grant_refused",
    )
    with coffre.db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(Grant)) == grants_before
    assert share() == "ok"


def test_no_relais_block_means_no_relay(api: TestClient, tmp_path: Path) -> None:
    rw = build_relay_world(api, tmp_path, relais="")
    _refused(rw, relay_body(rw), 422, "relay_outside_charter")


def test_kinds_the_charter_does_not_orient_between_are_outside_it(
    api: TestClient, tmp_path: Path
) -> None:
    relais = """
[relais]
finalites = ["ouverture-droits-rsa"]
rappel_apres_jours = 10
expire_apres_jours = 30

[[relais.orientations]]
de = ["ccas"]
vers = ["mdph"]
"""
    rw = build_relay_world(api, tmp_path, relais=relais)
    _refused(rw, relay_body(rw), 422, "relay_outside_charter")


def test_a_target_structure_not_adhering_is_outside_the_charter(
    api: TestClient, tmp_path: Path
) -> None:
    rw = build_relay_world(api, tmp_path, caf_adheres=False)
    _refused(rw, relay_body(rw), 422, "relay_outside_charter")


def test_the_longest_note_the_spec_allows_is_accepted(rw: RelayWorld) -> None:
    # 2000 characters of four UTF-8 bytes: the 8192 bucket, an 8297-byte envelope.
    relay = rw.propose(text="\U0001f600" * 2000)
    seen = relay_client.get(rw.person.client(rw.api), relay["id"])
    assert relay_client.read_note(rw.person.client(rw.api), rw.person.keys, seen) == (
        "\U0001f600" * 2000
    )
