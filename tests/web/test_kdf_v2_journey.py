"""Passphrase KDF v2 in the page (crypto/SPEC.md §19), in a phone-sized Chromium.

A v1 account (as every account made before v2) logs in through the page and is moved
to v2 in the same step; it logs in again with v2. A new account signs up in v2. The
page derives the salt itself from the territory and the login it was typed with.
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Page, expect

from client.kdf import derive, read_kdf
from coffre.accounts.errors import InvalidLogin
from coffre.accounts.login import normalise_login
from crypto import b64encode
from tests.factories import person_material
from tests.kdf_factories import TERRITORY
from tests.web.journeys import log_in, log_out_person, open_login, visible_screen
from tests.web.test_person_journey import PASSPHRASE, sign_up

V2_MEMBERS = {"v", "alg", "salt_random", "opslimit", "memlimit"}


def _kdf(base: str, login: str) -> dict[str, Any]:
    with httpx.Client(base_url=base) as http:
        answer = http.post("/api/v1/auth/prelogin", json={"login": login})
        kdf: dict[str, Any] = answer.json()["kdf"]
        return kdf


def test_a_v1_account_moves_to_v2_at_its_page_login_and_opens_again_in_v2(
    page: Page, live_server: str
) -> None:
    person = person_material(0, login="Margot.V1")
    with httpx.Client(base_url=live_server) as http:
        assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    assert "salt" in _kdf(live_server, "margot.v1")

    log_in(page, live_server, "Margot.V1", person.passphrase, "documents")
    moved = _kdf(live_server, "margot.v1")
    assert set(moved) == V2_MEMBERS and moved["v"] == 2
    # The same passphrase, under the salt of this territory and this login.
    auth_key = derive(
        person.passphrase, read_kdf(moved), territory=TERRITORY, login="margot.v1"
    ).auth_key
    with httpx.Client(base_url=live_server) as http:
        body = {"login": "margot.v1", "auth_key": b64encode(auth_key)}
        assert http.post("/api/v1/auth/login", json=body).status_code == 200
        old = {"login": "margot.v1", "auth_key": b64encode(person.auth_key)}
        assert http.post("/api/v1/auth/login", json=old).status_code == 401

    log_out_person(page)
    log_in(page, live_server, "margot.v1", person.passphrase, "documents")
    assert _kdf(live_server, "margot.v1") == moved  # moved once


def test_a_wrong_passphrase_moves_nothing(page: Page, live_server: str) -> None:
    person = person_material(0, login="margot-v1-bis")
    with httpx.Client(base_url=live_server) as http:
        assert http.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    form = open_login(page, live_server)
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill(person.login)
    form.get_by_label("Phrase secrète", exact=True).fill("pas la bonne phrase du tout")
    form.get_by_role("button", name="Ouvrir").click()
    expect(page.locator("#login-error")).to_be_visible(timeout=30_000)
    assert _kdf(live_server, person.login) == person.signup_body["kdf"]


def test_a_person_who_signs_up_in_the_page_is_v2(page: Page, live_server: str) -> None:
    sign_up(page, live_server, "Inès.Nouvelle")
    kdf = _kdf(live_server, "inès.nouvelle")
    assert set(kdf) == V2_MEMBERS
    auth_key = derive(
        PASSPHRASE, read_kdf(kdf), territory=TERRITORY, login="inès.nouvelle"
    ).auth_key
    with httpx.Client(base_url=live_server) as http:
        body = {"login": "inès.nouvelle", "auth_key": b64encode(auth_key)}
        assert http.post("/api/v1/auth/login", json=body).status_code == 200


LOGINS = [
    "Camille.V2",
    "  élodie_M ",
    "ÉLODIE",
    "Straße-12",
    "ΣΊΣΥΦΟΣ",
    "ﬁlou",
    "ｆｕｌｌｗｉｄｔｈ",
    "ǅemal",
    "İstanbul",
    "06 12 34 56 78",
    "+33 6 12 34 56 78",
    "+44 20 7946 0958",
    "06-12-34",
    "ab",
    "moi@ici",
    "x" * 41,
    "née_1985",
]


def test_the_page_makes_a_login_canonical_as_the_server_does(page: Page, live_server: str) -> None:
    page.goto(live_server)
    visible_screen(page, "welcome")
    found = page.evaluate(
        "async (xs) => (await import('/static/js/kdf-v2.js')).canonicalLogin && "
        "xs.map((await import('/static/js/kdf-v2.js')).canonicalLogin)",
        LOGINS,
    )
    assert found == [_server(login) for login in LOGINS]


def _server(raw: str) -> str | None:
    try:
        return normalise_login(raw)
    except InvalidLogin:
        return None
