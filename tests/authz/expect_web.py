"""Expectations: the pages, the API's description and the static files (all public;
a page asks for its session itself, through the API)."""

from __future__ import annotations

from tests.authz.matrix import Case, expect

PUBLIC = expect(200, anonymous=200)

CASES = [
    Case("GET", "/", PUBLIC),
    Case("GET", "/langue", PUBLIC),
    Case("GET", "/charte", PUBLIC),
    Case("GET", "/console", PUBLIC),
    Case("GET", "/console/langue", PUBLIC),
    Case("GET", "/guide", PUBLIC),
    Case("GET", "/guide/services/{service_id}", PUBLIC, ids={"service_id": "service"}),
    Case("GET", "/docs", PUBLIC),
    Case("GET", "/openapi.json", PUBLIC),
    Case("HEAD", "/openapi.json", PUBLIC),
    Case("GET", "/static/{path:path}", PUBLIC, ids={"path:path": "static_file"}),
]
