"""The consent authorisation matrix: every role × every document/grant endpoint × every
grant state. Only the legitimate cases succeed, and a refusal to anyone who is not
the grant's own professional looks exactly like the answer for an id that does not
exist (docs/CONSENT.md, docs/ROLES.md).

Run on both backends (SQLite + local directory, PostgreSQL + S3) like every test
that uses the ``api`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from coffre.clock import FrozenClock
from tests.consent.world import MDPH, ConsentWorld, build_consent_world, consent_charter, publish
from tests.structures.world import certify_member, invite, join, log_in, material

UNKNOWN = "0" * 32
STATES = [
    "none",
    "active",
    "expired",
    "revoked",
    "exhausted",
    "other_purpose",
    "other_professional",
    "professional_left",
    "structure_left",
]
ACTORS = [
    "owner",
    "other_person",
    "grantee",
    "colleague",
    "structure_admin",
    "territory_admin",
    "charter_officer",
    "anonymous",
]


@dataclass
class Scene:
    cw: ConsentWorld
    actors: dict[str, dict[str, str]]
    grant_id: str  # the grant the state is about (UNKNOWN for "none")
    document_id: str  # the document the calls target


def _endpoints(
    scene: Scene,
) -> dict[str, Callable[[TestClient, dict[str, str], str, str], httpx.Response]]:
    """Each endpoint, called with (api, headers, grant id, document id)."""
    return {
        "document.read": lambda a, h, g, d: a.get(f"/api/v1/documents/{d}", headers=h),
        "document.content": lambda a, h, g, d: a.get(f"/api/v1/documents/{d}/content", headers=h),
        "document.update": lambda a, h, g, d: a.patch(
            f"/api/v1/documents/{d}", json={"encrypted_metadata": "Ag" + "A" * 60}, headers=h
        ),
        "document.replace": lambda a, h, g, d: a.put(
            f"/api/v1/documents/{d}/content",
            content=b"x",
            headers={**h, "Coffre-Metadata": "Ag" + "A" * 60, "Coffre-Sealed-Key": "A" * 107},
        ),
        "grant.pull": lambda a, h, g, d: a.post(
            f"/api/v1/grants/{g}/documents/{d}/pull", json={"reason": "Instruction RSA"}, headers=h
        ),
        "grant.revoke": lambda a, h, g, d: a.post(f"/api/v1/grants/{g}/revoke", headers=h),
    }


# What succeeds (status) per (actor, endpoint) when the state allows it; anything else
# must fail. The owner's own document endpoints do not depend on grants.
def _expected(state: str, actor: str, endpoint: str) -> int | None:
    owner_document = {
        "document.read": 200,
        "document.content": 200,
        # The bodies are deliberately malformed: the owner passes authorisation and
        # gets to validation (422); everyone else must stop at authorisation.
        "document.update": 422,
        "document.replace": 422,
    }
    if actor == "owner" and endpoint in owner_document:
        return owner_document[endpoint]
    if actor == "owner" and endpoint == "grant.revoke" and state != "none":
        return 200
    if actor == "grantee" and endpoint == "grant.pull" and state == "active":
        return 200
    return None


def _scene(api: TestClient, tmp_path: Path, clock: FrozenClock, state: str) -> Scene:
    cw = build_consent_world(api, tmp_path)
    w = cw.world
    colleague = join(
        api,
        invite(api, w.structure_admin, w.structure_id, "professional", "M. Collègue"),
        material(15, "collegue"),
    )
    certify_member(api, w.structure_admin, w.structure_id, colleague.account_id)
    other_person = material(16, "bilal")
    assert api.post("/api/v1/accounts", json=other_person.signup_body).status_code == 201
    log_in(api, other_person)

    grant_id, document_id = UNKNOWN, cw.identity
    if state != "none":
        grant = cw.share([cw.identity], max_pulls=1 if state == "exhausted" else None)
        grant_id = str(grant["id"])
    if state == "expired":
        clock.advance(days=31)
        # Sessions last hours: log in again the accounts without a second factor (the
        # territory admin's and the officer's sessions have expired: they get 401, as
        # for any id).
        for who in (w.person, w.professional, w.structure_admin, colleague, other_person):
            log_in(api, who)
    elif state == "revoked":
        assert (
            api.post(f"/api/v1/grants/{grant_id}/revoke", headers=w.person.headers).status_code
            == 200
        )
    elif state == "exhausted":
        assert cw.pull(grant_id, cw.identity, "Instruction RSA").status_code == 200
    elif state == "other_purpose":
        # A grant for RSA (identity); the health document was shared for MDPH only,
        # and to no one under this grant.
        cw.share([cw.health], purpose=MDPH)
        document_id = cw.health
    elif state == "other_professional":
        # The grant is to Mme Dupont; her colleague of the same structure acts as
        # "grantee", and the structure admin as "colleague".
        w.professional, colleague = colleague, w.structure_admin
    elif state == "professional_left":
        ended = api.post(
            f"/api/v1/memberships/{w.memberships['professional']}/end",
            headers=w.structure_admin.headers,
        )
        assert ended.status_code in (200, 204), ended.text
    elif state == "structure_left":
        text = consent_charter(w.structure_id, version=2).replace(
            "adhesion = 2026-01-01", "adhesion = 2026-01-01\nfin = 2026-01-02"
        )
        publish(api, w, text)
    actors: dict[str, dict[str, str]] = {
        "owner": w.person.headers,
        "other_person": other_person.headers,
        "grantee": w.professional.headers,
        "colleague": colleague.headers,
        "structure_admin": w.structure_admin.headers,
        "territory_admin": w.admin.headers,
        "charter_officer": w.officer.headers,
        "anonymous": {},
    }
    return Scene(cw, actors, grant_id, document_id)


def _is_the_grantee(state: str, actor: str) -> bool:
    """Who may learn that the grant exists: its own professional (and the owner)."""
    return actor == "grantee" and state not in ("none", "other_professional")


@pytest.mark.parametrize("state", STATES)
def test_only_the_legitimate_case_succeeds_and_refusals_reveal_nothing(
    api: TestClient, tmp_path: Path, clock: FrozenClock, state: str
) -> None:
    scene = _scene(api, tmp_path, clock, state)
    failures = []
    for endpoint, call in _endpoints(scene).items():
        for actor in ACTORS:
            headers = scene.actors[actor]
            expected = _expected(state, actor, endpoint)
            response = call(api, headers, scene.grant_id, scene.document_id)
            if expected is not None:
                if response.status_code != expected:
                    failures.append(
                        f"{actor} {endpoint}: {response.status_code} {response.text[:120]}"
                    )
                continue
            if response.status_code < 400:
                failures.append(f"{actor} {endpoint}: allowed ({response.status_code})")
                continue
            if actor == "anonymous":
                if response.status_code != 401:
                    failures.append(f"anonymous {endpoint}: {response.status_code}")
                continue
            if _is_the_grantee(state, actor) and endpoint == "grant.pull":
                # The grant's own professional is told why (expired, revoked…).
                if response.json()["error"]["code"] not in (
                    "grant_not_active",
                    "document_not_found",
                ):
                    failures.append(f"grantee pull: {response.text[:120]}")
                continue
            # Anyone else: the same answer as for ids that do not exist.
            phantom = call(api, headers, UNKNOWN, UNKNOWN.replace("0", "1"))
            seen = (response.status_code, response.json()["error"]["code"])
            missing = (phantom.status_code, phantom.json()["error"]["code"])
            if seen != missing:
                failures.append(f"{actor} {endpoint}: {seen} differs from a missing id: {missing}")
    assert failures == [], "\n".join(failures)
    # Exactly the legitimate pulls were recorded: one per allowed pull, plus the one
    # that exhausted the grant in that state.
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    from coffre.consent.models import Pull

    with coffre.db.unit_of_work() as db:
        pulls = db.query(Pull).count()
    assert pulls == {"active": 1, "exhausted": 1}.get(state, 0)


def test_the_person_s_grant_list_and_the_shared_list_are_their_own(
    api: TestClient, tmp_path: Path, clock: FrozenClock
) -> None:
    scene = _scene(api, tmp_path, clock, "active")
    listed = {
        actor: api.get("/api/v1/grants", headers=h).status_code for actor, h in scene.actors.items()
    }
    assert listed["owner"] == 200
    assert (
        api.get("/api/v1/grants", headers=scene.actors["owner"]).json()["grants"][0]["id"]
        == scene.grant_id
    )
    assert api.get("/api/v1/grants", headers=scene.actors["other_person"]).json()["grants"] == []
    assert all(
        code >= 400 for actor, code in listed.items() if actor not in ("owner", "other_person")
    )
    shared = api.get("/api/v1/shared-with-me", headers=scene.actors["grantee"]).json()["grants"]
    assert [g["id"] for g in shared] == [scene.grant_id]
    assert (
        api.get("/api/v1/shared-with-me", headers=scene.actors["colleague"]).json()["grants"] == []
    )
    for actor in ("owner", "territory_admin", "charter_officer"):
        assert api.get("/api/v1/shared-with-me", headers=scene.actors[actor]).status_code == 403
