"""The reminders job on a moved clock, on both backends (docs/REMINDERS.md).

A person's own reminder is sent once when due and moves to its next occurrence (a
quarterly one comes back each quarter, across the year's end); a document's expiry is
recalled 30 and 7 days before, once each; a grant the person made, 7 days and 1 day
before it ends; a request waiting for the person's answer, after 3 and 10 days. Each
sent reminder is in the person's history. A reminder turned off sends nothing; the
relay reminder respects its toggle too. Erasure removes the person's reminders. 20
runs at once send each occurrence exactly once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.clock import FrozenClock
from coffre.reminders.models import Reminder, ReminderCount, ReminderSent
from coffre.reminders.schedule import occurrence_at
from crypto import b64encode
from tests.concurrency import PARALLEL, burst
from tests.consent.world import ConsentWorld, build_consent_world
from tests.factories import Person, encrypted_document, make_person
from tests.reminders.helpers import (
    again_logged_in,
    audited,
    body,
    coffre_of,
    to_ten_utc,
    told,
    turn_off,
)

PARIS = ZoneInfo("Europe/Paris")
ROUNDS = 3


def _account_id(api: TestClient, person: Person) -> str:
    return str(api.get("/api/v1/me", headers=person.headers).json()["account"]["id"])


def _reminder(api: TestClient, person: Person, due_in: timedelta, repeat: str = "none") -> str:
    coffre = coffre_of(api)
    response = api.post(
        "/api/v1/reminders",
        json=body(person, coffre.clock.now() + due_in, repeat),
        headers=person.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _expiring_document(api: TestClient, person: Person, expires_on: date) -> str:
    document = encrypted_document(person, b"carte d'identite" * 50, category="identite")
    response = api.post(
        "/api/v1/documents",
        content=document.ciphertext,
        headers={**person.headers, **document.headers, "Coffre-Expires-On": expires_on.isoformat()},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _paris_today(clock: FrozenClock) -> date:
    return clock.now().astimezone(PARIS).date()


def _history_actions(api: TestClient, person: Person) -> list[str]:
    items = api.get("/api/v1/me/history", headers=person.headers).json()["items"]
    return [item["action"] for item in items]


# -- the person's own reminders ---------------------------------------------------------


def test_an_own_reminder_is_sent_once_when_due_then_done_and_is_in_the_history(
    api: TestClient, clock: FrozenClock
) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    reminder_id = _reminder(api, person, timedelta(hours=2))
    clock.advance(hours=2, seconds=-1)
    assert coffre.reminders.run().own == 0  # not a second early
    clock.advance(seconds=1)
    assert coffre.reminders.run().own == 1
    assert coffre.reminders.run().own == 0  # once
    assert told(api, me, "reminder.due") == [{"reminder_id": reminder_id}]
    person = again_logged_in(api, person)
    listed = api.get("/api/v1/reminders", headers=person.headers).json()["items"]
    assert listed[0]["done"] and listed[0]["last_sent_at"] is not None
    history = api.get("/api/v1/me/history", headers=person.headers).json()["items"]
    sent = [item for item in history if item["action"] == "reminder.own"]
    assert len(sent) == 1 and sent[0]["summary"]


def test_a_quarterly_reminder_comes_back_every_quarter_across_the_year_end(
    api: TestClient, clock: FrozenClock
) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    reminder_id = _reminder(api, person, timedelta(days=1), "quarterly")
    with coffre.db.unit_of_work() as db:
        anchor = db.get(Reminder, reminder_id).anchor_at  # type: ignore[union-attr]
    for number in range(1, 6):  # five quarters: at least one year's end crossed
        due = occurrence_at(anchor, "quarterly", number - 1, PARIS)
        clock.advance(seconds=(due - clock.now()).total_seconds())
        assert coffre.reminders.run().own == 1
        assert coffre.reminders.run().own == 0
        with coffre.db.unit_of_work() as db:
            row = db.get(Reminder, reminder_id)
            assert row is not None and row.done_at is None
            assert row.due_at == occurrence_at(anchor, "quarterly", number, PARIS)
        local = row.due_at.astimezone(PARIS)
        first = anchor.astimezone(PARIS)
        assert (local.hour, local.minute) == (first.hour, first.minute)
    assert len(told(api, me, "reminder.due")) == 5
    assert audited(api, "reminder.own", me) == 5


def test_a_reminder_missed_for_a_year_is_sent_once_and_moves_to_the_next_quarter(
    api: TestClient, clock: FrozenClock
) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    reminder_id = _reminder(api, person, timedelta(days=1), "quarterly")
    clock.advance(days=400)
    assert coffre.reminders.run().own == 1
    assert coffre.reminders.run().own == 0
    with coffre.db.unit_of_work() as db:
        row = db.get(Reminder, reminder_id)
        assert row is not None and clock.now() < row.due_at <= clock.now() + timedelta(days=93)
    assert len(told(api, me, "reminder.due")) == 1


def test_an_own_reminder_turned_off_sends_nothing(api: TestClient, clock: FrozenClock) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    inactive = api.post(
        "/api/v1/reminders",
        json=body(person, clock.now() + timedelta(hours=1), active=False),
        headers=person.headers,
    )
    assert inactive.status_code == 201
    _reminder(api, person, timedelta(hours=1), "monthly")
    turn_off(api, me, "own", clock.now())
    clock.advance(hours=2)
    assert coffre.reminders.run().own == 0
    assert told(api, me, "reminder.due") == []
    assert audited(api, "reminder.own", me) == 0


# -- documents about to expire -------------------------------------------------------------


def test_a_document_expiring_is_recalled_30_and_7_days_before_once_each(
    api: TestClient, clock: FrozenClock
) -> None:
    to_ten_utc(clock)
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    expires_on = _paris_today(clock) + timedelta(days=60)
    document_id = _expiring_document(api, person, expires_on)
    sent_on: list[int] = []
    for _ in range(1, 62):
        clock.advance(days=1)
        found = coffre.reminders.run().documents
        assert coffre.reminders.run().documents == 0  # once
        if found:
            sent_on.append((expires_on - _paris_today(clock)).days)
    assert sent_on == [30, 7]
    data = {"document_id": document_id, "expires_on": expires_on.isoformat()}
    assert told(api, me, "document.expiring") == [data, data]
    person = again_logged_in(api, person)
    assert _history_actions(api, person).count("reminder.document_expiring") == 2


def test_a_document_added_inside_the_window_is_recalled_at_the_next_moment_only(
    api: TestClient, clock: FrozenClock
) -> None:
    to_ten_utc(clock)
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    expires_on = _paris_today(clock) + timedelta(days=20)
    _expiring_document(api, person, expires_on)
    assert coffre.reminders.run().documents == 0  # the person just chose the date
    clock.advance(days=12)
    assert coffre.reminders.run().documents == 0
    clock.advance(days=1)
    assert coffre.reminders.run().documents == 1  # 7 days before
    assert len(told(api, me, "document.expiring")) == 1


def test_document_reminders_turned_off_send_nothing(api: TestClient, clock: FrozenClock) -> None:
    to_ten_utc(clock)
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    _expiring_document(api, person, _paris_today(clock) + timedelta(days=45))
    turn_off(api, me, "documents_expiring", clock.now())
    clock.advance(days=15)
    assert coffre.reminders.run().documents == 0
    clock.advance(days=23)
    assert coffre.reminders.run().documents == 0
    assert told(api, me, "document.expiring") == []


# -- grants ending, requests waiting ------------------------------------------------------


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _request(cw: ConsentWorld) -> str:
    response = cw.api.post(
        "/api/v1/requests",
        json={
            "person_login": cw.person.login,
            "structure_id": cw.world.structure_id,
            "purpose": "ouverture-droits-rsa",
            "category": "domicile",
        },
        headers=cw.professional.headers,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def test_a_grant_ending_is_recalled_7_days_and_1_day_before_to_the_person(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    coffre = coffre_of(cw.api)
    grant = cw.share(days=30, now=clock.now())
    person = cw.person.account_id
    clock.advance(days=23, seconds=-60)
    assert coffre.reminders.run().grants == 0
    clock.advance(seconds=120)
    assert coffre.reminders.run().grants == 1
    assert coffre.reminders.run().grants == 0
    clock.advance(days=6)
    assert coffre.reminders.run().grants == 1
    clock.advance(days=2)  # ended: nothing more
    assert coffre.reminders.run().grants == 0
    sent = told(cw.api, person, "grant.ending")
    assert [s["grant_id"] for s in sent] == [grant["id"], grant["id"]]
    assert told(cw.api, cw.professional.account_id, "grant.ending") == []
    assert audited(cw.api, "reminder.grant_ending", person) == 2


def test_a_request_waiting_is_recalled_after_3_and_10_days_until_answered(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    coffre = coffre_of(cw.api)
    waiting = _request(cw)
    person = cw.person.account_id
    clock.advance(days=3, seconds=-60)
    assert coffre.reminders.run().requests == 0
    clock.advance(seconds=60)
    assert coffre.reminders.run().requests == 1
    assert coffre.reminders.run().requests == 0
    clock.advance(days=7)
    assert coffre.reminders.run().requests == 1
    clock.advance(days=7)
    assert coffre.reminders.run().requests == 0
    assert told(cw.api, person, "request.waiting") == [{"request_id": waiting}] * 2
    assert audited(cw.api, "reminder.request_waiting", person) == 2


def test_grant_and_request_reminders_turned_off_send_nothing(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    coffre = coffre_of(cw.api)
    cw.share(days=10, now=clock.now())
    _request(cw)
    person = cw.person.account_id
    turn_off(cw.api, person, "grants_ending", clock.now())
    turn_off(cw.api, person, "requests_waiting", clock.now())
    clock.advance(days=4)
    report = coffre.reminders.run()
    assert (report.grants, report.requests) == (0, 0)
    assert told(cw.api, person, "grant.ending") == told(cw.api, person, "request.waiting") == []


# -- erasure, and 20 runs at once ----------------------------------------------------------


def test_erasure_removes_the_persons_reminders(api: TestClient, clock: FrozenClock) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    _reminder(api, person, timedelta(hours=1))
    _reminder(api, person, timedelta(days=9), "yearly")
    clock.advance(hours=1)
    assert coffre.reminders.run().own == 1
    person = again_logged_in(api, person)
    erased = api.request(
        "DELETE",
        "/api/v1/me",
        json={"auth_key": b64encode(person.auth_key)},
        headers=person.headers,
    )
    assert erased.status_code == 204, erased.text
    with coffre.db.unit_of_work() as db:
        for model in (Reminder, ReminderCount, ReminderSent):
            assert db.scalars(select(model).where(model.account_id == me)).all() == []
    clock.advance(days=10)
    assert coffre.reminders.run().own == 0


def test_twenty_runs_at_once_send_each_occurrence_once(api: TestClient, clock: FrozenClock) -> None:
    to_ten_utc(clock)
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    for round_ in range(ROUNDS):
        person = again_logged_in(api, person)
        reminders = [_reminder(api, person, timedelta(hours=1), "monthly") for _ in range(3)]
        _expiring_document(api, person, _paris_today(clock) + timedelta(days=31))
        clock.advance(days=1)  # own reminders due; the document 30 days before its end
        reports = burst(PARALLEL, lambda _: coffre.reminders.run())
        assert sum(r.own for r in reports) == 3, round_
        assert sum(r.documents for r in reports) == 1, round_
        due = told(api, me, "reminder.due")
        assert sorted(d["reminder_id"] for d in due[-3:]) == sorted(reminders)
        assert len(due) == 3 * (round_ + 1)
        assert len(told(api, me, "document.expiring")) == round_ + 1
        assert audited(api, "reminder.own", me) == 3 * (round_ + 1)
        assert audited(api, "reminder.document_expiring", me) == round_ + 1
        with coffre.db.unit_of_work() as db:
            for reminder_id in reminders:
                row = db.get(Reminder, reminder_id)
                assert row is not None and row.occurrence == 1 and row.due_at > clock.now()


def test_a_repeating_reminder_turned_on_again_after_its_time_goes_on_at_its_next_occurrence(
    api: TestClient, clock: FrozenClock
) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    me = _account_id(api, person)
    first = clock.now() + timedelta(hours=1)
    made = api.post(
        "/api/v1/reminders",
        json=body(person, first, "monthly", active=False),
        headers=person.headers,
    ).json()
    clock.advance(hours=2)
    assert coffre.reminders.run().own == 0  # off
    person = again_logged_in(api, person)
    on = api.put(
        f"/api/v1/reminders/{made['id']}",
        json=body(person, made["due_at"], "monthly", active=True),
        headers=person.headers,
    )
    assert on.status_code == 200, on.text
    assert coffre.reminders.run().own == 0  # not at once for a date gone
    with coffre.db.unit_of_work() as db:
        row = db.get(Reminder, made["id"])
        assert row is not None and row.due_at == occurrence_at(row.anchor_at, "monthly", 1, PARIS)
    clock.advance(seconds=(row.due_at - clock.now()).total_seconds())
    assert coffre.reminders.run().own == 1
    assert told(api, me, "reminder.due") == [{"reminder_id": made["id"]}]
