"""Languages of the pages: French first, then the languages people speak at French social
services' desks, through gettext catalogues.

Source strings in the templates are French; ``web/locale/<dir>/LC_MESSAGES/messages.po``
holds the translations, compiled to ``.mo`` by ``scripts/install`` (pybabel compile). A
language has two spellings: its BCP 47 tag (``fa-AF``), used in ``<html lang>``, the
``coffre_lang`` cookie and ``/langue?lang=``; and its gettext/Babel locale (``fa_AF``),
the catalogue's directory and what Babel formats dates with (:func:`locale_name`).
The language comes from the cookie, else the browser's Accept-Language, else French.
docs/TRANSLATIONS.md lists the languages, who reviewed each and how to add one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "fr"
# Each language named in its own script, so that a person finds theirs without reading
# the page's current language. Order: French, English, then the languages most spoken
# by the people French social services receive (issue 18).
LANGUAGES: dict[str, str] = {
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
# The desks (officer's console, territory and structure admin pages) are for
# professionals: their screens are translated into English only. The public guide
# (/guide) too: its texts and the directory's labels are in French and English.
DESK_LANGUAGES: dict[str, str] = {code: LANGUAGES[code] for code in ("fr", "en")}
RIGHT_TO_LEFT = frozenset({"ar", "fa-AF", "ps"})
# Written by an AI model and not yet reviewed by a native speaker (docs/TRANSLATIONS.md):
# the language list says so, in the language itself. Remove a language once reviewed.
MACHINE_TRANSLATED = frozenset({"ar", "fa-AF", "ps", "uk", "ru", "ro", "es", "pt"})
LANG_COOKIE = "coffre_lang"

# Accept-Language tags (lower case) that name one of our languages other than by its own
# tag. Dari is "fa-AF" or "prs"; a plain "fa" (Persian, mostly Iran's Farsi) is also
# answered in Dari: the same script and largely the same written language, closer than
# French for the reader (docs/TRANSLATIONS.md). Moldovan ("mo", withdrawn) is Romanian.
_ALIASES: dict[str, str] = {"prs": "fa-AF", "fa": "fa-AF", "mo": "ro"}


def locale_name(language: str) -> str:
    """The gettext catalogue's directory and Babel locale of a language tag (fa-AF → fa_AF)."""
    return language.replace("-", "_")


def direction(language: str) -> str:
    """The writing direction of a language, for ``<html dir>``: ``rtl`` or ``ltr``."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


@cache
def translations(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [locale_name(language)], domain="messages")


def _match(tag: str, offered: dict[str, str]) -> str | None:
    """One of ``offered`` for one Accept-Language tag (any case, ``-`` or ``_``)."""
    tag = tag.strip().replace("_", "-").lower()
    by_lower = {code.lower(): code for code in offered}
    if tag in by_lower:
        return by_lower[tag]
    primary = tag.split("-", 1)[0]
    for candidate in (_ALIASES.get(tag), _ALIASES.get(primary), primary):
        if candidate and candidate.lower() in by_lower:
            return by_lower[candidate.lower()]
    return None


def _weighted(accept_language: str) -> list[str]:
    """The tags of an Accept-Language header, best first (by q, then by order)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")[:32]):
        tag, _, params = part.partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(
    cookie: str | None, accept_language: str | None, offered: dict[str, str] = LANGUAGES
) -> str:
    """The page's language: the cookie's if offered, else the browser's best, else French."""
    if cookie in offered:
        return cookie
    for tag in _weighted(accept_language or ""):
        found = _match(tag, offered)
        if found:
            return found
    return DEFAULT_LANGUAGE
