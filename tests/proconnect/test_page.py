"""ProConnect in the page, in a phone-sized Chromium against the real server and the
local provider: the login screen offers "Se connecter avec ProConnect" only when it
is configured; Mme Dupont (linked once through an invitation) clicks it, logs in at
the provider, comes back greeted by the names ProConnect gave, and her vault opens
only once she has typed her passphrase (before that, the server knows no session)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from crypto import b64encode
from tests.consent.world import consent_charter, publish
from tests.proconnect.browser import Browser
from tests.structures.world import build_world, invite
from tests.web.conftest import PageProblems, assert_accessible, screenshot
from tests.web.journeys import PRO_PASSPHRASE, open_login, visible_screen

BUTTON = "Se connecter avec ProConnect"
LINK = 'id="proconnect-start"'


def test_the_login_screen_offers_proconnect_only_when_it_is_configured(
    api: TestClient, pc_api: TestClient
) -> None:
    assert LINK not in api.get("/").text
    assert api.get("/api/v1/auth/proconnect/start").status_code == 404
    assert LINK in pc_api.get("/").text


def test_a_professional_logs_in_with_proconnect_then_her_passphrase_opens_the_vault(
    pc_api: TestClient,
    pc_server: str,
    browsers: Callable[..., Browser],
    page: Page,
    problems: dict[str, PageProblems],
) -> None:
    # The provider's development login page asks for a web font from the Internet.
    problems["page"].allow("ERR_NAME_NOT_RESOLVED")
    world = build_world(pc_api)
    publish(pc_api, world, consent_charter(world.structure_id))
    pro = world.professional
    # Linked once, through an invitation (tests/proconnect/test_login.py walks it).
    linking = browsers()
    code = invite(pc_api, world.structure_admin, world.structure_id, "professional", "Dupont")
    assert linking.through(invitation=code) == "/#proconnect"
    done = linking.complete({"login": pro.login, "auth_key": b64encode(pro.auth_key)})
    assert done.status_code == 200, done.text

    open_login(page, pc_server).get_by_role("link", name=BUTTON).click()
    # The provider's own login and consent forms (oidc-provider's development screens).
    page.locator("input[name=login]").fill(linking.agent)
    page.locator("input[name=password]").fill("mot-de-passe-agent")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()

    screen = visible_screen(page, "proconnect")
    expect(screen.locator("#proconnect-hello")).to_have_text("Bonjour Claire Martin.")
    expect(screen.get_by_label("Pseudonyme ou numéro de téléphone")).to_be_hidden()
    # ProConnect alone opened nothing: no session, no keyring.
    assert page.request.get(f"{pc_server}/api/v1/me").status == 401
    assert_accessible(page, "proconnect")
    screenshot(page, "proconnect-passphrase")

    screen.get_by_label("Phrase secrète", exact=True).fill(PRO_PASSPHRASE)
    screen.get_by_role("button", name="Ouvrir").click()
    visible_screen(page, "shared")
    assert page.request.get(f"{pc_server}/api/v1/me").status == 200


def test_a_refused_proconnect_login_is_explained_on_the_login_screen(
    pc_server: str, page: Page
) -> None:
    page.goto(f"{pc_server}/#proconnect-error=proconnect_not_linked")
    screen = visible_screen(page, "login")
    expect(screen.locator("#login-error")).to_contain_text("Demandez une invitation")
    assert_accessible(page, "proconnect-refused")
