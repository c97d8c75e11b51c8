"""The territory admin's page (``/administration``): admit structures, invite their
admins and the charter officer, see who adheres since when, end an adhesion, and
publish the charter from its TOML file after a preview (docs/CHARTER.md).

A page of its own, like the officer's console: the territory admin logs in with
the passphrase and the 6-digit code the role always needs (console-login.js). Admitting,
inviting and publishing are not signed; certifying a structure admin and signing the
revocation list are, with the root key opened by the passphrase for that signature
only (admin-certify.js, admin-revocations.js): the page keeps no key. Every text is
rendered through gettext; the script reads its strings and labels from JSON blocks.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from coffre.consent.service import TERRITORY_ZONE
from coffre.errors import CoffreError
from coffre.structures.kinds import PROFESSIONS, STRUCTURE_KINDS
from coffre.vault.categories import CATEGORIES
from web.admin_strings import admin_strings
from web.pages.app import TEMPLATES
from web.pages.desk import choose_language, desk_context
from web.vendor import vendored_libraries

router = APIRouter(include_in_schema=False)


@router.get("/administration", response_class=HTMLResponse)
def admin_page(request: Request) -> Response:
    gettext, context = desk_context(request)
    coffre = request.app.state.coffre
    settings = coffre.settings
    try:
        # The département the territory's root was made for: every structure admitted
        # here belongs to it (POST /structures asks for it).
        department = coffre.structures.trust_root().territory
    except CoffreError:
        department = ""
    kinds = {code: gettext(label) for code, label in STRUCTURE_KINDS.items()}
    professions = {code: gettext(label) for code, label in PROFESSIONS.items()}
    context |= {
        "kinds": kinds,
        "professions": professions,
        "strings": admin_strings(gettext),
        "labels": {
            "kinds": kinds,
            "professions": professions,
            "categories": {code: gettext(label) for code, label in CATEGORIES.items()},
        },
        "time_zone": TERRITORY_ZONE.key,
        "config": {
            "idleSeconds": settings.session_idle_seconds,
            "timeZone": TERRITORY_ZONE.key,
            # In every v2 passphrase salt (crypto/SPEC.md §19.2, console-login.js).
            "territory": settings.territory,
            "department": department,
            # libsodium.js, loaded when the admin signs the revocation list
            # (admin-revocations.js) or certifies a structure admin (admin-certify.js),
            # and jsQR, when the admin photographs a structure admin's pin QR code.
            "sodium": vendored_libraries()["sodium"],
            "jsqr": vendored_libraries()["jsqr"],
        },
    }
    response: Response = TEMPLATES.TemplateResponse(request, "admin/admin.html", context)
    return response


@router.get("/administration/langue")
def choose_admin_language(lang: Annotated[str, Query(max_length=5)] = "fr") -> Response:
    return choose_language("/administration", lang)
