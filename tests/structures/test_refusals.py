"""A refusal about a thing answers exactly like an unknown id (docs/ROLES.md): a
structure admin inviting into another structure, a person or a professional asking
for a structure's members, learn nothing about whether that structure exists."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from fastapi.testclient import TestClient
from httpx import Response

from tests.structures.world import World, admit, build_world

Call = Callable[[TestClient, str, dict[str, str]], Response]

CALLS: dict[str, Call] = {
    "invite a professional": lambda api, sid, h: api.post(
        f"/api/v1/structures/{sid}/invitations",
        json={"kind": "professional", "display_name": "X", "profession": "autre"},
        headers=h,
    ),
    "invite a structure admin": lambda api, sid, h: api.post(
        f"/api/v1/structures/{sid}/invitations",
        json={"kind": "structure_admin", "display_name": "X", "profession": "autre"},
        headers=h,
    ),
    "list the members": lambda api, sid, h: api.get(f"/api/v1/structures/{sid}/members", headers=h),
}


def _who(world: World, role: str) -> dict[str, str]:
    return {
        "person": world.person,
        "professional": world.professional,
        "structure_admin": world.structure_admin,
        "charter_officer": world.officer,
    }[role].headers


def _answer(response: Response) -> tuple[int, str]:
    body = response.json()
    return response.status_code, str(body.get("code") or body.get("error", {}).get("code"))


def test_a_refused_structure_answers_like_an_unknown_one(api: TestClient) -> None:
    # Every role and call against one world per backend (a world per case built 24
    # worlds); a refused call writes nothing, so the cases do not see each other.
    world = build_world(api)
    other = admit(api, world.admin, name="Association Le Relais")
    wrong = []
    for role in ("person", "professional", "structure_admin", "charter_officer"):
        for call in sorted(CALLS):
            headers = _who(world, role)
            refused = _answer(CALLS[call](api, other, headers))
            unknown = _answer(CALLS[call](api, secrets.token_hex(16), headers))
            if not (refused[0] >= 400 and refused == unknown):
                wrong.append((role, call, refused, unknown))
    assert wrong == []
