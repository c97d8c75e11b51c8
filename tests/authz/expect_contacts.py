"""Expectations: the trusted contact (docs/CONTACTS.md). A person names one; the
named account sees the arrangements naming it. The scene has no arrangement: the
arrangement routes answer as for an unknown one to everyone (tests/contacts/ covers
the arrangement's own states)."""

from __future__ import annotations

from tests.authz.expect_accounts import NEW_PASSPHRASE, WRONG_KEY
from tests.authz.matrix import Case, expect

ARRANGEMENT = {"arrangement_id": "unknown"}
NO_ARRANGEMENT = (404, "contact_arrangement_not_found")

CASES = [
    Case("GET", "/api/v1/me/trusted-contact", expect(200)),
    Case(
        "GET",
        "/api/v1/contacts/candidates",
        expect((404, "contact_not_found")),
        query={"login": "{pro_none_login}", "pin": "AAAA-AAAA"},
    ),
    Case(
        "PUT",
        "/api/v1/me/trusted-contact",
        # A professional or an admin names no one: answered as for an unknown contact.
        expect(
            (404, "contact_not_found"),
            person=(422, "invalid_contact_material"),
            other_person=(422, "invalid_contact_material"),
        ),
        json={
            "contact_id": "{pro_none_id}",
            "wrapped_master_key": "AAAA",
            "sealed_share": "AAAA",
            "server_share": "AAAA",
            "auth_key": "A" * 43,
        },
    ),
    Case("DELETE", "/api/v1/me/trusted-contact", expect(NO_ARRANGEMENT)),
    Case(
        "POST",
        "/api/v1/me/trusted-contact/requests/{request_id}/refuse",
        expect((404, "contact_request_not_found")),
        ids={"request_id": "unknown"},
    ),
    Case("GET", "/api/v1/contacts/named-me", expect(200)),
    Case(
        "POST",
        "/api/v1/contacts/named-me/{arrangement_id}/ask",
        expect(NO_ARRANGEMENT),
        ids=ARRANGEMENT,
    ),
    Case(
        "GET",
        "/api/v1/contacts/named-me/{arrangement_id}/recovery",
        expect(NO_ARRANGEMENT),
        ids=ARRANGEMENT,
    ),
    Case(
        "POST",
        "/api/v1/contacts/named-me/{arrangement_id}/recovery",
        # The keys are checked first (nothing is looked up with unusable keys).
        expect((422, "invalid_key_material")),
        ids=ARRANGEMENT,
        json={
            **NEW_PASSPHRASE,
            "contact_auth_key": WRONG_KEY,
            "recovery_auth_key": WRONG_KEY,
            "wrapped_master_recovery": "A" * 96,
        },
    ),
]
