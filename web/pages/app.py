"""The person's vault page.

One HTML document holds every screen of the person's journey; the script shows
one at a time (one action per screen) so that the unwrapped keys stay in the
page's memory only, never in storage, and are wiped on log-out or inactivity.
The server renders every text through gettext; the script reads its own strings
from a JSON file (web/page_strings.py), so no text is hard-coded in JavaScript.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from coffre.consent.service import TERRITORY_ZONE
from coffre.vault.categories import CATEGORIES
from web.assets import module_preloads, static_url
from web.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    MACHINE_TRANSLATED,
    direction,
    negotiate,
    translations,
)
from web.page_strings import PATH as STRINGS_PATH
from web.page_strings import SCREENS_PATH, PageStrings, content_addressed, page_strings, served
from web.pins import root_pin
from web.strings import PASSPHRASE_EXAMPLE, passphrase_examples
from web.vendor import vendored_libraries

TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
)
# <html dir> of every page (layout.html, charter, guide): right to left for Arabic, Dari
# and Pashto, so the browser and the CSS's logical properties mirror the layout.
TEMPLATES.env.globals["direction"] = direction
TEMPLATES.env.globals["machine_translated"] = MACHINE_TRANSLATED
# {{ static_url("js/app.js") }}: the page's own files under their version (web/assets.py).
TEMPLATES.env.globals["static_url"] = static_url
TEMPLATES.env.globals["module_preloads"] = module_preloads

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def vault_page(request: Request) -> Response:
    language = negotiate(request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    catalogue = translations(language)
    gettext = catalogue.gettext
    categories = {code: gettext(label) for code, label in CATEGORIES.items()}
    coffre = request.app.state.coffre
    settings = coffre.settings
    # The territory root's spoken pin (SPEC §25.3), as the charter page (/charte) prints
    # it. The page offers it to the person for comparison before the first share, and
    # pins what the person confirmed (trust.js). Served by the same server, it is only
    # a first pin: the trust comes from the person comparing it with the one published
    # out of band (printed notice, charter page seen elsewhere).
    pin = root_pin(coffre)
    context = {
        "lang": language,
        "languages": LANGUAGES,
        "_": gettext,
        "gettext": gettext,
        "ngettext": catalogue.ngettext,
        "categories": categories,
        # The script's texts: a file of their own, kept by the browser (web/page_strings.py).
        "strings_url": page_strings(language).url(language),
        # The professionals' screens: fetched with their modules, kept by the browser.
        "pro_screens_url": f"{SCREENS_PATH}/{language}-{pro_screens(language).version}.html",
        "vendor": vendored_libraries(),
        "max_document_bytes": settings.max_document_bytes,
        "idle_seconds": settings.session_idle_seconds,
        "stall_seconds": settings.web_stall_seconds,
        "passphrase_example": gettext(PASSPHRASE_EXAMPLE),
        "passphrase_examples": passphrase_examples(),
        # Every date the page shows is on the territory's clock (dates.js), the zone the
        # server counts a share's or a request's days in, whatever the device's zone.
        "time_zone": TERRITORY_ZONE.key,
        "root_pin": pin.spoken if pin else None,
        # A v2 root is published (trust-v2.js then follows its rotations, SPEC §26.5).
        "root_v2": bool(pin and pin.v2),
        # In every v2 passphrase salt (crypto/SPEC.md §19.2, kdf-v2.js).
        "territory": settings.territory,
        # The login screen's "Se connecter avec ProConnect", only when it is configured.
        "proconnect": request.app.state.proconnect.enabled,
    }
    response: Response = TEMPLATES.TemplateResponse(request, "vault/app.html", context)
    return response


@router.get(STRINGS_PATH + "/{name}")
def vault_page_strings(name: str) -> Response:
    body = served(name)
    if body is None:
        return Response(status_code=404)
    return Response(body, media_type="application/json")


@cache
def pro_screens(language: str) -> PageStrings:
    """The professionals' screens of the vault page (vault/_pro_vault.html) in
    ``language``: ~4 KB compressed a person's page no longer carries on every visit; the
    page's script inserts them when a professional's vault opens (app.js)."""
    catalogue = translations(language)
    html = TEMPLATES.get_template("vault/_pro_vault.html").render(
        lang=language, _=catalogue.gettext, gettext=catalogue.gettext, ngettext=catalogue.ngettext
    )
    return content_addressed(html.encode("utf-8"))


@router.get(SCREENS_PATH + "/{name}")
def vault_pro_screens(name: str) -> Response:
    stem, _, suffix = name.rpartition(".")
    language, _, version = stem.rpartition("-")
    if suffix != "html" or language not in LANGUAGES or len(name) > 40:
        return Response(status_code=404)
    screens = pro_screens(language)
    if screens.version != version:
        return Response(status_code=404)
    return Response(screens.body, media_type="text/html")


@router.get("/langue")
def choose_language(
    lang: Annotated[str, Query(max_length=5)] = "fr",
) -> Response:
    response = RedirectResponse("/", status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response
