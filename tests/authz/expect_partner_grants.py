"""Expectations: the partner grants API (docs/PARTNERS.md, "Grants").

The grants made to me: every professional lists their own (an empty list when none),
anyone else is refused. One grant: its person, its grantee (whatever its state) and the
territory's charter officer; anyone else gets the answer for an unknown id. An outcome:
the grantee only, in any state of the grant; a code that is no outcome is refused
before any lookup, whoever asks.
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect

NOT_ALLOWED = (403, "not_allowed")
GRANT_NOT_FOUND = (404, "grant_not_found")
INVALID_OUTCOME = (422, "invalid_outcome")
GRANT = "/api/v1/grants/{grant_id}"
OUTCOME = "/api/v1/grants/{grant_id}/outcome"
PROFESSIONALS = {
    "pro_active": 200,
    "pro_revoked": 200,
    "pro_expired": 200,
    "pro_none": 200,
    "structure_admin": 200,
}

CASES = [
    Case("GET", "/api/v1/grants/received", expect(NOT_ALLOWED, **PROFESSIONALS)),
    Case(
        "GET",
        "/api/v1/grants/received",
        expect(NOT_ALLOWED, **PROFESSIONALS),
        state="filtered: revoked grants of the person",
        query={"state": "revoked", "person": "{person_id}"},
    ),
    Case(
        "GET",
        GRANT,
        expect(GRANT_NOT_FOUND, person=200, pro_active=200, charter_officer=200),
        state="grant active",
        ids={"grant_id": "grant_active"},
    ),
    Case(
        "GET",
        GRANT,
        expect(GRANT_NOT_FOUND, person=200, pro_revoked=200, charter_officer=200),
        state="grant revoked",
        ids={"grant_id": "grant_revoked"},
    ),
    Case(
        "GET",
        GRANT,
        expect(GRANT_NOT_FOUND, person=200, pro_expired=200, charter_officer=200),
        state="grant expired",
        ids={"grant_id": "grant_expired"},
    ),
    Case(
        "POST",
        OUTCOME,
        expect(GRANT_NOT_FOUND, pro_active=200),
        state="grant active",
        ids={"grant_id": "grant_active"},
        json={"outcome": "right_opened"},
    ),
    Case(
        "POST",
        OUTCOME,
        expect(GRANT_NOT_FOUND, pro_expired=200),
        state="grant expired (the right is often opened after the end)",
        ids={"grant_id": "grant_expired"},
        json={"outcome": "document_missing"},
    ),
    Case(
        "POST",
        OUTCOME,
        expect(GRANT_NOT_FOUND, pro_revoked=200),
        state="grant revoked",
        ids={"grant_id": "grant_revoked"},
        json={"outcome": "document_unreadable"},
    ),
    Case(
        "POST",
        OUTCOME,
        expect(INVALID_OUTCOME),
        state="an outcome that does not exist",
        ids={"grant_id": "grant_active"},
        json={"outcome": "droit_ouvert"},
    ),
]
