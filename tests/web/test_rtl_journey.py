"""The person's page in the languages people speak (issue 18), in a phone-sized Chromium:
the language switch from the first screen, and the journey (sign up, add a document,
share it) in Arabic, right to left at 360 px, without sideways scrolling, axe on every
screen. Controls are found by their ids and data attributes: the words are Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.catalogues import translated
from tests.structures.world import World
from tests.web.conftest import assert_accessible, png, screenshot
from tests.web.journeys import click_to_screen, pick_pages, visible_screen
from web.i18n import LANGUAGES, locale_name


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


PASSPHRASE = "girafe orange tram lundi pluie"
KIT_CHECK_GROUP = "Écrivez les 4 caractères du groupe n°{n}"  # web/strings.py kit_check_group


def sign_up_in_page(page: Page, login: str, lang: str) -> None:
    """Sign up through the page's controls (no French words), keep and check the kit."""
    visible_screen(page, "welcome").locator("[data-go=signup]").click()
    form = visible_screen(page, "signup")
    assert_accessible(page, f"{lang}-signup")
    form.locator("#signup-login").fill(login)
    form.locator("#signup-passphrase").fill(PASSPHRASE)
    form.locator("#signup-confirm").fill(PASSPHRASE)
    form.locator("button[type=submit]").click()
    kit = visible_screen(page, "recovery")
    code = kit.locator("#recovery-code").inner_text()
    assert_accessible(page, f"{lang}-recovery")
    screenshot(page, f"92-recovery-{lang}")
    kit.locator("[data-action=recovery-done]").click()
    check = visible_screen(page, "recovery-check")
    assert_accessible(page, f"{lang}-recovery-check")
    groups = code.split("-")
    # Which group each field asks for: its label is the language's sentence with {n}.
    sentence = translated(locale_name(lang))[KIT_CHECK_GROUP]
    pattern = re.escape(sentence).replace(re.escape("{n}"), "([0-9]+)")
    for field in ("recovery-check-1", "recovery-check-2"):
        label = check.locator(f'label[for="{field}"]').inner_text()
        found = re.search(pattern, label)
        assert found is not None, (sentence, label)
        check.locator(f"#{field}").fill(groups[int(found.group(1)) - 1])
    check.locator("button[type=submit]").click()
    visible_screen(page, "documents")


# Per language: its direction, a document name written in it, and a word the share's
# summary says in it ("will be able to").
JOURNEYS = {
    "ar": ("rtl", "بطاقة الهوية", "سيستطيع"),
    "fa-AF": ("rtl", "تذکره", "می‌تواند"),
    "ps": ("rtl", "تذکره", "وکولی شي"),
    "uk": ("ltr", "Паспорт", "зможе"),
}


