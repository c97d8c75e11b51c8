"""The passphrase strength meter (issue 18), at 360 px: zxcvbn-ts with its French
dictionary, fetched only when a new passphrase is first focused (never on the home
page's first visit), "Faible" for a guessable phrase, "Solide" for five unrelated
everyday words, and a suggestion of everyday words that writes nothing in the field
(nothing is chosen for the person). The minimum rule (passphrase.js) still decides.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import visible_screen

METER_FILES = re.compile(r"zxcvbn-|passphrase-meter")


def open_signup(page: Page, live_server: str, loaded: list[str]) -> None:
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(live_server)
    visible_screen(page, "welcome")
    page.get_by_role("button", name="Créer mon coffre").click()
    visible_screen(page, "signup")


def level(page: Page) -> str:
    return page.locator("#signup-passphrase-meter-text strong").inner_text()


def test_the_meter_says_faible_then_solide_and_is_fetched_only_on_focus(
    page: Page, live_server: str
) -> None:
    loaded: list[str] = []
    open_signup(page, live_server, loaded)
    # The home page and the sign-up screen, before the field is touched: no meter, no dictionary.
    assert [url for url in loaded if METER_FILES.search(url)] == []
    form = visible_screen(page, "signup")
    field = form.get_by_label("Phrase secrète", exact=True)
    field.focus()
    field.press_sequentially("motdepasse1")
    text = page.locator("#signup-passphrase-meter-text")
    expect(text).to_contain_text("Faible", timeout=30_000)
    expect(text).to_have_attribute("aria-live", "polite")
    assert level(page) == "Faible"
    fetched = [url for url in loaded if METER_FILES.search(url)]
    assert any("zxcvbn-fr-" in url for url in fetched), fetched
    assert any("zxcvbn-core-" in url for url in fetched), fetched
    # The page's own example is known to everyone: weak, whatever zxcvbn would say of it.
    field.fill("vélo bleu marché dimanche soleil")
    expect(text).to_contain_text("Faible")
    field.fill("assiette legume costume olive salade")
    expect(text).to_contain_text("Solide")
    expect(page.locator("#signup-passphrase-meter meter")).to_have_attribute("value", "3")
    screenshot(page, "passphrase-meter-solide")
    assert_accessible(page, "passphrase-meter")


def test_the_suggested_words_are_shown_and_nothing_is_written_for_the_person(
    page: Page, live_server: str
) -> None:
    open_signup(page, live_server, [])
    form = visible_screen(page, "signup")
    field = form.get_by_label("Phrase secrète", exact=True)
    field.focus()
    suggest = form.get_by_role("button", name="Me proposer des mots")
    expect(suggest).to_be_visible()
    suggest.click()
    suggestion = page.locator("#signup-passphrase-suggestion")
    expect(suggestion).to_be_visible()
    words = re.search(r"Par exemple : ([a-z ]+)\.", suggestion.inner_text())
    assert words and len(words.group(1).split()) == 4, suggestion.inner_text()
    # Shown only: the fields stay as the person left them.
    expect(field).to_have_value("")
    expect(form.get_by_label("La même phrase secrète, encore une fois")).to_have_value("")
    form.get_by_role("button", name="Me proposer d'autres mots").click()
    expect(field).to_have_value("")
    # Typed by the person, the suggestion is solid (four words from the list).
    field.press_sequentially(words.group(1))
    expect(page.locator("#signup-passphrase-meter-text")).to_contain_text("Solide", timeout=30_000)
    assert_accessible(page, "passphrase-suggestion")


def test_a_new_passphrase_after_a_forgotten_one_gets_the_meter_too(
    page: Page, live_server: str
) -> None:
    page.goto(live_server)
    visible_screen(page, "welcome")
    page.get_by_role("button", name="J'ai déjà un coffre").click()
    visible_screen(page, "login")
    page.get_by_role("button", name="J'ai oublié ma phrase secrète").click()
    form = visible_screen(page, "forgot")
    field = form.get_by_label("Nouvelle phrase secrète")
    field.focus()
    field.press_sequentially("azertyuiop")
    expect(page.locator("#forgot-passphrase-meter-text")).to_contain_text("Faible", timeout=30_000)
