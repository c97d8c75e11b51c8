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
from fastapi.responses import HTMLResponse, Response

from coffre.consent.service import TERRITORY_ZONE
from coffre.vault.categories import CATEGORIES
from web.console_strings import console_labels, console_strings
from web.pages.app import TEMPLATES
from web.pages.desk import choose_language, desk_context
from web.vendor import vendored_libraries

router = APIRouter(include_in_schema=False)


@router.get("/console", response_class=HTMLResponse)
def console_page(request: Request) -> Response:
    gettext, context = desk_context(request)
    settings = request.app.state.coffre.settings
    labels = console_labels(gettext)
    labels["categories"] = {code: gettext(label) for code, label in CATEGORIES.items()}
    context |= {
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
            # libsodium.js, loaded when a grant's receipt is checked (console-receipt.js).
            "sodium": vendored_libraries()["sodium"],
        },
    }
    response: Response = TEMPLATES.TemplateResponse(request, "console/console.html", context)
    return response


@router.get("/console/langue")
def choose_console_language(
    lang: Annotated[str, Query(max_length=5)] = "fr",
) -> Response:
    return choose_language("/console", lang)
