"""The person's organiser through the API, on both backends: the round trip with real
SPEC §30 items, bad input refused with a stable code and nothing kept, another
account's item answered exactly as an unknown one, the cap per person under 20
parallel creations, one winner among 20 parallel changes of one version, and the
items gone with an erasure and with a completed reset."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.organiser.models import OrganiserCount, OrganiserItem
from coffre.settings import Settings
from crypto import b64encode
from tests.accounts.reset_world import reset_body
from tests.concurrency import PARALLEL, answer, burst
from tests.contacts.helpers import account_id
from tests.factories import make_person, person_material
from tests.organiser.helpers import APPOINTMENT, CONTACT, new_body, opened, sealed_item

CAP = 5
ITEMS = "/api/v1/organiser/items"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"organiser_items_per_person": CAP})


def _coffre(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def _rows(api: TestClient, account: str) -> tuple[int, int | None]:
    with _coffre(api).db.unit_of_work() as db:
        items = db.scalar(
            select(func.count())
            .select_from(OrganiserItem)
            .where(OrganiserItem.account_id == account)
        )
        count = db.scalar(select(OrganiserCount.n).where(OrganiserCount.account_id == account))
    return int(items or 0), count


def test_a_person_keeps_changes_and_deletes_items_only_their_page_opens(api: TestClient) -> None:
    person = make_person(api)
    owner = account_id(api, person)
    body = new_body(person, owner, CONTACT)
    created = api.post(ITEMS, json=body, headers=person.headers)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1 and created.json()["id"] == body["id"]
    second = api.post(ITEMS, json=new_body(person, owner, APPOINTMENT), headers=person.headers)
    assert second.status_code == 201, second.text

    listed = api.get(ITEMS, headers=person.headers).json()
    assert listed["limit"] == CAP
    assert sorted(opened(person, owner, item)["kind"] for item in listed["items"]) == [
        "appointment",
        "contact",
    ]

    moved = {**APPOINTMENT, "place": "CCAS, 2 place de Jaude"}
    change = {
        "ciphertext": b64encode(sealed_item(person, owner, second.json()["id"], moved)),
        "version": 1,
    }
    changed = api.put(f"{ITEMS}/{second.json()['id']}", json=change, headers=person.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    assert opened(person, owner, changed.json())["place"] == "CCAS, 2 place de Jaude"
    # The same change again names a version that is gone: refused, nothing changes.
    stale = api.put(f"{ITEMS}/{second.json()['id']}", json=change, headers=person.headers)
    assert answer(stale) == (409, "organiser_item_version_conflict")

    deleted = api.delete(f"{ITEMS}/{body['id']}", headers=person.headers)
    assert deleted.status_code == 204
    assert [i["id"] for i in api.get(ITEMS, headers=person.headers).json()["items"]] == [
        second.json()["id"]
    ]
    assert _rows(api, owner) == (1, 1)
    again = api.delete(f"{ITEMS}/{body['id']}", headers=person.headers)
    assert answer(again) == (404, "organiser_item_not_found")


def test_the_server_keeps_nothing_that_tells_the_kind(api: TestClient) -> None:
    """A contact and a short note are stored as the same number of opaque bytes."""
    person = make_person(api)
    owner = account_id(api, person)
    note = {"v": 1, "kind": "note", "text": "CAF"}
    for item in (CONTACT, note, APPOINTMENT):
        assert api.post(
            ITEMS, json=new_body(person, owner, item), headers=person.headers
        ).is_success
    with _coffre(api).db.unit_of_work() as db:
        stored = db.scalars(select(OrganiserItem.ciphertext)).all()
    assert {len(c) for c in stored} == {771}
    assert not any(b"contact" in c or b"CAF" in c or b"Dupont" in c for c in stored)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"id": "not-an-id"}, "invalid_organiser_item"),
        ({"id": "A" * 32}, "invalid_organiser_item"),
        ({"ciphertext": b64encode(b"\x01" + bytes(700))}, "invalid_organiser_item"),
        ({"ciphertext": b64encode(b"\x02" + bytes(770))}, "invalid_organiser_item"),
        ({"ciphertext": b64encode(bytes(40000))}, "invalid_organiser_item"),
        ({"ciphertext": "not base64!"}, "invalid_request"),
    ],
)
def test_bad_input_is_refused_with_a_stable_code_and_nothing_is_kept(
    api: TestClient, change: dict[str, Any], code: str
) -> None:
    person = make_person(api)
    owner = account_id(api, person)
    body = {**new_body(person, owner, CONTACT), **change}
    refused = api.post(ITEMS, json=body, headers=person.headers)
    assert answer(refused)[1] == code, refused.text
    assert refused.status_code == 422
    assert _rows(api, owner) == (0, None)


def test_the_same_id_twice_is_refused_and_counted_once(api: TestClient) -> None:
    person = make_person(api)
    owner = account_id(api, person)
    body = new_body(person, owner, CONTACT)
    assert api.post(ITEMS, json=body, headers=person.headers).status_code == 201
    again = api.post(ITEMS, json=body, headers=person.headers)
    assert answer(again) == (409, "organiser_item_exists")
    assert _rows(api, owner) == (1, 1)


def test_another_accounts_item_answers_exactly_as_an_unknown_one(api: TestClient) -> None:
    person, other = make_person(api, 0), make_person(api, 1)
    owner = account_id(api, person)
    body = new_body(person, owner, CONTACT)
    assert api.post(ITEMS, json=body, headers=person.headers).status_code == 201
    change = {"ciphertext": body["ciphertext"], "version": 1}
    for method, extra in (("PUT", {"json": change}), ("DELETE", {})):
        theirs = api.request(method, f"{ITEMS}/{body['id']}", headers=other.headers, **extra)
        unknown = api.request(method, f"{ITEMS}/{'0' * 32}", headers=other.headers, **extra)
        assert (theirs.status_code, theirs.json()) == (unknown.status_code, unknown.json())
        assert answer(theirs) == (404, "organiser_item_not_found")
    assert api.get(ITEMS, headers=other.headers).json()["items"] == []
    assert api.get(ITEMS, headers=person.headers).json()["items"][0]["version"] == 1


def _log_in(http: httpx.Client, slot: int) -> tuple[Any, dict[str, str], str]:
    person = person_material(slot)
    assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    login = http.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    owner = str(http.get("/api/v1/me", headers=headers).json()["account"]["id"])
    return person, headers, owner


def test_the_cap_per_person_holds_under_parallel_creations(http: httpx.Client) -> None:
    """20 creations at once, 3 rounds (one place freed before each next round): exactly
    the cap, on both backends; the others get organiser_full."""
    person, headers, owner = _log_in(http, 0)
    bodies = [new_body(person, owner, CONTACT) for _ in range(3 * PARALLEL)]
    expected = CAP
    for round_ in range(3):
        batch = bodies[round_ * PARALLEL : (round_ + 1) * PARALLEL]
        outcomes = Counter(
            burst(
                PARALLEL,
                lambda i, b=batch: answer(http.post(ITEMS, json=b[i], headers=headers)),  # type: ignore[misc]
            )
        )
        assert outcomes == {
            (201, ""): expected,
            (409, "organiser_full"): PARALLEL - expected,
        }, (round_, outcomes)
        items = http.get(ITEMS, headers=headers).json()["items"]
        assert len(items) == CAP
        assert http.delete(f"{ITEMS}/{items[0]['id']}", headers=headers).status_code == 204
        expected = 1


def test_of_parallel_changes_of_one_version_exactly_one_wins(http: httpx.Client) -> None:
    """20 changes naming version 1 at once, 2 rounds: one 200, 19 conflicts, version +1."""
    person, headers, owner = _log_in(http, 1)
    body = new_body(person, owner, APPOINTMENT)
    assert http.post(ITEMS, json=body, headers=headers).status_code == 201
    url = f"{ITEMS}/{body['id']}"
    for version in (1, 2):
        changes = [
            {
                "ciphertext": b64encode(
                    sealed_item(person, owner, body["id"], {**APPOINTMENT, "note": f"essai {i}"})
                ),
                "version": version,
            }
            for i in range(PARALLEL)
        ]
        outcomes = Counter(
            burst(
                PARALLEL,
                lambda i, c=changes: answer(http.put(url, json=c[i], headers=headers)),  # type: ignore[misc]
            )
        )
        assert outcomes == {
            (200, ""): 1,
            (409, "organiser_item_version_conflict"): PARALLEL - 1,
        }, (version, outcomes)
        [item] = http.get(ITEMS, headers=headers).json()["items"]
        assert item["version"] == version + 1
        assert opened(person, owner, item)["note"].startswith("essai ")


def test_an_erased_account_takes_its_items_with_it(api: TestClient) -> None:
    person = make_person(api)
    owner = account_id(api, person)
    for item in (CONTACT, APPOINTMENT):
        assert api.post(
            ITEMS, json=new_body(person, owner, item), headers=person.headers
        ).is_success
    erased = api.request(
        "DELETE",
        "/api/v1/me",
        json={"auth_key": b64encode(person.auth_key)},
        headers=person.headers,
    )
    assert erased.status_code == 204, erased.text
    assert _rows(api, owner) == (0, None)


def test_a_completed_reset_destroys_the_items_sealed_to_the_old_keys(
    api: TestClient, clock: FrozenClock
) -> None:
    """Items are sealed to the account's box key and signed by its sign key; a reset
    replaces both, so nobody could open them again: they go with the documents."""
    person = make_person(api)
    owner = account_id(api, person)
    assert api.post(ITEMS, json=new_body(person, owner, CONTACT), headers=person.headers).is_success
    coffre = _coffre(api)
    issued = coffre.resets.create_reset_code_as_operator(person.login)
    used = api.post("/api/v1/auth/reset", json=reset_body(person.login, issued.code))
    assert used.status_code == 200, used.text
    # While the reset waits (the old passphrase may still cancel it), the items stay.
    assert _rows(api, owner) == (1, 1)
    clock.advance(days=7)
    assert coffre.resets.complete_due() == 1
    assert _rows(api, owner) == (0, None)
