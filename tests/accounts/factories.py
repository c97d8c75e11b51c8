"""Factories of the accounts tests: logins from an address or a device, roles, TOTP codes.

Accounts of the roles that require TOTP are made by signing up a person and changing
the account's kind in the database (the structures area adds the real paths).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.accounts.models import Account
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.policy import Role
from crypto import b64encode
from tests.factories import Person, make_person

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"
)
WRONG_KEY = b"\x00" * 32


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def from_address(api: TestClient, host: str) -> TestClient:
    """A client of the same running app, connecting from ``host``."""
    return TestClient(api.app, client=(host, 50000))


def login(
    api: TestClient,
    login: str,
    auth_key: bytes,
    *,
    totp_code: str | None = None,
    user_agent: str | None = None,
    web: bool = False,
) -> Any:
    """POST a login; returns the raw response."""
    body: dict[str, Any] = {"login": login, "auth_key": b64encode(auth_key)}
    if totp_code is not None:
        body["totp_code"] = totp_code
    headers = {"User-Agent": user_agent} if user_agent else {}
    path = "/api/v1/auth/web-login" if web else "/api/v1/auth/login"
    return api.post(path, json=body, headers=headers)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_account(api: TestClient, role: Role, slot: int = 0) -> Person:
    """A signed-up, logged-in account of ``role`` (its session as the role allows)."""
    person = make_person(api, slot)
    if role is Role.PERSON:
        return person
    with coffre_of(api).db.unit_of_work() as db:
        account = db.scalars(select(Account).where(Account.login == person.login)).one()
        account.kind = role.value
    response = login(api, person.login, person.auth_key)
    assert response.status_code == 200, response.text
    return Person(
        person.login,
        person.passphrase,
        person.keys,
        person.signup_body,
        person.auth_key,
        response.json()["token"],
    )


def totp_code(secret: str, clock: FrozenClock, steps: int = 0) -> str:
    """The code an authenticator app shows at the clock's time (``steps`` × 30 s later)."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


def enrol_totp(api: TestClient, headers: dict[str, str], clock: FrozenClock) -> str:
    """Enrol and confirm TOTP on the session in ``headers``; returns the secret.

    The confirmation uses the current step: the next login needs a later code
    (move the clock 30 s, or pass ``steps=1``).
    """
    response = api.post("/api/v1/me/totp", headers=headers)
    assert response.status_code == 201, response.text
    secret = str(response.json()["secret"])
    confirm = api.post(
        "/api/v1/me/totp/confirm", json={"code": totp_code(secret, clock)}, headers=headers
    )
    assert confirm.status_code == 204, confirm.text
    return secret


def enrol_if_required(api: TestClient, login_body: dict[str, Any], headers: dict[str, str]) -> None:
    """For other areas' tests: a login that answered ``totp_enrolment_required`` (territory
    admins, charter officers) is completed by enrolling TOTP at the app's clock's time."""
    if login_body.get("totp_enrolment_required"):
        clock = coffre_of(api).clock
        assert isinstance(clock, FrozenClock)
        enrol_totp(api, headers, clock)
