"""Login throttling per login and per address, with a growing delay (the clock moves, no sleep).

Defaults: per login 3 free failures, then 10 s × 2^(n−3), hard cap 5 per 15 minutes;
per address 10 free failures, cap 30.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from coffre.accounts.models import LoginFailure
from coffre.accounts.throttle import Limits, address_identity, wait_seconds
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.accounts.factories import WRONG_KEY, coffre_of, from_address, login
from tests.factories import make_person

SHARED_COMPUTER = "192.0.2.10"
OTHER_ADDRESS = "198.51.100.7"


def _fail(api: TestClient, login_name: str, times: int = 1) -> None:
    for _ in range(times):
        response = login(api, login_name, WRONG_KEY)
        assert response.status_code == 401, response.text


def test_the_first_three_failures_cost_no_wait(api: TestClient) -> None:
    person = make_person(api)
    _fail(api, person.login, 3)


def test_after_three_failures_the_next_attempt_waits_ten_seconds(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    _fail(api, person.login, 3)
    refused = login(api, person.login, WRONG_KEY)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert refused.headers["Retry-After"] == "10"
    clock.advance(seconds=10)
    assert login(api, person.login, WRONG_KEY).status_code == 401


def test_the_delay_doubles_with_each_further_failure(api: TestClient, clock: FrozenClock) -> None:
    person = make_person(api)
    _fail(api, person.login, 3)
    clock.advance(seconds=10)
    _fail(api, person.login)  # the fourth
    clock.advance(seconds=19)
    refused = login(api, person.login, WRONG_KEY)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "1"
    clock.advance(seconds=1)
    assert login(api, person.login, WRONG_KEY).status_code == 401


def test_the_right_passphrase_is_refused_while_the_delay_lasts(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    _fail(api, person.login, 3)
    assert login(api, person.login, person.auth_key).status_code == 429
    clock.advance(seconds=10)
    assert login(api, person.login, person.auth_key).status_code == 200


def test_after_five_failures_every_attempt_waits_for_the_window_to_slide(
    api: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    person = make_person(api)
    _fail(api, person.login, 3)
    clock.advance(seconds=10)
    _fail(api, person.login)
    clock.advance(seconds=20)
    _fail(api, person.login)  # the fifth, 30 s after the first
    clock.advance(seconds=60)
    refused = login(api, person.login, person.auth_key)
    assert refused.status_code == 429
    # Until the oldest of the five is 15 minutes old.
    assert refused.headers["Retry-After"] == str(settings.login_window_seconds - 90)
    assert "Réessayez dans 14 minutes" in refused.json()["error"]["message"]
    clock.advance(seconds=settings.login_window_seconds - 90)
    assert login(api, person.login, person.auth_key).status_code == 200


def test_an_unknown_login_and_a_wrong_value_get_identical_answers_all_along(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    answers: dict[str, list[tuple[int, object, str | None]]] = {person.login: [], "nobody": []}
    for name, address in zip(answers, (SHARED_COMPUTER, OTHER_ADDRESS), strict=True):
        client = from_address(api, address)
        for advance in (0, 0, 0, 0, 10, 0, 20, 0):
            clock.advance(seconds=advance)
            response = login(client, name, WRONG_KEY)
            answers[name].append(
                (response.status_code, response.json(), response.headers.get("Retry-After"))
            )
    assert answers[person.login] == answers["nobody"]
    statuses = [status for status, _, _ in answers["nobody"]]
    assert statuses == [401, 401, 401, 429, 401, 429, 401, 429]


def test_a_success_clears_the_count_of_the_login(api: TestClient, clock: FrozenClock) -> None:
    person = make_person(api)
    _fail(api, person.login, 3)
    clock.advance(seconds=10)
    assert login(api, person.login, person.auth_key).status_code == 200
    _fail(api, person.login, 3)  # three free failures again, no wait


def test_failures_from_one_address_add_up_across_logins(api: TestClient) -> None:
    shared = from_address(api, SHARED_COMPUTER)
    elsewhere = from_address(api, OTHER_ADDRESS)
    for name, times in (("amina", 3), ("bruno", 3), ("chloe", 3), ("david", 1)):
        _fail(shared, name, times)
    # Ten failures from the shared computer: its next attempt waits, whatever the login...
    refused = login(shared, "emile", WRONG_KEY)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "10"
    # ...while the same login from another address is answered.
    assert login(elsewhere, "emile", WRONG_KEY).status_code == 401


def test_a_success_does_not_clear_the_count_of_the_address(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    shared = from_address(api, SHARED_COMPUTER)
    for name, times in (("amina", 3), ("bruno", 3), ("chloe", 3), ("david", 1)):
        _fail(shared, name, times)
    clock.advance(seconds=10)
    assert login(shared, person.login, person.auth_key).status_code == 200
    _fail(shared, "emile")  # the eleventh from this address
    refused = login(shared, "farid", WRONG_KEY)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "20"


@pytest.fixture
def strict_address_api(settings: Settings, clock: FrozenClock) -> Iterator[TestClient]:
    """An app whose address cap is reached quickly: 4 failures, no delay before it."""
    tight = settings.model_copy(
        update={"login_address_max_failures": 4, "login_address_free_failures": 4}
    )
    with TestClient(create_app(tight, clock=clock), client=(SHARED_COMPUTER, 50000)) as client:
        yield client


def test_the_address_cap_refuses_until_the_window_slides(
    strict_address_api: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    for name in ("amina", "bruno", "chloe", "david"):
        _fail(strict_address_api, name)
    refused = login(strict_address_api, "emile", WRONG_KEY)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == str(settings.login_window_seconds)
    clock.advance(seconds=settings.login_window_seconds)
    assert login(strict_address_api, "emile", WRONG_KEY).status_code == 401


def test_failures_older_than_the_window_are_purged(
    api: TestClient, clock: FrozenClock, settings: Settings
) -> None:
    _fail(api, "amina", 2)
    clock.advance(seconds=settings.login_window_seconds + 1)
    _fail(api, "bruno")
    coffre = coffre_of(api)
    # Each failure is kept twice: under the login and under the address.
    assert coffre.accounts.purge_login_failures() == 4
    with coffre.db.unit_of_work() as db:
        assert db.scalar(select(func.count(LoginFailure.id))) == 2


T0 = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _wait(failure_ages: list[int], limits: Limits) -> float:
    failures = [T0 - timedelta(seconds=age) for age in failure_ages]
    return wait_seconds(
        failures,
        T0,
        limits=limits,
        window=timedelta(minutes=15),
        base_seconds=10,
        max_delay_seconds=900,
    )


def test_the_delay_is_capped() -> None:
    limits = Limits(free_failures=3, max_failures=100)
    assert _wait([0] * 20, limits) == 900


def test_the_hard_cap_counts_from_the_oldest_failure_that_keeps_the_count_at_the_cap() -> None:
    limits = Limits(free_failures=10, max_failures=3)
    # Newest first: the third newest is 600 s old, so 300 s remain in its window.
    assert _wait([100, 200, 600], limits) == 300


def test_without_failures_there_is_no_wait() -> None:
    assert _wait([], Limits(free_failures=0, max_failures=5)) == 0


@pytest.mark.parametrize(
    ("address", "counted_as"),
    [
        ("192.0.2.10", "192.0.2.10"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.10", "192.0.2.10"),
        ("testclient", "testclient"),
    ],
)
def test_an_ipv6_host_is_counted_by_its_64_bit_network(address: str, counted_as: str) -> None:
    assert address_identity(address) == counted_as
