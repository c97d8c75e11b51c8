"""Expectations: the territory admin's charter preview, adhesions and the next version
ending an adhesion (docs/ROLES.md, docs/CHARTER.md). The territory admin's alone;
nothing is published by any of them."""

from __future__ import annotations

from tests.authz.matrix import Case, expect

NOT_ALLOWED = (403, "not_allowed")
PUBLIC = expect(200, anonymous=200)
TOML = {"Content-Type": "text/plain; charset=utf-8"}

CASES = [
    # The page itself is public (it asks for its session through the API, and turns
    # away any account that is not the territory admin's).
    Case("GET", "/administration", PUBLIC),
    Case("GET", "/administration/langue", PUBLIC),
    # An incomplete file: the admin gets its problems (200), anyone else is refused first.
    Case(
        "POST",
        "/api/v1/charters/preview",
        expect(NOT_ALLOWED, territory_admin=200),
        content=b"version = 1\n",
        headers=TOML,
    ),
    Case("GET", "/api/v1/territory/adhesions", expect(NOT_ALLOWED, territory_admin=200)),
    Case(
        "POST",
        "/api/v1/charters/drafts/end-adhesion",
        expect(NOT_ALLOWED, territory_admin=200),
        json={"structure_id": "{structure}", "until": "2030-01-01"},
    ),
]
