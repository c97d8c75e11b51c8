"""The API's interactive docs (``/docs``): Swagger UI, vendored by ``scripts/install-js``
from the npm registry and served from the vault's own origin under the page's CSP (no
CDN, no inline script; the start-up script is web/static/js/api-docs.js). Partners read
the schema at ``/openapi.json``; ReDoc is not offered (it would need its own copy).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from web.pages.app import TEMPLATES
from web.vendor import vendored_libraries

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    vendor = vendored_libraries()
    context = {
        "swagger_js": vendor["swagger_js"],
        "swagger_css": vendor["swagger_css"],
        "openapi_url": request.app.openapi_url or "/openapi.json",
    }
    response: Response = TEMPLATES.TemplateResponse(request, "api_docs/docs.html", context)
    return response
