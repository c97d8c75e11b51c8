"""Recovery through a trusted contact on the server (coffre/contacts, SPEC §28), on both
backends: naming, asking, refusing, the wait on a moved clock, the release, the
recovery, and refusals to third parties that answer exactly like "not found"."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import (
    KdfParams,
    b64decode,
    b64encode,
    decrypt_bytes,
    derive_passphrase_keys,
    open_account,
    open_sealed_key,
)
from crypto.contact_recovery import open_master_key_for_contact, rebuild_contact_key
from crypto.pins import pin_spoken
from tests.accounts.credential_helpers import coffre_of, rows
from tests.accounts.reset_world import reset_body
from tests.contacts.helpers import (
    NEW_PASSPHRASE,
    account_id,
    fresh,
    make_naming,
    master_key_of,
    recovery_body,
)
from tests.factories import Person, encrypted_document, make_person, upload
from tests.structures.world import build_world

PERSON_SLOT, CONTACT_SLOT, OTHER_SLOT = 0, 1, 2
NOBODY = "0" * 32


def _named(api: TestClient) -> tuple[Person, Person, str]:
    person = make_person(api, PERSON_SLOT)
    contact = make_person(api, CONTACT_SLOT)
    found = api.get(
        "/api/v1/contacts/candidates",
        params={"login": contact.login, "pin": pin_spoken(contact.keys.sign_public)},
        headers=person.headers,
    )
    assert found.status_code == 200, found.text
    # The naming client checks the pin against this key: it is the contact's own.
    assert b64decode(found.json()["sign_public_key"]) == contact.keys.sign_public
    naming = make_naming(PERSON_SLOT, found.json()["account_id"], contact.keys.sign_public)
    named = api.put("/api/v1/me/trusted-contact", json=naming.body, headers=person.headers)
    assert named.status_code == 200, named.text
    return person, contact, str(named.json()["id"])


def _ask(api: TestClient, contact: Person, arrangement: str) -> Any:
    return api.post(f"/api/v1/contacts/named-me/{arrangement}/ask", headers=contact.headers)


def _material(api: TestClient, contact: Person, arrangement: str) -> Any:
    return api.get(f"/api/v1/contacts/named-me/{arrangement}/recovery", headers=contact.headers)


def _kinds(api: TestClient, who: Person) -> list[str]:
    answer = api.get("/api/v1/notifications", headers=who.headers).json()
    return [n["kind"] for n in answer["notifications"]]


def test_a_person_names_a_person_found_by_login_and_the_contact_sees_who(
    api: TestClient,
) -> None:
    person, contact, arrangement = _named(api)
    mine = api.get("/api/v1/me/trusted-contact", headers=person.headers).json()
    assert mine["waiting_days"] == 7
    assert mine["contact"]["id"] == arrangement
    assert mine["contact"]["contact"]["name"] == contact.login
    assert mine["contact"]["request"] is None
    named_me = api.get("/api/v1/contacts/named-me", headers=contact.headers).json()["persons"]
    assert [(p["id"], p["person"]["name"]) for p in named_me] == [(arrangement, person.login)]
    assert "contact.named" in _kinds(api, contact)


def test_a_certified_professional_can_be_named(api: TestClient) -> None:
    world = build_world(api)
    pro = world.professional
    naming = make_naming(PERSON_SLOT, pro.account_id, pro.keys.sign_public)
    person = make_person(api, PERSON_SLOT)
    named = api.put("/api/v1/me/trusted-contact", json=naming.body, headers=person.headers)
    assert named.status_code == 200, named.text
    assert named.json()["contact"] == {
        "account_id": pro.account_id,
        "kind": "professional",
        "name": "Mme Dupont",
        "structure": named.json()["contact"]["structure"],
    }
    seen = api.get("/api/v1/contacts/named-me", headers=pro.headers).json()["persons"]
    assert [p["person"]["name"] for p in seen] == [person.login]


def test_naming_again_replaces_in_one_step_and_removing_ends_it(api: TestClient) -> None:
    person, contact, first = _named(api)
    other = make_person(api, OTHER_SLOT)
    naming = make_naming(PERSON_SLOT, account_id(api, other), other.keys.sign_public)
    second = api.put("/api/v1/me/trusted-contact", json=naming.body, headers=person.headers)
    assert second.status_code == 200
    active = [r for r in rows_of(api, "trusted_contacts") if r["ended_at"] is None]
    assert [r["id"] for r in active] == [second.json()["id"]]
    ended = next(r for r in rows_of(api, "trusted_contacts") if r["id"] == first)
    assert (ended["ended_reason"], ended["server_share"], ended["sealed_share"]) == (
        "replaced",
        None,
        None,
    )
    # The first contact no longer sees the person, and cannot ask.
    assert api.get("/api/v1/contacts/named-me", headers=contact.headers).json()["persons"] == []
    assert _ask(api, contact, first).json()["error"]["code"] == "contact_arrangement_not_found"
    assert api.delete("/api/v1/me/trusted-contact", headers=person.headers).status_code == 204
    again = api.delete("/api/v1/me/trusted-contact", headers=person.headers)
    assert (again.status_code, again.json()["error"]["code"]) == (
        404,
        "contact_arrangement_not_found",
    )
    assert api.get("/api/v1/me/trusted-contact", headers=person.headers).json()["contact"] is None


def rows_of(api: TestClient, table: str) -> list[dict[str, Any]]:
    settings: Settings = api.app.state.coffre.settings  # type: ignore[attr-defined]
    return rows(settings, table)


def test_the_share_is_released_only_after_the_wait_on_a_moved_clock(
    api: TestClient, clock: FrozenClock
) -> None:
    person, contact, arrangement = _named(api)
    asked = _ask(api, contact, arrangement)
    assert asked.status_code == 200
    request = asked.json()["request"]
    assert request["state"] == "waiting" and request["open"] is False
    # The person is told at once, and sees the request waiting.
    assert "contact.requested" in _kinds(api, person)
    mine = api.get("/api/v1/me/trusted-contact", headers=person.headers).json()
    assert mine["contact"]["request"]["id"] == request["id"]
    clock.advance(days=6, hours=23)
    contact = fresh(api, contact)
    early = _material(api, contact, arrangement)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "contact_recovery_not_open")
    clock.advance(hours=1, seconds=1)
    contact = fresh(api, contact)
    released = _material(api, contact, arrangement)
    assert released.status_code == 200, released.text
    material = released.json()
    key = rebuild_contact_key(
        b64decode(material["sealed_share"]),
        b64decode(material["server_share"]),
        contact.keys.sign_seed,
    )
    master_key = open_master_key_for_contact(key, b64decode(material["wrapped_master_key"]))
    assert master_key == master_key_of(PERSON_SLOT)
    named_me = api.get("/api/v1/contacts/named-me", headers=contact.headers).json()["persons"]
    assert named_me[0]["request"]["open"] is True


def test_a_refusal_ends_the_request_and_the_contact_may_ask_again(
    api: TestClient, clock: FrozenClock
) -> None:
    person, contact, arrangement = _named(api)
    request = _ask(api, contact, arrangement).json()["request"]["id"]
    refused = api.post(
        f"/api/v1/me/trusted-contact/requests/{request}/refuse", headers=person.headers
    )
    assert refused.status_code == 204
    assert "contact.refused" in _kinds(api, contact)
    clock.advance(days=7, seconds=1)
    person, contact = fresh(api, person), fresh(api, contact)
    after = _material(api, contact, arrangement)
    assert (after.status_code, after.json()["error"]["code"]) == (409, "contact_recovery_not_open")
    again = _ask(api, contact, arrangement).json()["request"]
    assert again["id"] != request and again["state"] == "waiting" and again["open"] is False
    twice = api.post(
        f"/api/v1/me/trusted-contact/requests/{request}/refuse", headers=person.headers
    )
    assert twice.json()["error"]["code"] == "contact_request_not_found"
    clock.advance(days=7, seconds=1)
    contact = fresh(api, contact)
    assert _material(api, contact, arrangement).status_code == 200


def _same(a: Any, b: Any) -> None:
    assert (a.status_code, a.json()) == (b.status_code, b.json())


def test_refusals_to_third_parties_answer_exactly_like_not_found(
    api: TestClient, clock: FrozenClock
) -> None:
    person, contact, arrangement = _named(api)
    stranger = make_person(api, OTHER_SLOT)
    request = _ask(api, contact, arrangement).json()["request"]["id"]
    clock.advance(days=8)
    person, contact, stranger = fresh(api, person), fresh(api, contact), fresh(api, stranger)
    for method, path in (
        ("post", "/api/v1/contacts/named-me/{}/ask"),
        ("get", "/api/v1/contacts/named-me/{}/recovery"),
    ):
        theirs = getattr(api, method)(path.format(arrangement), headers=stranger.headers)
        nobody = getattr(api, method)(path.format(NOBODY), headers=stranger.headers)
        _same(theirs, nobody)
        assert theirs.json()["error"]["code"] == "contact_arrangement_not_found"
    # The person cannot act as their own contact either.
    _same(
        _material(api, person, arrangement),
        _material(api, person, NOBODY),
    )
    refuse = "/api/v1/me/trusted-contact/requests/{}/refuse"
    _same(
        api.post(refuse.format(request), headers=stranger.headers),
        api.post(refuse.format(NOBODY), headers=stranger.headers),
    )
    # The contact cannot refuse on the person's behalf.
    _same(
        api.post(refuse.format(request), headers=contact.headers),
        api.post(refuse.format(NOBODY), headers=contact.headers),
    )
    # Looking up a login: unknown, oneself and a professional answer alike.
    world_pro = build_world(api).professional
    # A login without the pin its holder's phone shows (or with another key's pin, or
    # a malformed one) answers like an unknown login: a login alone tells nothing.
    good_pin = pin_spoken(contact.keys.sign_public)
    lookups = [
        ("personne-inconnue", good_pin),
        (person.login, pin_spoken(person.keys.sign_public)),
        (world_pro.login, pin_spoken(world_pro.keys.sign_public)),
        (contact.login, pin_spoken(person.keys.sign_public)),
        (contact.login, "AAA"),
    ]
    answers = [
        api.get(
            "/api/v1/contacts/candidates",
            params={"login": login, "pin": pin},
            headers=person.headers,
        )
        for login, pin in lookups
    ]
    for answer in answers[1:]:
        _same(answer, answers[0])
    assert answers[0].json()["error"]["code"] == "contact_not_found"
    # The request still waits: nothing a third party did changed it.
    assert _material(api, contact, arrangement).status_code == 200


def test_the_recovery_sets_a_new_passphrase_and_the_documents_still_open(
    api: TestClient, clock: FrozenClock
) -> None:
    person, contact, arrangement = _named(api)
    document = encrypted_document(person, b"acte de naissance " * 1000)
    document_id = upload(api, person, document)
    _ask(api, contact, arrangement)
    clock.advance(days=7, seconds=1)
    person, contact = fresh(api, person), fresh(api, contact)
    material = _material(api, contact, arrangement).json()
    body, _secret = recovery_body(material, contact)
    path = f"/api/v1/contacts/named-me/{arrangement}/recovery"
    forged = {**body, "contact_auth_key": b64encode(bytes(32))}
    refused = api.post(path, json=forged, headers=contact.headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403,
        "contact_recovery_refused",
    )
    done = api.post(path, json=body, headers=contact.headers)
    assert done.status_code == 200, done.text
    assert done.json()["revoked_sessions"] >= 1
    # Every session of the person ended; the arrangement is spent.
    assert api.get("/api/v1/me", headers=person.headers).status_code == 401
    again = api.post(path, json=body, headers=contact.headers)
    assert again.json()["error"]["code"] == "contact_arrangement_not_found"
    assert api.get("/api/v1/contacts/named-me", headers=contact.headers).json()["persons"] == []
    # The new passphrase opens the same keys, and the document.
    pre = api.post("/api/v1/auth/prelogin", json={"login": person.login}).json()
    keys = derive_passphrase_keys(NEW_PASSPHRASE, KdfParams.from_json(pre["kdf"]))
    logged = api.post(
        "/api/v1/auth/login",
        json={"login": person.login, "auth_key": b64encode(keys.auth_key)},
    )
    assert logged.status_code == 200, logged.text
    token = {"Authorization": f"Bearer {logged.json()['token']}"}
    keyring = api.get("/api/v1/me", headers=token).json()["keyring"]
    opened = open_account(
        NEW_PASSPHRASE,
        KdfParams.from_json(keyring["kdf"]),
        b64decode(keyring["wrapped_master_passphrase"]),
        b64decode(keyring["wrapped_keyring"]),
        b64decode(keyring["box_public_key"]),
        b64decode(keyring["sign_public_key"]),
    )
    assert opened.box_public == person.keys.box_public
    listed = api.get("/api/v1/documents", headers=token).json()["documents"]
    [row] = [d for d in listed if d["id"] == document_id]
    doc_key = open_sealed_key(b64decode(row["sealed_key"]), opened.box_public, opened.box_secret)
    content = api.get(f"/api/v1/documents/{document_id}/content", headers=token).content
    assert decrypt_bytes(doc_key, content) == document.plaintext
    # The person's history shows every step.
    history = api.get("/api/v1/me/history", headers=token).json()["items"]
    actions = [item["action"] for item in history]
    for step in (
        "contact.name",
        "contact.request",
        "contact.release",
        "account.contact_recover",
    ):
        assert step in actions, step
    assert "contact.recovered" in _kinds(
        api, Person(**{**person.__dict__, "token": logged.json()["token"]})
    )


def test_malformed_naming_material_is_refused(api: TestClient) -> None:
    person = make_person(api, PERSON_SLOT)
    contact = make_person(api, CONTACT_SLOT)
    naming = make_naming(PERSON_SLOT, account_id(api, contact), contact.keys.sign_public)
    short = {**naming.body, "sealed_share": b64encode(bytes(79))}
    answer = api.put("/api/v1/me/trusted-contact", json=short, headers=person.headers)
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        422,
        "invalid_contact_material",
    )
    assert api.get("/api/v1/me/trusted-contact", headers=person.headers).json()["contact"] is None


def test_an_erased_account_ends_the_arrangements_naming_or_named_by_it(
    api: TestClient,
) -> None:
    person, contact, arrangement = _named(api)
    erased = api.request(
        "DELETE",
        "/api/v1/me",
        json={"auth_key": b64encode(contact.auth_key)},
        headers=contact.headers,
    )
    assert erased.status_code == 204, erased.text
    assert api.get("/api/v1/me/trusted-contact", headers=person.headers).json()["contact"] is None
    [row] = rows_of(api, "trusted_contacts")
    assert (row["ended_reason"], row["server_share"], row["wrapped_master_key"]) == (
        "erased",
        None,
        None,
    )


def test_a_completed_reset_ends_the_arrangements_of_the_reset_account(
    api: TestClient, clock: FrozenClock
) -> None:
    """A reset with a code gives the account new keys: an arrangement that wraps its old
    master key (it named a contact) or seals a share to its old sign key (it was named)
    is spent, and ends with the reset."""
    person, _, _ = _named(api)
    other = make_person(api, OTHER_SLOT)
    naming = make_naming(OTHER_SLOT, account_id(api, person), person.keys.sign_public)
    named = api.put("/api/v1/me/trusted-contact", json=naming.body, headers=other.headers)
    assert named.status_code == 200, named.text
    coffre = coffre_of(api)
    issued = coffre.resets.create_reset_code_as_operator(person.login)
    used = api.post("/api/v1/auth/reset", json=reset_body(person.login, issued.code))
    assert used.status_code == 200, used.text
    # While the reset waits (the person may still cancel it), nothing ends.
    assert [r["ended_reason"] for r in rows_of(api, "trusted_contacts")] == [None, None]
    clock.advance(days=7)
    assert coffre.resets.complete_due() == 1
    ended = {
        (r["ended_reason"], r["server_share"], r["wrapped_master_key"])
        for r in rows_of(api, "trusted_contacts")
    }
    assert ended == {("reset", None, None)}
