"""The login throttle holds under a parallel burst (issue 14, items 1 and 7).

Real threads send wrong login values to a live server on both backends, all released
at once: no more attempts may be checked than the throttle lets through one at a
time, and every other one is refused with ``too_many_attempts`` (never a 500).
The per-login delay is turned off here (free failures = the cap), so what is tested
is the hard cap itself; the per-address numbers are the defaults (10 free, cap 30).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import LoginFailure
from coffre.accounts.throttle import Scope
from coffre.clock import FrozenClock
from coffre.settings import Settings
from crypto import b64encode
from tests.accounts.factories import WRONG_KEY, coffre_of
from tests.concurrency import burst
from tests.factories import make_person

CAP = 5
BURST = 40
ROUNDS = 5


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"login_free_failures": CAP, "login_max_failures": CAP})


@pytest.fixture
def http(live_server: str) -> Iterator[httpx.Client]:
    limits = httpx.Limits(max_connections=BURST, max_keepalive_connections=BURST)
    with httpx.Client(base_url=live_server, timeout=60, limits=limits) as client:
        yield client


def _guess(http: httpx.Client, login: str) -> tuple[int, str]:
    body = {"login": login, "auth_key": b64encode(WRONG_KEY)}
    response = http.post("/api/v1/auth/login", json=body)
    return response.status_code, response.json()["error"]["code"]


def test_forty_parallel_wrong_passphrases_on_one_login_check_no_more_than_the_cap(
    api: TestClient, http: httpx.Client, clock: FrozenClock, settings: Settings
) -> None:
    person = make_person(api)
    coffre = coffre_of(api)
    for _ in range(ROUNDS):
        outcomes = Counter(burst(BURST, lambda _i: _guess(http, person.login)))
        assert outcomes == {
            (401, "invalid_credentials"): CAP,
            (429, "too_many_attempts"): BURST - CAP,
        }
        with coffre.db.unit_of_work() as db:
            counted = db.scalar(
                select(func.count(LoginFailure.id)).where(
                    LoginFailure.scope == Scope.ACCOUNT, LoginFailure.at == clock.now()
                )
            )
        assert counted == CAP
        clock.advance(seconds=settings.login_window_seconds + 1)


def test_forty_parallel_wrong_guesses_from_one_address_check_no_more_than_it_allows(
    http: httpx.Client, clock: FrozenClock, settings: Settings
) -> None:
    free = settings.login_address_free_failures
    for round_ in range(ROUNDS):

        def guess(i: int, round_: int = round_) -> tuple[int, str]:
            return _guess(http, f"inconnu-{round_}-{i}")

        outcomes = Counter(burst(BURST, guess))
        assert outcomes == {
            (401, "invalid_credentials"): free,
            (429, "too_many_attempts"): BURST - free,
        }
        clock.advance(seconds=settings.login_window_seconds + 1)
