"""Expectations: a grant's consent receipt (docs/CONSENT.md, "Receipts the person holds").

The person who signed it, the professional it was made to (whatever the grant's state:
a receipt is proof of what was agreed, also after the end) and the territory's charter
officer read it; anyone else gets the answer for an unknown id.
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect

GRANT_NOT_FOUND = (404, "grant_not_found")
RECEIPT = "/api/v1/grants/{grant_id}/receipt"

CASES = [
    Case(
        "GET",
        RECEIPT,
        expect(GRANT_NOT_FOUND, person=200, pro_active=200, charter_officer=200),
        state="grant active",
        ids={"grant_id": "grant_active"},
    ),
    Case(
        "GET",
        RECEIPT,
        expect(GRANT_NOT_FOUND, person=200, pro_revoked=200, charter_officer=200),
        state="grant revoked (its receipt still proves what was agreed)",
        ids={"grant_id": "grant_revoked"},
    ),
]
