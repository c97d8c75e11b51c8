"""The charter officer's console page (``/console``): the trail filtered, the flags, the
exports (docs/AUDIT.md, "Console").

A page of its own, apart from the vault: the officer logs in (passphrase, then the
6-digit code the role always needs) and only reads metadata, so the page keeps no key
at all — the login value is derived in the KDF worker, sent, and wiped. The server
renders every text through gettext (French first); the script reads its strings and
the labels of codes (actions, outcomes, roles, categories) from JSON blocks.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from coffre.consent.service import TERRITORY_ZONE
from coffre.vault.categories import CATEGORIES
from web.console_strings import console_labels, console_strings
from web.i18n import LANG_COOKIE, LANGUAGES, negotiate, translations
from web.pages.app import TEMPLATES

router = APIRouter(include_in_schema=False)


@router.get("/console", response_class=HTMLResponse)
def console_page(request: Request) -> Response:
    language = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    catalogue = translations(language)
    gettext = catalogue.gettext
    settings = request.app.state.coffre.settings
    labels = console_labels(gettext)
    labels["categories"] = {code: gettext(label) for code, label in CATEGORIES.items()}
    context = {
        "lang": language,
        "languages": LANGUAGES,
        "_": gettext,
        "gettext": gettext,
        "ngettext": catalogue.ngettext,
        "strings": console_strings(gettext),
        "labels": labels,
        "time_zone": TERRITORY_ZONE.key,
        "config": {
            "idleSeconds": settings.session_idle_seconds,
            # A download with no progress for this long ends with "bloqué" (transfer.js).
            "stallSeconds": settings.web_stall_seconds,
            "timeZone": TERRITORY_ZONE.key,
            # In every v2 passphrase salt (crypto/SPEC.md §19.2, console-login.js).
            "territory": settings.territory,
        },
    }
    response: Response = TEMPLATES.TemplateResponse(request, "console/console.html", context)
    return response


@router.get("/console/langue")
def choose_console_language(
    lang: Annotated[str, Query(max_length=5)] = "fr",
) -> Response:
    response = RedirectResponse("/console", status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response
