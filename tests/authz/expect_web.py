"""Expectations: the pages, the API's description and the static files (all public;
a page asks for its session itself, through the API)."""

from __future__ import annotations

from tests.authz.matrix import Case, expect
from web import STATIC_DIR
from web.assets import static_version

PUBLIC = expect(200, anonymous=200)
# The page's own files under the hash of their content (web/assets.py).
VERSIONED = f"/static/{static_version(STATIC_DIR)}"

CASES = [
    Case("GET", "/", PUBLIC),
    Case("GET", "/langue", PUBLIC),
    Case("GET", "/charte", PUBLIC),
    Case("GET", "/charte/affiche", PUBLIC),
    Case("GET", "/console", PUBLIC),
    Case("GET", "/console/langue", PUBLIC),
    Case("GET", "/guide", PUBLIC),
    Case("GET", "/guide/services/{service_id}", PUBLIC, ids={"service_id": "service"}),
    Case("GET", "/docs", PUBLIC),
    Case("GET", "/openapi.json", PUBLIC),
    Case("HEAD", "/openapi.json", PUBLIC),
    Case("GET", "/static/{path:path}", PUBLIC, ids={"path:path": "static_file"}),
    Case("GET", VERSIONED + "/{path:path}", PUBLIC, ids={"path:path": "static_file"}),
    # The vault page's script texts and the professionals' screens (web/page_strings.py).
    Case("GET", "/static/strings/{name}", PUBLIC, ids={"name": "strings_file"}),
    Case("GET", "/static/screens/{name}", PUBLIC, ids={"name": "screens_file"}),
    # The page as an installed app (web/pages/installed_app.py): manifest, service worker.
    Case("GET", "/manifest.webmanifest", PUBLIC),
    Case("GET", "/sw.js", PUBLIC),
]
