"""The structure admin's page (``/structure``): the structure's professionals and
their certificates, inviting one (link + QR) or many (a CSV file), certifying a key
after comparing its pin face to face, ending a membership.

A page of its own, like the territory admin's: the structure admin logs in with the
passphrase and the 6-digit code (console-login.js); the keyring is opened only to
sign a certificate, then wiped. Every text is rendered through gettext.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from coffre.structures.kinds import PROFESSIONS
from web.pages.app import TEMPLATES
from web.pages.desk import choose_language, desk_context
from web.structure_strings import structure_strings
from web.vendor import vendored_libraries

router = APIRouter(include_in_schema=False)


@router.get("/structure", response_class=HTMLResponse)
def structure_page(request: Request) -> Response:
    gettext, context = desk_context(request)
    settings = request.app.state.coffre.settings
    professions = {code: gettext(label) for code, label in PROFESSIONS.items()}
    context |= {
        "professions": professions,
        "strings": structure_strings(gettext),
        "labels": {"professions": professions},
        "config": {
            "idleSeconds": settings.session_idle_seconds,
            "territory": settings.territory,
            "sodium": vendored_libraries()["sodium"],
            # Reading the professional's pin QR code from a photo (no camera permission:
            # the phone's own camera app hands back a file, like a document's photo).
            "jsqr": vendored_libraries()["jsqr"],
        },
    }
    response: Response = TEMPLATES.TemplateResponse(request, "structure/structure.html", context)
    return response


@router.get("/structure/langue")
def choose_structure_language(lang: Annotated[str, Query(max_length=5)] = "fr") -> Response:
    return choose_language("/structure", lang)
