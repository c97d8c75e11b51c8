"""Expectations: structures, invitations, memberships, key chains and reset codes
(docs/ROLES.md). A structure's members are its admin's and the territory admin's to
see; anyone else is answered as for an unknown structure or membership."""

from __future__ import annotations

from tests.authz.matrix import Case, expect

NOT_ALLOWED = (403, "not_allowed")
STRUCTURE = {"name": "SIAO 63", "kind": "siao", "address": "2 rue X, Clermont", "territory": "63"}
PROFESSIONAL = {"kind": "professional", "display_name": "X", "profession": "autre"}
ADMIN = {"kind": "structure_admin", "display_name": "X", "profession": "autre"}
MEMBERS = {"professional": 201, "structure_admin": 201}

CASES = [
    Case("POST", "/api/v1/structures", expect(NOT_ALLOWED, territory_admin=201), json=STRUCTURE),
    Case("GET", "/api/v1/structures", expect(200)),
    Case(
        "GET",
        "/api/v1/structures/{structure_id}/members",
        expect((404, "structure_not_found"), structure_admin=200, territory_admin=200),
        ids={"structure_id": "structure"},
    ),
    Case(
        "POST",
        "/api/v1/structures/{structure_id}/invitations",
        expect((404, "structure_not_found"), structure_admin=201),
        state="a professional",
        ids={"structure_id": "structure"},
        json=PROFESSIONAL,
    ),
    Case(
        "POST",
        "/api/v1/structures/{structure_id}/invitations",
        expect((404, "structure_not_found"), territory_admin=201),
        state="a structure admin",
        ids={"structure_id": "structure"},
        json=ADMIN,
    ),
    # The structure admin's page: the page is public, what it shows needs the log-in.
    Case("GET", "/structure", expect(200, anonymous=200)),
    Case("GET", "/structure/langue", expect(200, anonymous=200)),
    # Inviting from a CSV file: the structure's admin only (coffre/structures/bulk.py).
    Case(
        "POST",
        "/api/v1/structures/{structure_id}/invitations/bulk",
        expect((404, "structure_not_found"), structure_admin=201),
        ids={"structure_id": "structure"},
        content=b"nom;profession;email\nM. Matrice;autre;matrice@ccas.example\n",
        headers={"Content-Type": "text/csv"},
        fresh=True,
    ),
    Case(
        "POST",
        "/api/v1/invitations/charter-officer",
        expect(NOT_ALLOWED, territory_admin=201),
        json={"display_name": "Mme Y"},
    ),
    Case(
        "POST",
        "/api/v1/invitations/person",
        expect(
            NOT_ALLOWED,
            pro_active=201,
            pro_revoked=201,
            pro_expired=201,
            pro_none=201,
            structure_admin=201,
        ),
    ),
    # Accepting an invitation is open (the code is the credential): an unknown code is
    # refused the same to everyone.
    Case(
        "POST",
        "/api/v1/invitations/accept",
        expect((403, "invalid_invitation"), anonymous=(403, "invalid_invitation")),
        json={"code": "AAAA-BBBB-CCCC", "account": "{taken_signup}"},
    ),
    Case(
        "POST",
        "/api/v1/memberships/{membership_id}/certificate",
        expect((404, "membership_not_found"), structure_admin=422),
        state="a new professional, not certified",
        ids={"membership_id": "membership"},
        json={"certificate": {"statement": {}}},
        fresh=True,
    ),
    Case(
        "POST",
        "/api/v1/memberships/{membership_id}/end",
        expect((404, "membership_not_found"), structure_admin=204, territory_admin=204),
        state="a new professional",
        ids={"membership_id": "membership"},
        fresh=True,
    ),
    Case(
        "GET",
        "/api/v1/professionals/{account_id}/keys",
        expect(200),
        ids={"account_id": "pro_active_id"},
    ),
    # A reset code for the person: the territory admin, or a professional the person
    # shares with today (an active grant); anyone else as for an unknown login.
    Case(
        "POST",
        "/api/v1/reset-codes",
        expect((404, "account_not_found"), pro_active=201, territory_admin=201),
        json={"login": "{person_login}"},
    ),
    Case("GET", "/api/v1/trust/root", expect(200, anonymous=200)),
    # A professional leaves their structure: their own membership. LAST of this area
    # (pro_none is no longer a member afterwards): the roles run in ROLES order, so the
    # admins, after pro_none, find it ended (as unknown).
    Case(
        "POST",
        "/api/v1/memberships/{membership_id}/end",
        expect((404, "membership_not_found"), pro_none=204),
        state="one's own membership",
        ids={"membership_id": "membership_pro_none"},
    ),
]
