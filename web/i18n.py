"""Languages of the pages: French first, English (and more) through gettext catalogues.

Source strings in the templates are French; ``web/locale/<lang>/LC_MESSAGES/messages.po``
holds the translations, compiled to ``.mo`` by ``scripts/install`` (pybabel compile).
The language comes from the ``coffre_lang`` cookie, else the browser's
Accept-Language, else French.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "fr"
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}
LANG_COOKIE = "coffre_lang"


@cache
def translations(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie
    for part in (accept_language or "").split(","):
        tag = part.split(";", 1)[0].strip().lower()
        primary = tag.split("-", 1)[0]
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE
