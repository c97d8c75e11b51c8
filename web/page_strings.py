"""The vault page's script texts, as a file of their own the browser keeps.

The page's script reads every text it shows from the server's catalogues (gettext).
They used to travel inside the page (~50 KB, ~12 KB gzipped), and the page is never
cached (``no-store``): every visit paid for them again. They are now served at
``/static/strings/<language>-<hash>.json``, the hash of the very bytes served, kept a
year by the browser (``immutable``, api/security_headers.py); a new catalogue or a new
text is a new URL. The page names the URL in its configuration and preloads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from web.alerts_strings import alerts_strings
from web.check_strings import check_strings
from web.i18n import LANGUAGES, translations
from web.installed_app_strings import installed_app_strings
from web.organiser_export_strings import organiser_export_strings
from web.organiser_strings import organiser_strings
from web.pro_network_strings import pro_network_strings
from web.strings import script_strings

PATH = "/static/strings"
# The professionals' screens of the vault page, fetched with their modules (app.js).
SCREENS_PATH = "/static/screens"


@dataclass(frozen=True)
class PageStrings:
    body: bytes  # JSON, UTF-8
    version: str  # the first 16 hex digits of its SHA-256

    def url(self, language: str) -> str:
        return f"{PATH}/{language}-{self.version}.json"


def every_script_string(gettext: Callable[[str], str]) -> dict[str, str]:
    """Every text the vault page's script may show, by its key, through ``gettext``
    (tests/catalogues.py reads the French ones to check each language has them all)."""
    return {
        **script_strings(gettext),
        **pro_network_strings(gettext),
        **organiser_strings(gettext),
        **organiser_export_strings(gettext),
        **check_strings(gettext),
        **installed_app_strings(gettext),
        **alerts_strings(gettext),
    }


@cache
def page_strings(language: str) -> PageStrings:
    """The texts of the vault page's script in ``language`` (one of LANGUAGES); the
    catalogues are read once per process, so the bytes and their hash are fixed."""
    strings = every_script_string(translations(language).gettext)
    body = json.dumps(strings, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    encoded = body.encode("utf-8")
    return PageStrings(encoded, hashlib.sha256(encoded).hexdigest()[:16])


def content_addressed(body: bytes) -> PageStrings:
    """Bytes and the hash that names them."""
    return PageStrings(body, hashlib.sha256(body).hexdigest()[:16])


def served(name: str) -> bytes | None:
    """The bytes named ``<language>-<hash>.json``, or None when no such version is
    served now (an old page after an upgrade reloads; a guess finds nothing)."""
    if len(name) > 40:
        return None
    stem, dot, suffix = name.rpartition(".")
    language, dash, version = stem.rpartition("-")
    if not (dot and dash and suffix == "json" and language in LANGUAGES):
        return None
    strings = page_strings(language)
    return strings.body if strings.version == version else None
