"""The charter page (``/charte``): the human-readable charter, rendered from the very
version the API serves and the server checks grants against, so the two never
disagree. Fixed texts go through gettext (French first); the charter's own texts
are shown as the territory wrote them (escaped). The page also shows the pin of the
territory's verifier key (DESIGN.md: "published on the charter page"): its spoken
form and its QR code (crypto/SPEC.md §25, web/pins.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from coffre.consent.charter import Charter
from coffre.consent.errors import NoCharterInForce
from coffre.consent.service import CharterRecord
from coffre.structures.kinds import PROFESSIONS
from coffre.vault.categories import CATEGORIES
from web.i18n import LANG_COOKIE, locale_name, negotiate, translations
from web.pages.app import TEMPLATES
from web.pins import root_pin

router = APIRouter(include_in_schema=False)


@router.get("/charte", response_class=HTMLResponse)
def charter_page(request: Request) -> Response:
    language = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    catalogue = translations(language)
    coffre = request.app.state.coffre
    record: CharterRecord | None
    try:
        record = coffre.charters.current()
    except NoCharterInForce:
        record = None
    pin = root_pin(coffre)

    def long_date(day: date) -> str:
        return format_date(day, format="long", locale=locale_name(language))

    context = {
        "lang": language,
        "_": catalogue.gettext,
        "gettext": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "record": record,
        "charter": _readable(record.charter, catalogue.gettext) if record else None,
        "long_date": long_date,
        "fingerprint": pin.spoken if pin else None,
        "pin_qr_svg": pin.qr_svg if pin else None,
    }
    response: Response = TEMPLATES.TemplateResponse(request, "charter/charter.html", context)
    return response


def _readable(charter: Charter, translate: Callable[[str], str]) -> dict[str, object]:
    """The charter with codes turned into the labels a person reads."""
    return {
        "version": charter.version,
        "title": charter.title,
        "effective_on": charter.effective_on,
        "preamble": [part.strip() for part in charter.preamble.split("\n\n") if part.strip()],
        "purposes": [
            {
                "code": p.code,
                "label": p.label,
                "description": p.description,
                "categories": [translate(CATEGORIES[c]) for c in p.categories],
                "professions": [translate(PROFESSIONS[c]) for c in p.professions],
                "max_days": p.max_days,
                "reason_required": p.reason_required,
            }
            for p in charter.purposes
        ],
        "structures": charter.structures,
    }


def charter_text_html(charter: Charter, language: str) -> str:
    """The charter's text as /charte shows it (headings from h2), for the territory admin's
    preview before publishing (``POST /charters/preview``): escaped by the template."""
    catalogue = translations(language)

    def long_date(day: date) -> str:
        return format_date(day, format="long", locale=locale_name(language))

    template = TEMPLATES.get_template("charter/_text.html")
    return template.render(
        _=catalogue.gettext,
        gettext=catalogue.gettext,
        ngettext=catalogue.ngettext,
        charter=_readable(charter, catalogue.gettext),
        long_date=long_date,
        level=2,
    )
