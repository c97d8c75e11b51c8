"""The guide of solidarity services (``/guide``): the directory for everyone.

Server-rendered, no script: the search form is a plain GET form (need, place,
public), so it works without JavaScript, on any phone, and a result page can be
bookmarked or printed. Anyone may read it without an account; a certified
professional (or the territory admin) logged in on this browser also sees each
service's contacts (the professionals' view; ``coffre.directory.service``). Fixed
texts go through gettext (French first); the directory's own texts are shown as
the producer wrote them (escaped).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import data_inclusion.schema.v1 as di
from babel.dates import format_date
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from coffre.directory.datainclusion import label
from coffre.directory.errors import ServiceNotFound
from coffre.directory.service import MAX_QUERY_CHARS, Found, SearchQuery
from coffre.errors import CoffreError
from coffre.policy import Action, Actor, can
from web.i18n import DESK_LANGUAGES, LANG_COOKIE, locale_name, negotiate, translations
from web.pages.app import TEMPLATES

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20

Field = Annotated[str, Query(max_length=MAX_QUERY_CHARS)]
# The web session cookie's name (api/cookies.py SESSION_COOKIE; pages sit below the API
# in the import layers, so the name is repeated here).
SESSION_COOKIE = "coffre_session"
LABELS = {
    "thematique": di.Thematique,
    "public": di.Public,
    "mode": di.ModeMobilisation,
}


def _actor(request: Request) -> Actor | None:
    """The logged-in account of this browser, if any; the guide is public either way."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        actor: Actor = request.app.state.coffre.accounts.authenticate(cookie)
    except CoffreError:
        return None
    return actor


def _render(request: Request, template: str, status: int = 200, **values: object) -> Response:
    # The guide's texts and the directory's labels exist in French and English only: a
    # person whose page is in Arabic reads the guide in French, left to right, rather than
    # French words laid out right to left (docs/TRANSLATIONS.md).
    language = negotiate(
        request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"), DESK_LANGUAGES
    )
    catalogue = translations(language)

    def long_date(day: date) -> str:
        return format_date(day, format="long", locale=locale_name(language))

    context = {
        "lang": language,
        "_": catalogue.gettext,
        "gettext": catalogue.gettext,
        "ngettext": catalogue.ngettext,
        "long_date": long_date,
        "publics": [(p.value, p.label) for p in di.Public],
        "label": lambda kind, code: label(LABELS[kind], code),
        **values,
    }
    response: Response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    return response


@router.get("/guide", response_class=HTMLResponse)
def guide_page(
    request: Request,
    besoin: Field = "",
    lieu: Field = "",
    public: Field = "",
    page: Annotated[int, Query(ge=1, le=500)] = 1,
) -> Response:
    coffre = request.app.state.coffre
    searched = bool(besoin.strip() or lieu.strip() or public.strip())
    public_label = dict((p.value, p.label) for p in di.Public).get(public, public)
    results: list[Found] = []
    error = None
    if searched:
        query = SearchQuery(
            need=besoin,
            place=lieu,
            public=public_label,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        try:
            results = coffre.directory.search(_actor(request), query)
        except CoffreError as exc:
            error = exc.message_fr
    return _render(
        request,
        "guide/guide.html",
        besoin=besoin,
        lieu=lieu,
        public=public,
        searched=searched,
        results=results[:PAGE_SIZE],
        more=len(results) > PAGE_SIZE,
        page=page,
        error=error,
    )


@router.get("/guide/services/{service_id}", response_class=HTMLResponse)
def service_page(request: Request, service_id: str) -> Response:
    coffre = request.app.state.coffre
    actor = _actor(request)
    try:
        found = coffre.directory.get(actor, service_id[:64])
    except ServiceNotFound as exc:
        return _render(request, "guide/service.html", 404, found=None, error=exc.message_fr)
    # A professional may orient a person to a service of a Coffre structure under the
    # charter: the link opens their vault page on the orient screen (pro-orient.js).
    orienting = (
        actor is not None
        and can(actor, Action.RELAY_ORIENT)
        and found.adheres
        and found.structure.structure_id is not None
    )
    return _render(request, "guide/service.html", found=found, error=None, orienting=orienting)
