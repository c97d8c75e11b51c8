"""The gettext catalogues as the tests read them (docs/TRANSLATIONS.md): what a language
really shows, i.e. the entries with a translation that is not marked fuzzy (pybabel
compile leaves fuzzy ones out of the .mo)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE_DIRS = {"messages": ROOT / "web/locale", "cli": ROOT / "cli/locale"}


def catalogue(language: str, domain: str = "messages") -> Catalog:
    """The .po of ``language`` (its gettext name: fa_AF) in ``domain``."""
    path = LOCALE_DIRS[domain] / language / "LC_MESSAGES" / f"{domain}.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def translated(language: str, domain: str = "messages") -> dict[str, str]:
    """msgid → msgstr of the entries ``language`` shows translated (plural: first form)."""
    found: dict[str, str] = {}
    for message in catalogue(language, domain):
        if not message.id or message.fuzzy:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if text:
            found[msgid] = text
    return found