def journey(page: Page, live_server: str, tmp_path: Path, lang: str) -> None:
    """Sign up, add a document, share it with Mme Dupont, then History and "Plus": all
    in `lang`, at 360 px, axe and no sideways scrolling on every screen."""
    direction, name, will_see = JOURNEYS[lang]
    page.goto(f"{live_server}/langue?lang={lang}")
    html_is(page, lang, direction)
    visible_screen(page, "welcome")
    assert_accessible(page, f"{lang}-welcome")
    sign_up_in_page(page, "layla", lang)
    documents = visible_screen(page, "documents")
    html_is(page, lang, direction)
    assert_accessible(page, f"{lang}-documents-empty")

    # Add a document: its kind, then a photo as its page.
    documents.locator("[data-action=add]").first.click()
    kind = visible_screen(page, "add-kind")
    kind.locator('label[for="category-identite"]').click()
    kind.locator("#add-title").fill(name)
    assert_accessible(page, f"{lang}-add-kind")
    kind.locator("button[type=submit]").click()
    visible_screen(page, "add-pages")
    pick_pages(page, [png(tmp_path / "id.png", 900, 600, seed=3)])
    assert_accessible(page, f"{lang}-add-pages")
    screenshot(page, f"93-add-pages-{lang}")
    page.locator("#send-button").click()
    documents = visible_screen(page, "documents")
    entry = documents.locator("#document-list").get_by_role(
        "button", name=re.compile(re.escape(name))
    )
    expect(entry.first).to_be_visible(timeout=30_000)
    assert_accessible(page, f"{lang}-documents")
    screenshot(page, f"94-documents-{lang}")

    # Share it: open it, then the share steps, each checked right to left.
    entry.first.click()
    document = visible_screen(page, "document")
    assert_accessible(page, f"{lang}-document")
    click_to_screen(page, document.locator("[data-action=share]"), "share-purpose")
    purpose = visible_screen(page, "share-purpose")
    assert_accessible(page, f"{lang}-share-purpose")
    purpose.locator(".choice label").first.click()
    purpose.locator("button[type=submit]").click()
    professional = visible_screen(page, "share-professional")
    assert_accessible(page, f"{lang}-share-professional")
    professional.get_by_text("Mme Dupont").click()
    professional.locator("button[type=submit]").click()
    duration = visible_screen(page, "share-duration")
    assert_accessible(page, f"{lang}-share-duration")
    duration.locator(".choice label").first.click()
    duration.locator("button[type=submit]").click()
    trust = visible_screen(page, "share-trust")
    assert_accessible(page, f"{lang}-share-trust")
    trust.locator("#share-trust-same").check()
    trust.locator("[data-action=share-trust]").click()
    confirm = visible_screen(page, "share-confirm")
    assert_accessible(page, f"{lang}-share-confirm")
    screenshot(page, f"95-share-confirm-{lang}")
    # The summary is in the language, with the professional's name as it is.
    summary = confirm.locator("#share-summary").inner_text()
    assert "Mme Dupont" in summary and will_see in summary, summary
    confirm.locator("[data-action=share-confirm]").click()
    shares = visible_screen(page, "grants")
    expect(shares.locator(".card")).to_have_count(1)
    expect(shares.locator(".card")).to_contain_text("Mme Dupont")
    html_is(page, lang, direction)
    assert_accessible(page, f"{lang}-grants")
    screenshot(page, f"96-grants-{lang}")

    # The other places of the bottom bar.
    for place, screen in (("history", "history"), ("more", "more")):
        button = page.locator(f"#person-nav [data-place={place}]")
        click_to_screen(page, button, screen)
        assert_accessible(page, f"{lang}-{screen}")
        screenshot(page, f"96-{screen}-{lang}")
    # "Plus" offers the language switch too (_language_switch.html).
    more = visible_screen(page, "more")
    expect(more.locator(".languages a[lang=fa-AF]")).to_have_text("دری")


@pytest.mark.both_backends
def test_the_journey_in_arabic_right_to_left_at_360_px(
    world: World, page: Page, live_server: str, tmp_path: Path
) -> None:
    journey(page, live_server, tmp_path, "ar")


@pytest.mark.parametrize("lang", ["fa-AF", "ps", "uk"])
def test_the_journey_in_dari_pashto_and_ukrainian_at_360_px(
    world: World, page: Page, live_server: str, tmp_path: Path, lang: str
) -> None:
    journey(page, live_server, tmp_path, lang)


def test_the_charter_page_in_pashto_is_right_to_left_at_360_px(
    world: World, page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/langue?lang=ps")
    page.goto(f"{live_server}/charte")
    html_is(page, "ps", "rtl")
    expect(page.locator("h2").first).to_be_visible()
    # Its own words in Pashto; the charter's text is the territory's, in French.
    expect(page.locator("body")).to_contain_text("د شريکولو منشور")
    assert_accessible(page, "ps-charter")
    screenshot(page, "97-charter-ps")


def test_the_header_fits_360_px_with_the_log_out_button_in_every_language(
    page: Page, live_server: str
) -> None:
    """A professional's header shows the language menu and "Me déconnecter" side by side
    (a person's has it in "Plus"): in no language may it push the page sideways."""
    for code in LANGUAGES:
        page.goto(f"{live_server}/langue?lang={code}")
        visible_screen(page, "welcome")
        page.evaluate("document.querySelector('header .logout').hidden = false")
        expect(page.locator("header .logout")).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{code}: the header is {width} px wide"
        if code in ("fr", "ar"):
            screenshot(page, f"98-header-logout-{code}")
        for control in ("header .lang-menu summary", "header .logout"):
            box = page.locator(control).bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, code
