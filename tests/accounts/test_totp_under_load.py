"""Turning on a second factor holds under parallel requests (issue 14, item 1's class).

Real threads hit one person's TOTP enrolment on a live server on both backends, all
released at once: 20 enrolments of an account without one make one credential and
all answer 201 (before: the losers of the insert got a 500); of 10 confirmations
racing 10 new enrolments, one at most turns TOTP on, with the secret it proved, and it
stays so (the enrolments after it answer ``totp_already_enabled``), or they come after
a new secret and are refused; never "TOTP on" answered while a parallel enrolment
silently replaced the secret under it (the person's app would then give codes for a
secret nobody holds).
"""

from __future__ import annotations

from collections import Counter

import httpx
import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account, TotpCredential
from coffre.accounts.totp import TotpCodes
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.settings import Settings
from tests.accounts.factories import coffre_of
from tests.concurrency import answer, burst
from tests.factories import make_person

PARALLEL = 20
ROUNDS = 4


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Confirmations after a new secret are wrong codes, charged per login and per
    # address: room for every round from one address (not what is tested here).
    return settings.model_copy(
        update={"login_address_free_failures": 100, "login_address_max_failures": 100}
    )


def _account_id(api: TestClient, login: str) -> str:
    with coffre_of(api).db.unit_of_work() as db:
        return str(db.scalars(select(Account.id).where(Account.login == login)).one())


def test_twenty_parallel_enrolments_make_one_credential(
    api: TestClient, http: httpx.Client
) -> None:
    for round_ in range(ROUNDS):
        person = make_person(api, login=f"double-{round_}")
        account_id = _account_id(api, person.login)

        def enrol(_i: int, headers: dict[str, str] = person.headers) -> tuple[int, str]:
            return answer(http.post("/api/v1/me/totp", headers=headers))

        assert Counter(burst(PARALLEL, enrol)) == {(201, ""): PARALLEL}
        with coffre_of(api).db.unit_of_work() as db:
            rows = select(func.count()).where(TotpCredential.account_id == account_id)
            assert db.scalar(rows) == 1


def test_a_confirmation_racing_new_enrolments_is_never_undone_by_them(
    api: TestClient, http: httpx.Client, clock: FrozenClock, settings: Settings
) -> None:
    for round_ in range(ROUNDS):
        person = make_person(api, login=f"course-{round_}")
        account_id = _account_id(api, person.login)
        secret = http.post("/api/v1/me/totp", headers=person.headers).json()["secret"]
        code = pyotp.TOTP(secret, digits=6).at(clock.now())

        def confirm_or_enrol(
            i: int, headers: dict[str, str] = person.headers, code: str = code
        ) -> tuple[str, int, str]:
            if i % 2 == 0:
                response = http.post(
                    "/api/v1/me/totp/confirm", json={"code": code}, headers=headers
                )
                return ("confirm", *answer(response))
            return ("enrol", *answer(http.post("/api/v1/me/totp", headers=headers)))

        outcomes = Counter(burst(PARALLEL, confirm_or_enrol))
        assert set(outcomes) <= {
            ("confirm", 204, ""),
            ("confirm", 401, "invalid_totp"),
            ("confirm", 409, "totp_not_enrolled"),
            ("confirm", 429, "too_many_attempts"),  # wrong codes are throttled like logins
            ("enrol", 201, ""),
            ("enrol", 409, "totp_already_enabled"),
        }
        assert outcomes[("confirm", 204, "")] <= 1  # the code's time step serves once
        confirmed = outcomes[("confirm", 204, "")] == 1
        with coffre_of(api).db.unit_of_work() as db:
            credential = db.get(TotpCredential, account_id)
            assert credential is not None
            # What the person was told is what the account holds: on with the secret
            # their app confirmed (not one a later enrolment put under it), or off.
            assert (credential.confirmed_at is not None) == confirmed
            if confirmed:
                assert TotpCodes(settings).totp(credential).secret == secret
            on = select(func.count(AuditEntry.seq)).where(
                AuditEntry.action == "account.totp_on", AuditEntry.actor_id == account_id
            )
            assert db.scalar(on) == int(confirmed)
