"""The structure's desk poster (``/charte/affiche``): the territory root's QR code and
spoken pin on one printable A4 page (crypto/SPEC.md §25; web/pins.py).

Comparing 27 characters with a poster is rarely done honestly; the person's page scans
this QR code with the camera instead (web/static/js/trust-scan.js) and compares the
whole 256-bit pin it carries (SPEC §25.2) with the root the server shows. The structure
admin's page and /charte link here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from coffre.consent.errors import NoCharterInForce
from web.i18n import LANG_COOKIE, negotiate, translations
from web.pages.app import TEMPLATES
from web.pins import root_pin

router = APIRouter(include_in_schema=False)


@router.get("/charte/affiche", response_class=HTMLResponse)
def charter_poster(request: Request) -> Response:
    language = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    catalogue = translations(language)
    coffre = request.app.state.coffre
    try:
        title: str | None = coffre.charters.current().charter.title
    except NoCharterInForce:
        title = None
    context = {
        "lang": language,
        "_": catalogue.gettext,
        "gettext": catalogue.gettext,
        "title": title,
        "pin": root_pin(coffre),
    }
    response: Response = TEMPLATES.TemplateResponse(request, "charter/poster.html", context)
    return response
