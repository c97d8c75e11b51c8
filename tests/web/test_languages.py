"""The pages' languages (web/i18n.py): which one a browser gets, the writing direction on
<html>, the one language control of the header bar and the /langue switch."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from web.i18n import DESK_LANGUAGES, LANG_COOKIE, LANGUAGES, direction, locale_name, negotiate

OWN_NAMES = {
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
    "fa-AF": "دری",
    "ps": "پښتو",
    "uk": "Українська",
    "ru": "Русский",
    "ro": "Română",
    "es": "Español",
    "pt": "Português",
}


def test_the_ten_languages_are_offered_each_named_in_its_own_script() -> None:
    assert LANGUAGES == OWN_NAMES


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("ar-MA,ar;q=0.9", "ar"),
        ("fa-AF", "fa-AF"),
        ("prs", "fa-AF"),
        ("prs-AF,en;q=0.5", "fa-AF"),
        ("fa-IR,fa;q=0.9", "fa-AF"),  # Persian answered in Dari (docs/TRANSLATIONS.md)
        ("fa_AF", "fa-AF"),
        ("ps-AF", "ps"),
        ("uk-UA,uk;q=0.9,ru;q=0.8", "uk"),
        ("ru", "ru"),
        ("ro-RO", "ro"),
        ("mo", "ro"),
        ("es-419", "es"),
        ("pt-BR,pt;q=0.9", "pt"),
        ("en-GB", "en"),
        ("de-DE,de;q=0.9", "fr"),
        ("", "fr"),
        ("*", "fr"),
        # q-values rank the tags whatever their order; q=0 means "not this one".
        ("de;q=1.0,en;q=0.2,ar;q=0.8", "ar"),
        ("ar;q=0,en", "en"),
        ("ar;q=bad,ps", "ps"),
    ],
)
def test_the_browser_language_is_matched_to_an_offered_one(
    accept_language: str, expected: str
) -> None:
    assert negotiate(None, accept_language) == expected


def test_the_cookie_wins_when_it_names_an_offered_language() -> None:
    assert negotiate("ps", "en") == "ps"
    assert negotiate("fa-AF", "en") == "fa-AF"
    assert negotiate("xx", "uk") == "uk"
    # The desks are in French and English only: an Arabic cookie set on the person's page
    # leaves a desk page in the browser's language.
    assert negotiate("ar", "en-GB", DESK_LANGUAGES) == "en"
    assert negotiate("ar", "ar", DESK_LANGUAGES) == "fr"


def test_arabic_dari_and_pashto_are_right_to_left_and_dari_has_its_gettext_locale() -> None:
    assert {code for code in LANGUAGES if direction(code) == "rtl"} == {"ar", "fa-AF", "ps"}
    assert locale_name("fa-AF") == "fa_AF"
    assert locale_name("uk") == "uk"


def _html_tag(body: str) -> str:
    found = re.search(r"<html[^>]*>", body)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize(("code", "dir_"), [("ar", "rtl"), ("fa-AF", "rtl"), ("uk", "ltr")])
def test_the_person_page_carries_the_language_and_its_direction(
    api: TestClient, code: str, dir_: str
) -> None:
    response = api.get(f"/langue?lang={code}", follow_redirects=False)
    assert response.status_code == 303
    assert response.cookies[LANG_COOKIE] == code
    api.cookies.set(LANG_COOKIE, code)
    page = api.get("/").text
    assert f'lang="{code}"' in _html_tag(page)
    assert f'dir="{dir_}"' in _html_tag(page)
    assert f'dir="{dir_}"' in _html_tag(api.get("/charte").text)
    # The guide is in French and English only: French, left to right, for the others.
    assert 'lang="fr" dir="ltr"' in _html_tag(api.get("/guide").text)


def test_an_unknown_language_leaves_the_cookie_as_it_was(api: TestClient) -> None:
    response = api.get("/langue?lang=xx", follow_redirects=False)
    assert response.status_code == 303
    assert LANG_COOKIE not in response.cookies
    assert api.get("/langue?lang=fa_AF", follow_redirects=False).cookies.get(LANG_COOKIE) is None


def test_the_header_has_one_language_control_listing_every_language(api: TestClient) -> None:
    page = api.get("/", headers={"accept-language": "ar"}).text
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    assert header.count("<details") == 1
    assert header.count("<summary") == 1
    for code, name in LANGUAGES.items():
        assert f'href="/langue?lang={code}" lang="{code}" hreflang="{code}"' in header
        assert name in header
    assert 'lang="ar" hreflang="ar" dir="rtl" aria-current="true"' in header
    # "Language" in English beside the page's word, for whoever cannot read the page.
    assert '<span lang="en" dir="ltr">Language</span>' in header


def test_a_desk_page_offers_its_own_languages_through_its_own_switch(api: TestClient) -> None:
    api.cookies.set(LANG_COOKIE, "ar")
    page = api.get("/console", headers={"accept-language": "en"}).text
    assert 'lang="en" dir="ltr"' in _html_tag(page)
    header = page.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'href="/console/langue?lang=fr"' in header
    assert "/langue?lang=ar" not in header
    assert (
        api.get("/console/langue?lang=ar", follow_redirects=False).cookies.get(LANG_COOKIE) is None
    )


def test_a_machine_translated_language_says_so_in_its_own_words(api: TestClient) -> None:
    notice = "machine-translated"
    arabic = api.get("/", headers={"accept-language": "ar"}).text
    welcome = arabic.split('data-screen="welcome"', 1)[1].split("</section>", 1)[0]
    assert notice in welcome
    assert "Personne ne l'a encore relue" not in welcome  # said in Arabic, not in French
    header = arabic.split("<header", 1)[1].split("</header>", 1)[0]
    assert notice not in header  # the header's menu stays a list
    for reviewed in ("fr", "en"):
        page = api.get("/", headers={"accept-language": reviewed}).text
        assert notice not in page
