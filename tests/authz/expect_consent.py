"""Expectations: the charter, grants, pulls, requests, deposits, notifications
(docs/CONSENT.md, docs/ROLES.md).

A grant or a request is its person's; a pull is its own professional's while the
grant is open (that professional is told why it is not: ``told``); anyone else gets
the answer for an unknown id.
"""

from __future__ import annotations

from tests.authz.matrix import Case, expect

NOT_ALLOWED = (403, "not_allowed")
GRANT_NOT_FOUND = (404, "grant_not_found")
PULL = "/api/v1/grants/{grant_id}/documents/{document_id}/pull"
PROFESSIONALS = {
    "pro_active": 200,
    "pro_revoked": 200,
    "pro_expired": 200,
    "pro_none": 200,
    "structure_admin": 200,
}
TOML = {"Content-Type": "text/plain; charset=utf-8"}

CASES = [
    Case(
        "POST",
        "/api/v1/charters",
        expect(NOT_ALLOWED, territory_admin=(422, "invalid_charter")),
        content=b"version = 1\n",
        headers=TOML,
    ),
    Case("GET", "/api/v1/charters/current", expect(200, anonymous=200)),
    Case(
        "GET", "/api/v1/charters/{version}", expect(200, anonymous=200), ids={"version": "version"}
    ),
    Case("GET", "/api/v1/directory/professionals", expect(200)),
    # A malformed receipt: a person reaches validation, anyone else is refused first.
    Case(
        "POST",
        "/api/v1/grants",
        expect(NOT_ALLOWED, person=422, other_person=422),
        json={"receipt_json": "{}", "sealed_keys": {}},
    ),
    # Persons list their own grants (the other person's list is empty).
    Case("GET", "/api/v1/grants", expect(NOT_ALLOWED, person=200, other_person=200)),
    Case(
        "POST",
        "/api/v1/grants/{grant_id}/revoke",
        expect(GRANT_NOT_FOUND, person=200),
        state="grant active",
        ids={"grant_id": "grant_active"},
        fresh=True,
    ),
    Case(
        "POST",
        "/api/v1/grants/{grant_id}/revoke",
        expect(GRANT_NOT_FOUND, person=200),
        state="grant revoked (revoking again answers the grant)",
        ids={"grant_id": "grant_revoked"},
    ),
    Case("GET", "/api/v1/shared-with-me", expect(NOT_ALLOWED, **PROFESSIONALS)),
    Case(
        "POST",
        PULL,
        expect(GRANT_NOT_FOUND, pro_active=200),
        state="grant active",
        ids={"grant_id": "grant_active", "document_id": "document"},
        json={"reason": "Instruction RSA"},
    ),
    Case(
        "POST",
        PULL,
        expect(GRANT_NOT_FOUND, pro_active=(404, "document_not_found")),
        state="grant active, a document not in it",
        ids={"grant_id": "grant_active", "document_id": "health"},
        json={"reason": "Instruction RSA"},
        told=frozenset({"pro_active"}),
    ),
    Case(
        "POST",
        PULL,
        expect(GRANT_NOT_FOUND, pro_revoked=(403, "grant_not_active")),
        state="grant revoked",
        ids={"grant_id": "grant_revoked", "document_id": "document"},
        json={"reason": "Instruction RSA"},
        told=frozenset({"pro_revoked"}),
    ),
    Case(
        "POST",
        PULL,
        expect(GRANT_NOT_FOUND, pro_expired=(403, "grant_not_active")),
        state="grant expired",
        ids={"grant_id": "grant_expired", "document_id": "document"},
        json={"reason": "Instruction RSA"},
        told=frozenset({"pro_expired"}),
    ),
    Case(
        "POST",
        PULL,
        expect(GRANT_NOT_FOUND, pro_active=(403, "grant_not_active")),
        state="grant exhausted (its one pull made)",
        ids={"grant_id": "grant_exhausted", "document_id": "document"},
        json={"reason": "Instruction RSA"},
        told=frozenset({"pro_active"}),
    ),
    Case("GET", "/api/v1/persons/linked", expect(NOT_ALLOWED, **PROFESSIONALS)),
    # A person's box key: for a certified professional the person shared with or
    # answered (to deposit); other professionals as for an unknown person.
    Case(
        "GET",
        "/api/v1/persons/{person_id}/box-key",
        expect(
            NOT_ALLOWED,
            pro_active=200,
            pro_revoked=200,
            pro_expired=200,
            pro_none=(404, "person_not_found"),
            structure_admin=(404, "person_not_found"),
        ),
        ids={"person_id": "person_id"},
    ),
    # A deposit: by a certified professional linked with the person (a grant, even
    # ended, or a request answered; the malformed envelope is then refused); other
    # professionals as for an unknown person.
    Case(
        "POST",
        "/api/v1/deposits",
        expect(
            NOT_ALLOWED,
            pro_active=(422, "invalid_deposit"),
            pro_revoked=(422, "invalid_deposit"),
            pro_expired=(422, "invalid_deposit"),
            pro_none=(404, "person_not_found"),
            structure_admin=(404, "person_not_found"),
        ),
        content=b"x",
        headers={
            "Content-Type": "application/octet-stream",
            "Coffre-Person": "{person_id}",
            "Coffre-Category": "identite",
            "Coffre-Metadata": "Ag" + "A" * 60,
            "Coffre-Sealed-Key": "A" * 107,
            "Coffre-Deposit": "e30",
        },
    ),
    Case(
        "POST",
        "/api/v1/requests",
        expect(
            NOT_ALLOWED,
            pro_active=202,
            pro_revoked=202,
            pro_expired=202,
            pro_none=202,
            structure_admin=202,
        ),
        json={
            "person_login": "{person_login}",
            "structure_id": "{structure}",
            "purpose": "ouverture-droits-rsa",
            "category": "domicile",
        },
    ),
    # A person's inbox, a professional's sent requests.
    Case(
        "GET",
        "/api/v1/requests",
        expect(200, territory_admin=NOT_ALLOWED, charter_officer=NOT_ALLOWED),
    ),
    Case(
        "POST",
        "/api/v1/requests/{request_id}/decline",
        expect((404, "request_not_found"), person=200),
        ids={"request_id": "request"},
        json={"word": "Plus tard"},
        fresh=True,
    ),
    Case("GET", "/api/v1/notifications", expect(200)),
    # Marking read up to one's own notification; another's is as unknown.
    Case(
        "POST",
        "/api/v1/notifications/read",
        expect((404, "notification_not_found"), person=200),
        json={"up_to": "{notification}"},
    ),
]
