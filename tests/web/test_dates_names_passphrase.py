"""Smaller defects of the person's page (issue 14, item 7), in the browser.

- One time zone rule: every date is on the territory's clock (Europe/Paris), whatever
  the device's: a document added at 23:30 UTC on 5 December says "06/12" on the list
  and on its own screen (it said "05/12" on one and "06/12" on the other).
- Renaming edits the words of a document's name; the extension stays, so the file
  downloaded later still opens.
- The example passphrase the sign-up hint gives is refused, however it is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from coffre.clock import FrozenClock
from tests.web.conftest import PHONE, PageProblems, assert_accessible, png, screenshot
from tests.web.journeys import (
    describe_document,
    document_button,
    download,
    pick_pages,
    visible_screen,
)
from tests.web.test_person_journey import sign_up

# 23:30 UTC on 5 December is 00:30 on 6 December in Paris (UTC+1 in winter).
LATE_EVENING_UTC = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)


def add_photo(page: Page, tmp_path: Path, title: str) -> None:
    page.get_by_role("button", name="Ajouter un document").first.click()
    kind = visible_screen(page, "add-kind")
    describe_document(kind, "identite", title)
    kind.get_by_role("button", name="Suivant").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [png(tmp_path / "photo.png", 600, 400, seed=2)])
    page.get_by_role("button", name="Mettre dans mon coffre").click()
    visible_screen(page, "documents")


class TestTheTerritorysClock:
    @pytest.fixture
    def clock(self) -> FrozenClock:
        return FrozenClock(LATE_EVENING_UTC)

    @pytest.fixture
    def utc_page(self, chromium: Browser) -> Iterator[Page]:
        """A phone whose own time zone is UTC (the server's, not the territory's)."""
        context = chromium.new_context(
            viewport={"width": PHONE["width"], "height": PHONE["height"]},
            locale="fr-FR",
            timezone_id="UTC",
            has_touch=True,
        )
        page = context.new_page()
        problems = PageProblems(page)
        try:
            yield page
        finally:
            context.close()
        assert problems.items == []

    def test_a_document_added_at_2330_utc_shows_the_paris_date_everywhere(
        self, utc_page: Page, live_server: str, tmp_path: Path
    ) -> None:
        page = utc_page
        assert page.evaluate("new Date('2026-12-05T23:30:00Z').getDate()") == 5  # device: UTC
        sign_up(page, live_server, "lina")
        add_photo(page, tmp_path, "Carte d'identité")
        entry = document_button(page, "Carte d'identité.jpg")
        expect(entry).to_contain_text("Ajouté le 06/12/2026")
        entry.click()
        visible_screen(page, "document")
        expect(page.locator("#doc-facts")).to_have_text("Identité · Ajouté le 06/12/2026")
        # Every module formats dates through the same functions (dates.js, re-exported
        # by consent-common.js for the consent screens).
        shown = page.evaluate(
            """async () => {
                const dates = await import('/static/js/dates.js');
                const common = await import('/static/js/consent-common.js');
                const at = '2026-12-05T23:30:00Z';
                return [dates.day(at), dates.time(at), common.day(at), common.time(at),
                        dates.dayKey(at), dates.territoryZone()];
            }"""
        )
        assert shown == ["06/12/2026", "00:30", "06/12/2026", "00:30", "2026-12-06", "Europe/Paris"]


def test_renaming_keeps_the_extension_and_the_download_has_it(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    sign_up(page, live_server, "salome")
    add_photo(page, tmp_path, "Carte d'identité")
    document_button(page, "Carte d'identité.jpg").click()
    visible_screen(page, "document")
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    page.get_by_role("button", name="Renommer").click()
    rename = visible_screen(page, "rename")
    field = rename.get_by_label("Nouveau nom")
    expect(field).to_have_value("Carte d'identité")
    expect(page.locator("#rename-ext")).to_have_text(
        "Écrivez seulement le nom. Le type du fichier ne change pas."
    )
    assert_accessible(page, "rename-extension")
    screenshot(page, "64-rename-extension")
    field.fill("CNI recto")
    rename.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "documents")
    entry = page.get_by_role("button", name=re.compile("CNI recto"))
    expect(entry.locator(".doc-name")).to_have_text("CNI recto")  # shown without ".jpg"
    entry.click()
    visible_screen(page, "document")
    expect(page.locator("#doc-download")).to_have_attribute("href", re.compile("^blob:"))
    name, data = download(page, page.locator("#doc-download"))
    assert name == "CNI recto.jpg"
    assert data[:3] == b"\xff\xd8\xff"  # a JPEG

    # Typing the extension too does not double it.
    page.get_by_role("button", name="Renommer").click()
    rename = visible_screen(page, "rename")
    rename.get_by_label("Nouveau nom").fill("Pièce d'identité.JPG")
    rename.get_by_role("button", name="Enregistrer").click()
    visible_screen(page, "documents")
    expect(page.locator("#document-list .doc-name")).to_have_text(["Pièce d'identité"])


EXAMPLE_REFUSED = (
    "Cette phrase est l'exemple donné sur cette page : tout le monde la connaît. "
    "Choisissez d'autres mots."
)


@pytest.mark.parametrize(
    "passphrase",
    [
        "vélo bleu marché dimanche soleil",
        "  Vélo  BLEU marché, dimanche soleil ",
        "velo bleu marche dimanche soleil",
        "blue bike Sunday market sun",  # the English page's example
    ],
)
def test_the_hints_example_is_refused_as_a_passphrase(
    page: Page, live_server: str, passphrase: str
) -> None:
    page.goto(live_server)
    visible_screen(page, "welcome").get_by_role("button", name="Créer mon coffre").click()
    form = visible_screen(page, "signup")
    expect(page.locator("#signup-passphrase-hint")).to_contain_text(
        "Par exemple : vélo bleu marché dimanche soleil."
    )
    form.get_by_label("Pseudonyme ou numéro de téléphone").fill("rayan")
    form.get_by_label("Phrase secrète", exact=True).fill(passphrase)
    form.get_by_label("La même phrase secrète, encore une fois").fill(passphrase)
    form.get_by_role("button", name="Créer mon coffre").click()
    expect(page.locator("#signup-error")).to_have_text(EXAMPLE_REFUSED)
    expect(page.locator('[data-screen="signup"]')).to_be_visible()

    # The same rule for a new passphrase chosen with the recovery code.
    form.get_by_role("button", name="Retour").click()
    visible_screen(page, "welcome").get_by_role("button", name="J'ai déjà un coffre").click()
    visible_screen(page, "login").get_by_role(
        "button", name="J'ai oublié ma phrase secrète"
    ).click()
    forgot = visible_screen(page, "forgot")
    forgot.get_by_label("Pseudonyme ou numéro de téléphone").fill("rayan")
    forgot.get_by_label("Code de récupération").fill("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAA")
    forgot.get_by_label("Nouvelle phrase secrète").fill(passphrase)
    forgot.get_by_label("La même phrase secrète, encore une fois").fill(passphrase)
    forgot.get_by_role("button", name="Choisir ma nouvelle phrase secrète").click()
    expect(page.locator("#forgot-error")).to_have_text(EXAMPLE_REFUSED)


def test_the_english_page_gives_and_refuses_its_own_example(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/langue?lang=en")
    visible_screen(page, "welcome").get_by_role("button", name="Create my vault").click()
    form = visible_screen(page, "signup")
    expect(page.locator("#signup-passphrase-hint")).to_contain_text(
        "For example: blue bike Sunday market sun."
    )
    for passphrase in ["Blue bike sunday market sun", "vélo bleu marché dimanche soleil"]:
        form.locator("#signup-login").fill("rayan")
        form.locator("#signup-passphrase").fill(passphrase)
        form.locator("#signup-confirm").fill(passphrase)
        form.locator("button[type=submit]").click()
        expect(page.locator("#signup-error")).to_contain_text("example")
    assert_accessible(page, "signup-example-refused-en")
