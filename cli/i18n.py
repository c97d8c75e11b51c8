"""The language of what the CLI's person commands print (gettext domain ``cli``).

French is the source language, written in the code and marked ``_("…")``; the
translations are ``cli/locale/<lang>/LC_MESSAGES/cli.po``, compiled to ``.mo`` by
``scripts/install`` (``scripts/catalogues``, docs/TRANSLATIONS.md). The language is
``COFFRE_LANG`` (``ar``, ``fa-AF``, ``uk``…) if set, else the system's, as gettext reads
it (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``en_GB.UTF-8`` gives English);
``C``, ``POSIX`` or a language without a catalogue gives French. The environment is read
when a message is translated, not at import, so a test can change it; the options'
help texts, made when the commands are declared, are translated once at start-up.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "cli"
# Same tags as the pages (web/i18n.py): Dari is fa-AF, also for "prs" and plain "fa".
_ALIASES = {"prs": "fa_AF", "fa": "fa_AF", "mo": "ro"}


def _wanted() -> tuple[str, ...]:
    """The languages asked for, best first, as gettext locale names (fa_AF)."""
    chosen = os.environ.get("COFFRE_LANG", "").strip()
    if chosen:
        asked = [chosen]
    else:
        asked = []
        for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
            value = os.environ.get(variable, "").strip()
            if value:
                asked = value.split(":")  # LANGUAGE may list several
                break
    names: list[str] = []
    for tag in asked:
        tag = tag.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
        if not tag or tag in ("C", "POSIX"):
            break  # the C locale: untranslated, i.e. French
        primary = tag.split("_", 1)[0].lower()
        names.append(_ALIASES.get(tag, tag))
        names.append(_ALIASES.get(primary, primary))
    return tuple(dict.fromkeys(names))


@cache
def _catalogue(languages: tuple[str, ...]) -> gettext.NullTranslations:
    if not languages:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=list(languages), fallback=True)


def _(message: str) -> str:
    """``message`` (French) in the person's language."""
    return _catalogue(_wanted()).gettext(message)


def N_(message: str) -> str:
    """Mark a French string for the catalogue without translating it yet."""
    return message
