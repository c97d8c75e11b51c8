"""``Idempotency-Key`` on the creating POSTs (api/idempotency.py), on both backends:
a retry with the same key and body makes nothing more and gets the first answer; the
same key with another body, or while the first request runs, is refused with its code
and changes nothing; keys are the caller's own; 20 parallel sendings of one key make
exactly one thing; an answer worth retrying (a refusal at a limit) is not kept; every
listed route is a POST route of the application."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.idempotency import IDEMPOTENT
from coffre.clock import FrozenClock
from coffre.idempotency.models import IdempotencyRecord
from coffre.settings import Settings
from crypto import b64encode
from tests.concurrency import PARALLEL, answer, burst
from tests.factories import Person, person_material
from tests.reminders.helpers import body, coffre_of

REMINDERS = "/api/v1/reminders"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"reminders_per_person": 5})


def _signed_in(http: httpx.Client, index: int) -> tuple[Person, dict[str, str]]:
    person = person_material(index)
    assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    login = http.post(
        "/api/v1/auth/login", json={"login": person.login, "auth_key": b64encode(person.auth_key)}
    )
    return person, {"Authorization": f"Bearer {login.json()['token']}"}


def _reminders(api_or_http: Any, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api_or_http.get(REMINDERS, headers=headers).json()["items"]
    return items


def test_a_retry_with_the_same_key_gets_the_first_answer_and_makes_nothing_more(
    http: httpx.Client, clock: FrozenClock
) -> None:
    person, headers = _signed_in(http, 0)
    payload = body(person, clock.now() + timedelta(days=7))
    keyed = {**headers, "Idempotency-Key": "5f0c3c1e-7a7e-4f7e-9d43-0c8a2b9d1e11"}
    first = http.post(REMINDERS, json=payload, headers=keyed)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = http.post(REMINDERS, json=payload, headers=keyed)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert len(_reminders(http, headers)) == 1

    # The same key with another body: refused, nothing made.
    other = body(person, clock.now() + timedelta(days=9))
    reused = http.post(REMINDERS, json=other, headers=keyed)
    assert answer(reused) == (422, "idempotency_key_reused")
    assert len(_reminders(http, headers)) == 1

    # Without a key, or with a new one, the route creates as always.
    assert http.post(REMINDERS, json=payload, headers=headers).status_code == 201
    fresh = {**headers, "Idempotency-Key": "another-key"}
    assert http.post(REMINDERS, json=payload, headers=fresh).status_code == 201
    assert len(_reminders(http, headers)) == 3


def test_a_key_is_the_callers_own(http: httpx.Client, clock: FrozenClock) -> None:
    """Another account sending the same key creates its own, and never sees the first
    account's answer."""
    alice, alice_headers = _signed_in(http, 1)
    bob, bob_headers = _signed_in(http, 2)
    key = {"Idempotency-Key": "shared-key-1"}
    first = http.post(
        REMINDERS,
        json=body(alice, clock.now() + timedelta(days=7)),
        headers={**alice_headers, **key},
    )
    second = http.post(
        REMINDERS, json=body(bob, clock.now() + timedelta(days=7)), headers={**bob_headers, **key}
    )
    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    assert [r["id"] for r in _reminders(http, bob_headers)] == [second.json()["id"]]


def test_twenty_parallel_sendings_of_one_key_make_one_thing(
    http: httpx.Client, clock: FrozenClock
) -> None:
    person, headers = _signed_in(http, 3)
    payload = body(person, clock.now() + timedelta(days=7))
    for round_ in range(3):
        keyed = {**headers, "Idempotency-Key": f"parallel-{round_}"}
        responses = burst(
            PARALLEL, lambda _, keyed=keyed: http.post(REMINDERS, json=payload, headers=keyed)
        )
        outcomes = Counter(answer(r) for r in responses)
        made = [r for r in responses if r.status_code == 201]
        # One ran; each other one either saw it running or got its answer.
        assert set(outcomes) <= {(201, ""), (409, "idempotency_in_progress")}, outcomes
        assert len({r.json()["id"] for r in made}) == 1, round_
        assert sum(1 for r in made if "idempotent-replayed" not in r.headers) == 1
        for refused in responses:
            if refused.status_code == 409:
                assert refused.headers["retry-after"] == "1"
        assert len(_reminders(http, headers)) == round_ + 1


def test_bad_keys_are_refused_before_anything_runs(api: TestClient, clock: FrozenClock) -> None:
    person, headers = _signed_in(api, 4)
    payload = body(person, clock.now() + timedelta(days=7))
    for key in (b"", b"a b", "é".encode(), b"x" * 256, b"a,b", b"a\tb"):
        sent: dict[str, str | bytes] = {**headers, "Idempotency-Key": key}
        refused = api.post(REMINDERS, json=payload, headers=sent)
        assert answer(refused) == (422, "idempotency_key_invalid"), key
    assert _reminders(api, headers) == []
    with coffre_of(api).db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_an_answer_a_retry_could_change_is_not_kept(api: TestClient, clock: FrozenClock) -> None:
    """A refusal at the cap of reminders (409) frees the key: once a place is free, the
    same request with the same key creates."""
    person, headers = _signed_in(api, 5)
    coffre = coffre_of(api)
    cap = coffre.settings.reminders_per_person
    payload = body(person, clock.now() + timedelta(days=7))
    for _ in range(cap):
        assert api.post(REMINDERS, json=payload, headers=headers).status_code == 201
    keyed = {**headers, "Idempotency-Key": "at-the-cap"}
    refused = api.post(REMINDERS, json=payload, headers=keyed)
    assert answer(refused) == (409, "reminder_limit_reached")
    first = _reminders(api, headers)[0]["id"]
    assert api.delete(f"{REMINDERS}/{first}", headers=headers).status_code == 204
    made = api.post(REMINDERS, json=payload, headers=keyed)
    assert made.status_code == 201
    assert "idempotent-replayed" not in made.headers


def test_a_replay_needs_the_session_to_be_still_good(api: TestClient, clock: FrozenClock) -> None:
    person, headers = _signed_in(api, 6)
    keyed = {**headers, "Idempotency-Key": "after-logout"}
    payload = body(person, clock.now() + timedelta(days=7))
    assert api.post(REMINDERS, json=payload, headers=keyed).status_code == 201
    assert api.post("/api/v1/auth/logout", headers=headers).status_code == 204
    replay = api.post(REMINDERS, json=payload, headers=keyed)
    assert replay.status_code == 401
    assert "idempotent-replayed" not in replay.headers


def test_every_listed_route_is_a_post_route_of_the_application(api: TestClient) -> None:
    paths = api.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert sorted(path for path in IDEMPOTENT if "post" not in paths.get(path, {})) == []
