"""Trusted-contact state changes under 20 parallel requests, on both backends
(docs/RELIABILITY.md, "Limits under concurrency"): one request for 20 asks, one
refusal for 20, one recovery for 20, one active contact for 20 namings."""

from __future__ import annotations

from typing import Any

import httpx

from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.accounts.credential_helpers import rows
from tests.concurrency import PARALLEL, answer, burst
from tests.contacts.helpers import account_id, fresh, make_naming, recovery_body
from tests.factories import Person, make_person

PERSON_SLOT, CONTACT_SLOT = 0, 1


def _named(http: httpx.Client) -> tuple[Person, Person, str]:
    person = make_person(http, PERSON_SLOT)  # type: ignore[arg-type]
    contact = make_person(http, CONTACT_SLOT)  # type: ignore[arg-type]
    naming = make_naming(PERSON_SLOT, account_id(http, contact), contact.keys.sign_public)
    named = http.put("/api/v1/me/trusted-contact", json=naming.body, headers=person.headers)
    assert named.status_code == 200, named.text
    return person, contact, str(named.json()["id"])


def _entries(settings: Settings, action: str) -> list[dict[str, Any]]:
    return [r for r in rows(settings, "audit_entries") if r["action"] == action]


def test_twenty_asks_at_once_make_one_request_one_entry_one_notice(
    http: httpx.Client, settings: Settings
) -> None:
    person, contact, arrangement = _named(http)
    path = f"/api/v1/contacts/named-me/{arrangement}/ask"
    results = burst(PARALLEL, lambda _: http.post(path, headers=contact.headers))
    assert {answer(r) for r in results} == {(200, "")}
    assert len({r.json()["request"]["id"] for r in results}) == 1
    assert len(rows(settings, "contact_requests")) == 1
    assert len(_entries(settings, "contact.request")) == 1
    told = [n for n in rows(settings, "notifications") if n["kind"] == "contact.requested"]
    assert len(told) == 1


def test_twenty_refusals_at_once_refuse_once(http: httpx.Client, settings: Settings) -> None:
    person, contact, arrangement = _named(http)
    asked = http.post(f"/api/v1/contacts/named-me/{arrangement}/ask", headers=contact.headers)
    request = asked.json()["request"]["id"]
    path = f"/api/v1/me/trusted-contact/requests/{request}/refuse"
    results = [
        answer(r) for r in burst(PARALLEL, lambda _: http.post(path, headers=person.headers))
    ]
    assert sorted(results) == [(204, "")] + [(404, "contact_request_not_found")] * (PARALLEL - 1)
    [row] = rows(settings, "contact_requests")
    assert row["state"] == "refused"
    assert len(_entries(settings, "contact.refuse")) == 1
    told = [n for n in rows(settings, "notifications") if n["kind"] == "contact.refused"]
    assert len(told) == 1


def test_twenty_recoveries_at_once_recover_once(
    http: httpx.Client, settings: Settings, clock: FrozenClock
) -> None:
    person, contact, arrangement = _named(http)
    http.post(f"/api/v1/contacts/named-me/{arrangement}/ask", headers=contact.headers)
    clock.advance(days=7, seconds=1)
    contact = fresh(http, contact)
    path = f"/api/v1/contacts/named-me/{arrangement}/recovery"
    material = http.get(path, headers=contact.headers)
    assert material.status_code == 200, material.text
    body, _secret = recovery_body(material.json(), contact)
    results = [
        answer(r)
        for r in burst(PARALLEL, lambda _: http.post(path, json=body, headers=contact.headers))
    ]
    assert sorted(results) == [(200, "")] + [(404, "contact_arrangement_not_found")] * (
        PARALLEL - 1
    )
    assert len(_entries(settings, "account.contact_recover")) == 1
    [row] = rows(settings, "trusted_contacts")
    assert (row["ended_reason"], row["server_share"]) == ("recovered", None)
    [request] = rows(settings, "contact_requests")
    assert request["state"] == "recovered"


def test_twenty_namings_at_once_leave_one_active_contact(
    http: httpx.Client, settings: Settings
) -> None:
    person = make_person(http, PERSON_SLOT)  # type: ignore[arg-type]
    contact = make_person(http, CONTACT_SLOT)  # type: ignore[arg-type]
    contact_id = account_id(http, contact)
    namings = [make_naming(PERSON_SLOT, contact_id, contact.keys.sign_public) for _ in range(4)]
    results = burst(
        PARALLEL,
        lambda i: http.put(
            "/api/v1/me/trusted-contact", json=namings[i % 4].body, headers=person.headers
        ),
    )
    assert {answer(r) for r in results} == {(200, "")}
    arrangements = rows(settings, "trusted_contacts")
    assert len(arrangements) == PARALLEL
    active = [r for r in arrangements if r["ended_at"] is None]
    assert len(active) == 1
    assert all(r["server_share"] is None for r in arrangements if r["ended_at"] is not None)
    listed = http.get("/api/v1/contacts/named-me", headers=contact.headers).json()["persons"]
    assert [p["id"] for p in listed] == [active[0]["id"]]
