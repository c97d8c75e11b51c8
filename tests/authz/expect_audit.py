"""Expectations: the trail's public key and checkpoint, the charter officer's console
(metadata only), a person's own history and export (docs/ROLES.md)."""

from __future__ import annotations

from tests.authz.matrix import Case, expect

PUBLIC = expect(200, anonymous=200)
OFFICER = expect((403, "not_allowed"), charter_officer=200)
PERSONS = expect((403, "not_allowed"), person=200, other_person=200)

CASES = [
    Case("GET", "/api/v1/audit/key", PUBLIC),
    Case("GET", "/api/v1/audit/checkpoint", PUBLIC),
    Case("GET", "/api/v1/console/entries", OFFICER),
    Case("GET", "/api/v1/console/entries.csv", OFFICER),
    Case("GET", "/api/v1/console/flags", OFFICER),
    Case("GET", "/api/v1/console/log", OFFICER),
    Case("GET", "/api/v1/me/history", PERSONS),
    Case(
        "POST",
        "/api/v1/me/exports",
        expect((403, "not_allowed"), person=201, other_person=201),
    ),
]
