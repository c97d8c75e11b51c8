"""The person's page in the languages people speak (issue 18), in a phone-sized Chromium:
the language switch from the first screen, and the journey (sign up, add a document,
share it) in Arabic, right to left at 360 px, without sideways scrolling, axe on every
screen. Controls are found by their ids and data attributes: the words are Arabic."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.web.conftest import assert_accessible, screenshot
from tests.web.journeys import visible_screen
from web.i18n import LANGUAGES


def html_is(page: Page, lang: str, direction: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", direction)


def welcome_languages(page: Page) -> Locator:
    return visible_screen(page, "welcome").locator("nav[aria-labelledby=welcome-languages]")


def test_a_person_switches_language_from_the_first_screen_and_from_the_header(
    page: Page, live_server: str
) -> None:
    page.goto(live_server)
    html_is(page, "fr", "ltr")
    languages = welcome_languages(page)
    # Every language, each named in its own script and marked with its own lang.
    for code, name in LANGUAGES.items():
        link = languages.get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("lang", code)
    expect(languages.locator("[aria-current]")).to_have_text("Français")
    assert_accessible(page, "welcome-languages-fr")

    languages.get_by_role("link", name="العربية").click()
    html_is(page, "ar", "rtl")
    welcome = visible_screen(page, "welcome")
    expect(welcome_languages(page).locator("[aria-current]")).to_have_text("العربية")
    # The screen speaks Arabic (its heading is not the French one).
    expect(welcome.locator("h1")).not_to_have_text("Bienvenue dans votre coffre")
    # Right to left: the first button starts at the right edge of the screen.
    box = welcome.locator("[data-go=signup]").bounding_box()
    assert box is not None and box["x"] + box["width"] > 300
    assert_accessible(page, "welcome-ar")
    screenshot(page, "90-welcome-ar")

    # The header has one control; its list opens under it and fits the 360 px screen.
    menu = page.locator("header .lang-menu")
    expect(menu).to_have_count(1)
    menu.locator("summary").click()
    listed = menu.locator(".languages a")
    expect(listed).to_have_count(len(LANGUAGES))
    for index in range(len(LANGUAGES)):
        item = listed.nth(index).bounding_box()
        assert item is not None and item["x"] >= 0 and item["x"] + item["width"] <= 360
    assert_accessible(page, "header-languages-open-ar")
    screenshot(page, "91-header-languages-ar")
    menu.get_by_role("link", name="دری").click()
    html_is(page, "fa-AF", "rtl")
    visible_screen(page, "welcome")
    page.locator("header .lang-menu summary").click()
    page.locator("header .lang-menu").get_by_role("link", name="Українська").click()
    html_is(page, "uk", "ltr")
    visible_screen(page, "welcome")
    welcome_languages(page).get_by_role("link", name="Français").click()
    html_is(page, "fr", "ltr")
    expect(visible_screen(page, "welcome").locator("h1")).to_have_text(
        "Bienvenue dans votre coffre"
    )
