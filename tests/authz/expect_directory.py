"""Expectations: the directory of services (docs/DIRECTORY.md). The guide is public;
the territory admin imports and exports; a structure's admin confirms its own
structure's entries; anyone else asking is answered as for an unknown service."""

from __future__ import annotations

from tests.authz.matrix import Case, expect

# Public, but a caller who sends credentials is authenticated (contacts show more to
# professionals): a personal access token is refused there, as on every route not
# listed in api/token_scopes.py.
PUBLIC = expect(200, anonymous=200, pro_token=(403, "token_scope"))
EMPTY_FILE = b'{"structures": [], "services": []}'
JSON = {"Content-Type": "application/json"}

CASES = [
    Case("GET", "/api/v1/directory/services", PUBLIC),
    Case("GET", "/api/v1/directory/services/{service_id}", PUBLIC, ids={"service_id": "service"}),
    Case(
        "POST",
        "/api/v1/directory/imports",
        expect((404, "not_found"), territory_admin=200),
        content=EMPTY_FILE,
        headers=JSON,
    ),
    Case("GET", "/api/v1/directory/export", expect((404, "not_found"), territory_admin=200)),
    # Everyone may ask; each sees only the stale entries they may confirm (the list is
    # checked in tests/directory/test_api.py).
    Case("GET", "/api/v1/directory/stale", expect(200)),
    Case(
        "POST",
        "/api/v1/directory/services/{service_id}/verify",
        expect((404, "directory_service_not_found"), structure_admin=200, territory_admin=200),
        state="an entry of the admin's structure",
        ids={"service_id": "service"},
    ),
    Case(
        "POST",
        "/api/v1/directory/services/{service_id}/verify",
        expect((404, "directory_service_not_found"), territory_admin=200),
        state="an entry of another structure",
        ids={"service_id": "other_service"},
    ),
]
