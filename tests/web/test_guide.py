"""The guide of solidarity services on a 360 px phone: searched without an account and
without JavaScript, misspelt and without accents; accessible (axe); contacts only for
a certified professional logged in on the browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, BrowserContext, Page, expect

from coffre.container import Coffre
from tests.directory.factories import as_bytes, territory
from tests.structures.world import build_world
from tests.web.conftest import PHONE, PageProblems, assert_accessible, screenshot


@pytest.fixture
def no_script_phone(chromium: Browser) -> Iterator[BrowserContext]:
    context = chromium.new_context(viewport=PHONE, locale="fr-FR", java_script_enabled=False)
    try:
        yield context
    finally:
        context.close()


def _import(api: TestClient) -> None:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    coffre.directory.import_file(None, as_bytes(territory()))


def test_a_person_finds_a_service_on_a_phone_without_an_account_or_javascript(
    api: TestClient, no_script_phone: BrowserContext, live_server: str
) -> None:
    _import(api)
    page = no_script_phone.new_page()
    page.goto(f"{live_server}/guide")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trouver une aide près de chez vous")
    # (axe needs scripts: it runs on the same pages in the next test.)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("De quoi avez-vous besoin ?").fill("logemant")
    page.get_by_label("Pour qui ?").select_option("familles")
    page.get_by_role("button", name="Chercher").click()
    results = page.get_by_role("list", name="Résultats")
    expect(results.get_by_role("heading", level=3).first).to_have_text("Accès au logement social")
    expect(page.get_by_text("Camille Martin")).to_have_count(0)  # contacts: professionals only
    page.get_by_role("link", name="Accès au logement social").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès au logement social")
    expect(page.get_by_text("Habiter Clermont-Ferrand depuis trois mois.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_guide_is_accessible_and_shows_contacts_to_a_professional(
    api: TestClient, page: Page, live_server: str, problems: dict[str, PageProblems]
) -> None:
    problems["page"].allow("status of 404")  # the unknown service's page, on purpose
    world = build_world(api)
    _import(api)
    page.goto(f"{live_server}/guide?besoin=hebergement&lieu=63")
    expect(page.get_by_role("heading", name="Hébergement d'urgence", level=3)).to_be_visible()
    expect(page.get_by_text("Camille Martin")).to_have_count(0)
    assert_accessible(page, "guide results")
    screenshot(page, "60-guide")
    page.goto(f"{live_server}/guide?besoin=parachutisme")
    expect(page.get_by_text("Aucun service ne correspond.")).to_be_visible()
    assert_accessible(page, "guide nothing found")
    page.goto(f"{live_server}/guide/services/{'0' * 32}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service introuvable")
    assert_accessible(page, "guide unknown service")
    # The same browser with a certified professional's session sees the contacts.
    host = live_server.split("//", 1)[1].split(":", 1)[0]
    page.context.add_cookies(
        [{"name": "coffre_session", "value": world.professional.token, "domain": host, "path": "/"}]
    )
    page.goto(f"{live_server}/guide?besoin=aides+alimentaires")
    expect(page.get_by_role("heading", name="Aide alimentaire", level=3)).to_be_visible()
    expect(page.get_by_text("Camille Martin")).to_be_visible()
    expect(page.get_by_role("link", name="+33473111111")).to_be_visible()
    assert_accessible(page, "guide with contacts")
