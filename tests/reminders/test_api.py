"""The person's own reminders through the API, on both backends: the round trip, bad
input refused with a stable code and nothing changed, another account's reminder
answered as not found, and the cap per person under 20 parallel creations."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.clock import FrozenClock
from coffre.reminders.models import Reminder, ReminderCount
from coffre.settings import Settings
from crypto import b64decode, b64encode
from tests.concurrency import PARALLEL, answer, burst
from tests.factories import make_person, person_material
from tests.reminders.helpers import again_logged_in, body, coffre_of, sealed

CAP = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"reminders_per_person": CAP})


def test_a_person_creates_lists_changes_and_deletes_their_reminders(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    later = clock.now() + timedelta(days=40)
    sooner = clock.now() + timedelta(days=3)
    first = api.post(
        "/api/v1/reminders", json=body(person, later, "quarterly"), headers=person.headers
    )
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["repeat"] == "quarterly" and created["active"] and not created["done"]
    text = sealed(person, "Rendez-vous à la mairie")
    second = api.post(
        "/api/v1/reminders",
        json={"due_at": sooner.isoformat(), "sealed": b64encode(text)},
        headers=person.headers,
    )
    assert second.status_code == 201, second.text
    listed = api.get("/api/v1/reminders", headers=person.headers).json()
    assert listed["max"] == CAP
    assert [r["id"] for r in listed["items"]] == [second.json()["id"], created["id"]]  # by date
    assert b64decode(listed["items"][0]["sealed"]) == text  # stored as sent, opaque
    assert listed["items"][0]["repeat"] == "none"

    changed = api.put(
        f"/api/v1/reminders/{created['id']}",
        json=body(person, later + timedelta(days=1), "yearly", active=False),
        headers=person.headers,
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["repeat"], changed.json()["active"]) == ("yearly", False)
    gone = api.delete(f"/api/v1/reminders/{created['id']}", headers=person.headers)
    assert gone.status_code == 204
    again = api.delete(f"/api/v1/reminders/{created['id']}", headers=person.headers)
    assert answer(again) == (404, "reminder_not_found")  # type: ignore[arg-type]
    assert [
        r["id"] for r in api.get("/api/v1/reminders", headers=person.headers).json()["items"]
    ] == [second.json()["id"]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"due_at": "2031-01-15T09:00:00"}, (422, "reminder_date_invalid")),  # no offset
        ({"due_at": "2031-01-15"}, (422, "reminder_date_invalid")),  # a date alone
        ({"due_at": "demain matin"}, (422, "reminder_date_invalid")),
        ({"due_at": "2031-02-30T09:00:00+01:00"}, (422, "reminder_date_invalid")),
        ({"due_at": "PAST"}, (422, "reminder_date_past")),
        ({"due_at": "FAR"}, (422, "reminder_date_too_far")),
        ({"repeat": "weekly"}, (422, "reminder_repeat_invalid")),
        ({"sealed": b64encode(b"x" * 100)}, (422, "reminder_text_invalid")),
        ({"sealed": b64encode(b"x" * 2000)}, (413, "reminder_text_too_big")),
    ],
)
def test_bad_input_is_refused_with_a_stable_code_and_nothing_changes(
    api: TestClient, clock: FrozenClock, change: dict[str, str], expected: tuple[int, str]
) -> None:
    person = make_person(api)
    good = body(person, clock.now() + timedelta(days=10))
    kept = api.post("/api/v1/reminders", json=good, headers=person.headers).json()
    if change.get("due_at") == "PAST":
        change = {"due_at": (clock.now() - timedelta(minutes=1)).isoformat()}
    if change.get("due_at") == "FAR":
        change = {"due_at": (clock.now() + timedelta(days=3660)).isoformat()}
    created = api.post("/api/v1/reminders", json={**good, **change}, headers=person.headers)
    assert answer(created) == expected  # type: ignore[arg-type]
    updated = api.put(
        f"/api/v1/reminders/{kept['id']}", json={**good, **change}, headers=person.headers
    )
    assert answer(updated) == expected  # type: ignore[arg-type]
    assert api.get("/api/v1/reminders", headers=person.headers).json()["items"] == [kept]
    with coffre_of(api).db.unit_of_work() as db:
        assert len(db.scalars(select(Reminder)).all()) == 1
        assert db.scalar(select(ReminderCount.n)) == 1  # the count was not charged


def test_another_accounts_reminder_answers_exactly_as_an_unknown_one(
    api: TestClient, clock: FrozenClock
) -> None:
    owner, other = make_person(api), make_person(api, slot=1)
    reminder = api.post(
        "/api/v1/reminders",
        json=body(owner, clock.now() + timedelta(days=2)),
        headers=owner.headers,
    ).json()
    unknown = "0" * 32
    for method in ("PUT", "DELETE"):
        theirs = api.request(
            method,
            f"/api/v1/reminders/{reminder['id']}",
            json=body(other, clock.now() + timedelta(days=5)),
            headers=other.headers,
        )
        missing = api.request(
            method,
            f"/api/v1/reminders/{unknown}",
            json=body(other, clock.now() + timedelta(days=5)),
            headers=other.headers,
        )
        assert answer(theirs) == answer(missing) == (404, "reminder_not_found")  # type: ignore[arg-type]
        assert theirs.json() == missing.json()
    assert api.get("/api/v1/reminders", headers=other.headers).json()["items"] == []
    assert api.get("/api/v1/reminders", headers=owner.headers).json()["items"] == [reminder]


def test_a_done_reminder_can_be_turned_off_as_it_is_and_started_again_at_a_new_date(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    due = clock.now() + timedelta(hours=1)
    reminder = api.post("/api/v1/reminders", json=body(person, due), headers=person.headers).json()
    clock.advance(hours=1)
    assert coffre_of(api).reminders.run().own == 1
    person = again_logged_in(api, person)  # the session ended while the clock moved
    off = api.put(
        f"/api/v1/reminders/{reminder['id']}",
        json=body(person, reminder["due_at"], active=False),
        headers=person.headers,
    )
    assert off.status_code == 200, off.text
    assert off.json()["done"] and not off.json()["active"]
    again = api.put(
        f"/api/v1/reminders/{reminder['id']}",
        json=body(person, clock.now() + timedelta(days=1)),
        headers=person.headers,
    )
    assert again.status_code == 200, again.text
    assert not again.json()["done"] and again.json()["active"]


def test_the_cap_per_person_holds_under_parallel_creations(
    http: httpx.Client, clock: FrozenClock
) -> None:
    """20 creations at once, 3 rounds (one place freed before each next round): no more
    than the cap, on both backends; the others get reminder_limit_reached."""
    person = person_material(0)
    assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    login = http.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    payload = body(person, clock.now() + timedelta(days=7))
    expected_created = CAP
    for round_ in range(3):
        outcomes = Counter(
            burst(
                PARALLEL,
                lambda _: answer(http.post("/api/v1/reminders", json=payload, headers=headers)),
            )
        )
        assert outcomes == {
            (201, ""): expected_created,
            (409, "reminder_limit_reached"): PARALLEL - expected_created,
        }, (round_, outcomes)
        items = http.get("/api/v1/reminders", headers=headers).json()["items"]
        assert len(items) == CAP
        response = http.delete(f"/api/v1/reminders/{items[0]['id']}", headers=headers)
        assert response.status_code == 204
        expected_created = 1


def test_a_reminder_deleted_by_20_parallel_calls_is_deleted_and_uncounted_once(
    http: httpx.Client, clock: FrozenClock
) -> None:
    person = person_material(1)
    assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    login = http.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    payload = body(person, clock.now() + timedelta(days=7))
    for round_ in range(3):
        kept = http.post("/api/v1/reminders", json=payload, headers=headers)
        assert kept.status_code == 201, kept.text
        made = http.post("/api/v1/reminders", json=payload, headers=headers).json()
        outcomes = Counter(
            burst(
                PARALLEL,
                lambda _, url=f"/api/v1/reminders/{made['id']}": answer(
                    http.delete(url, headers=headers)
                ),
            )
        )
        assert outcomes == {(204, ""): 1, (404, "reminder_not_found"): PARALLEL - 1}, round_
        # Counted once: the cap (5) still leaves exactly the places it should.
        listed = http.get("/api/v1/reminders", headers=headers).json()["items"]
        assert len(listed) == round_ + 1
    free = CAP - 3
    outcomes = Counter(
        burst(
            PARALLEL,
            lambda _: answer(http.post("/api/v1/reminders", json=payload, headers=headers)),
        )
    )
    assert outcomes[(201, "")] == free
