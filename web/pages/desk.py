"""What the three desk pages share (the officer's console, the territory admin's and the
structure admin's pages, web/pages/console.py, admin.py, structure.py): the language
negotiated for the request with its gettext functions, and the ``…/langue`` switch that
sets the language cookie and goes back to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from web.i18n import DESK_LANGUAGES, LANG_COOKIE, negotiate, translations


def desk_context(request: Request) -> tuple[Callable[[str], str], dict[str, Any]]:
    """The request's gettext and the template context every desk page starts from."""
    language = negotiate(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"), DESK_LANGUAGES
    )
    catalogue = translations(language)
    gettext = catalogue.gettext
    context: dict[str, Any] = {
        "lang": language,
        "languages": DESK_LANGUAGES,
        "_": gettext,
        "gettext": gettext,
        "ngettext": catalogue.ngettext,
    }
    return gettext, context


def choose_language(page: str, lang: str) -> Response:
    """Back to ``page`` in ``lang`` (an unknown language leaves the cookie as it was).

    The cookie is shared with the person's page, which offers more languages: a desk
    page shown with a cookie it does not offer falls back to the browser's language."""
    response = RedirectResponse(page, status_code=303)
    if lang in DESK_LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response
