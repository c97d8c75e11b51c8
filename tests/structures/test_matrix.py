"""Authorisation as a matrix: every role × every network and document endpoint.

Only the roles listed for an endpoint succeed; every other caller is refused, and a
refusal about a thing never tells whether it exists (same answer as for an unknown id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.factories import encrypted_document
from tests.structures.world import World, build_world

ROLES = (
    "anonymous",
    "person",
    "professional",
    "structure_admin",
    "territory_admin",
    "charter_officer",
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    allowed: frozenset[str]
    call: Callable[[TestClient, World, dict[str, str]], int]


def _headers(world: World, role: str) -> dict[str, str]:
    who = {
        "person": world.person,
        "professional": world.professional,
        "structure_admin": world.structure_admin,
        "territory_admin": world.admin,
        "charter_officer": world.officer,
    }.get(role)
    return who.headers if who is not None else {}


def _person_document(api: TestClient, world: World) -> str:
    from tests.factories import Person

    owner = Person(
        world.person.login, "", world.person.keys, {}, world.person.auth_key, world.person.token
    )
    document = encrypted_document(owner)
    response = api.post(
        "/api/v1/documents",
        content=document.ciphertext,
        headers={**world.person.headers, **document.headers},
    )
    assert response.status_code == 201
    return str(response.json()["id"])


ENDPOINTS = [
    Endpoint(
        "admit a structure",
        frozenset({"territory_admin"}),
        lambda api, w, h: (
            api.post(
                "/api/v1/structures",
                json={"name": "SIAO 63", "kind": "siao", "address": "x", "territory": "63"},
                headers=h,
            ).status_code
        ),
    ),
    Endpoint(
        "read the directory of structures",
        frozenset(ROLES) - {"anonymous"},
        lambda api, w, h: api.get("/api/v1/structures", headers=h).status_code,
    ),
    Endpoint(
        "list a structure's members",
        frozenset({"territory_admin", "structure_admin"}),
        lambda api, w, h: (
            api.get(f"/api/v1/structures/{w.structure_id}/members", headers=h).status_code
        ),
    ),
    Endpoint(
        "invite a professional",
        frozenset({"structure_admin"}),
        lambda api, w, h: (
            api.post(
                f"/api/v1/structures/{w.structure_id}/invitations",
                json={"kind": "professional", "display_name": "X", "profession": "autre"},
                headers=h,
            ).status_code
        ),
    ),
    Endpoint(
        "invite a structure admin",
        frozenset({"territory_admin"}),
        lambda api, w, h: (
            api.post(
                f"/api/v1/structures/{w.structure_id}/invitations",
                json={"kind": "structure_admin", "display_name": "X", "profession": "autre"},
                headers=h,
            ).status_code
        ),
    ),
    Endpoint(
        "invite a charter officer",
        frozenset({"territory_admin"}),
        lambda api, w, h: (
            api.post(
                "/api/v1/invitations/charter-officer", json={"display_name": "X"}, headers=h
            ).status_code
        ),
    ),
    Endpoint(
        "invite a person (assisted sign-up)",
        frozenset({"professional", "structure_admin"}),
        lambda api, w, h: api.post("/api/v1/invitations/person", headers=h).status_code,
    ),
    Endpoint(
        "read a professional's key chain",
        frozenset(ROLES) - {"anonymous"},
        lambda api, w, h: (
            api.get(
                f"/api/v1/professionals/{w.professional.account_id}/keys", headers=h
            ).status_code
        ),
    ),
    Endpoint(
        "end a professional's membership",
        frozenset({"territory_admin", "structure_admin", "professional"}),
        lambda api, w, h: (
            api.post(
                f"/api/v1/memberships/{w.memberships['professional']}/end", headers=h
            ).status_code
        ),
    ),
    Endpoint(
        "issue a reset code for a person",
        # The world's person shared nothing: only the territory admin may (a professional
        # needs a grant from the person, tests/accounts/test_reset_links.py).
        frozenset({"territory_admin"}),
        lambda api, w, h: (
            api.post("/api/v1/reset-codes", json={"login": w.person.login}, headers=h).status_code
        ),
    ),
    Endpoint(
        "read a person's document",
        frozenset({"person"}),
        lambda api, w, h: (
            api.get(f"/api/v1/documents/{_person_document(api, w)}", headers=h).status_code
        ),
    ),
    Endpoint(
        "download a person's document",
        frozenset({"person"}),
        lambda api, w, h: (
            api.get(f"/api/v1/documents/{_person_document(api, w)}/content", headers=h).status_code
        ),
    ),
    Endpoint(
        "delete a person's document",
        frozenset({"person"}),
        lambda api, w, h: (
            api.delete(f"/api/v1/documents/{_person_document(api, w)}", headers=h).status_code
        ),
    ),
    Endpoint(
        "add a document",
        frozenset({"person"}),
        lambda api, w, h: _upload_as(api, h),
    ),
]


def _upload_as(api: TestClient, headers: dict[str, str]) -> int:
    from tests.factories import person_material

    document = encrypted_document(person_material(0), b"x" * 2000)
    return api.post(
        "/api/v1/documents", content=document.ciphertext, headers={**headers, **document.headers}
    ).status_code


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_listed_roles_may_call_each_endpoint(
    api: TestClient, endpoint: Endpoint, role: str
) -> None:
    world = build_world(api)
    status = endpoint.call(api, world, _headers(world, role))
    if role in endpoint.allowed:
        assert status < 400, f"{role} should be allowed to {endpoint.name} (got {status})"
    elif role == "anonymous":
        assert status == 401
    else:
        assert status in (403, 404), f"{role} should be refused to {endpoint.name} (got {status})"
