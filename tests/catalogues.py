"""The gettext catalogues as the tests read them (docs/TRANSLATIONS.md): what a language
really shows, i.e. the entries with a translation that is not marked fuzzy (pybabel
compile leaves fuzzy ones out of the .mo)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from jinja2 import Environment
from jinja2.ext import extract_from_ast

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


# -- the person's screens -------------------------------------------------------------------

# The person's templates (issue 18's template split: vault/_person_*.html) and the frame
# around them. app.html holds the menu and the includes.
PERSON_TEMPLATES = (
    "web/templates/layout.html",
    "web/templates/_language_switch.html",
    "web/templates/vault/app.html",
    "web/templates/vault/_screen.html",
    "web/templates/vault/_person_*.html",
)
# Scripts of the professional's or the desks' side: the script texts only they use are
# not the person's (web/strings.py mixes both sides in one table).
NOT_PERSON_SCRIPTS = re.compile(
    r"^(pro-|proconnect|consent-pro|desk|admin|console|structure-|api-docs)"
)


def person_msgids() -> set[str]:
    """Every French string a person can read on the vault page: the person's templates,
    the script texts a person's module uses (every module web/page_strings.py serves, by
    the keys the non-professional scripts name), the person's network texts and the
    kinds of document."""
    from coffre.vault.categories import CATEGORIES
    from web.check_strings import check_strings
    from web.page_strings import every_script_string
    from web.strings import PASSPHRASE_EXAMPLE, network_person_strings

    found: set[str] = set()
    environment = Environment(extensions=["jinja2.ext.i18n"])
    for pattern in PERSON_TEMPLATES:
        for path in sorted(ROOT.glob(pattern)):
            source = path.read_text(encoding="utf-8")
            for _, _, message in extract_from_ast(environment.parse(source)):
                if isinstance(message, str):
                    found.add(message)
    keys: set[str] = set()
    for script in (ROOT / "web/static/js").glob("*.js"):
        if NOT_PERSON_SCRIPTS.match(script.name):
            continue
        text = script.read_text(encoding="utf-8")
        keys |= set(re.findall(r"\b(?:S|STRINGS|strings|text)\.([a-z_0-9]+)", text))
        keys |= set(re.findall(r"[\"'`]([a-z][a-z_0-9]+)[\"'`]", text))
    # Every module of script texts the page serves (web/page_strings.py), by the keys the
    # person's scripts name: the trust scan's and passphrase meter's, the carnet's, the
    # alerts', the installed app's...
    found |= {text for key, text in every_script_string(lambda s: s).items() if key in keys}
    found |= set(network_person_strings(lambda s: s).values())
    # The trust scan's and passphrase meter's, whichever way their scripts name them.
    found |= set(check_strings(lambda s: s).values())
    found |= set(CATEGORIES.values())  # the kinds of document, on the list and the add screen
    found.add(PASSPHRASE_EXAMPLE)  # the sign-up hint's example, refused in every language
    return found


def placeholders(text: str) -> list[str]:
    """The parts of a message a translation must keep as they are: {name}, %(days)s."""
    return sorted(re.findall(r"\{[a-z_]*\}|%\([a-z_]+\)s", text))
