"""Assisted sign-up in the browser: the professional's code opens the sign-up on the
person's phone; the person alone chooses the passphrase."""

from __future__ import annotations

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from client import CoffreClient
from tests.structures.world import build_world
from tests.web.conftest import assert_accessible, screenshot

PASSPHRASE = "ma phrase secrète à moi seule"


def test_a_person_signs_up_on_their_phone_with_a_professionals_invitation(
    api: TestClient, page: Page, live_server: str
) -> None:
    world = build_world(api)
    invitation = api.post("/api/v1/invitations/person", headers=world.professional.headers).json()
    page.goto(f"{live_server}/#invitation={invitation['code']}")
    signup = page.locator('[data-screen="signup"]')
    expect(signup).to_be_visible(timeout=30_000)
    expect(page.locator("#signup-invited")).to_be_visible()
    assert_accessible(page, "assisted-signup")
    screenshot(page, "09-assisted-signup")
    signup.get_by_label("Pseudonyme ou numéro de téléphone").fill("06 11 22 33 44")
    signup.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    signup.get_by_label("La même phrase secrète, encore une fois").fill(PASSPHRASE)
    signup.get_by_role("button", name="Créer mon coffre").click()
    expect(page.locator('[data-screen="recovery"]')).to_be_visible(timeout=30_000)

    with CoffreClient(live_server) as client:
        assert client.login("0611223344", PASSPHRASE).login == "0611223344"
    # The code served once: a second sign-up with it is refused.
    again = api.post(
        "/api/v1/accounts",
        json={
            **world.person.signup_body,
            "login": "quelquun",
            "invitation_code": invitation["code"],
        },
    )
    assert again.status_code == 403
    assert again.json()["error"]["code"] == "invalid_invitation"
