"""Publishing the charter through the API: the territory admin only, versions that
grow, refusals that change nothing; reading it needs no session."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from tests.consent.charters import charter_text, example_text
from tests.structures.world import World, build_world

TOML = {"Content-Type": "text/plain; charset=utf-8"}


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def publish(api: TestClient, world: World, text: str) -> dict[str, object]:
    response = api.post(
        "/api/v1/charters", content=text.encode(), headers={**world.admin.headers, **TOML}
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_territory_admin_publishes_the_example_and_anyone_reads_it(
    api: TestClient, world: World
) -> None:
    published = publish(api, world, example_text())
    assert published["version"] == 1
    assert published["sha256"] == hashlib.sha256(example_text().encode()).hexdigest()
    current = api.get("/api/v1/charters/current")  # no session
    assert current.status_code == 200
    assert current.json() == published
    purposes = {p["code"]: p for p in current.json()["purposes"]}
    assert purposes["dossier-mdph"]["reason_required"] is True
    assert purposes["domiciliation"]["max_days"] == 365
    assert current.json()["structures"][0]["siret"] == "99999999900017"
    assert api.get("/api/v1/charters/1").json() == published


PUBLISHERS_REFUSED = {
    "anonymous": (401, "not_authenticated"),
    "person": (403, "not_allowed"),
    "professional": (403, "not_allowed"),
    "structure_admin": (403, "not_allowed"),
    "charter_officer": (403, "not_allowed"),
}


def test_only_the_territory_admin_may_publish(api: TestClient, world: World) -> None:
    # Every role against one world per backend (nothing is written by a refusal; a
    # world per role built 10 territories): every wrong answer is listed.
    who = {
        "person": world.person,
        "professional": world.professional,
        "structure_admin": world.structure_admin,
        "charter_officer": world.officer,
    }
    wrong = []
    for role, expected in PUBLISHERS_REFUSED.items():
        headers = who[role].headers if role in who else {}
        response = api.post("/api/v1/charters", content=charter_text(), headers={**headers, **TOML})
        seen = (response.status_code, response.json()["error"]["code"])
        in_force = api.get("/api/v1/charters/current").json()["error"]["code"]
        if (seen, in_force) != (expected, "no_charter_in_force"):
            wrong.append(f"{role}: {seen}, then {in_force}")
    assert wrong == []


def test_an_invalid_charter_lists_its_problems_and_changes_nothing(
    api: TestClient, world: World
) -> None:
    publish(api, world, charter_text(version=1))
    response = api.post(
        "/api/v1/charters",
        content=charter_text(version=2, max_days=0, categories='["inconnue"]'),
        headers={**world.admin.headers, **TOML},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_charter"
    assert (
        "finalites[1] (« ouverture-droits-rsa »).duree_max_jours : doit être entre"
        in (error["message"])
    )
    assert "finalites[1] (« ouverture-droits-rsa »).categories[1] : " in error["message"]
    assert api.get("/api/v1/charters/current").json()["version"] == 1
    assert api.get("/api/v1/charters/2").json()["error"]["code"] == "charter_not_found"


def test_a_charter_for_another_territory_is_refused(api: TestClient, world: World) -> None:
    response = api.post(
        "/api/v1/charters",
        content=charter_text().replace('territoire = "63"', 'territoire = "15"'),
        headers={**world.admin.headers, **TOML},
    )
    assert response.status_code == 422
    assert (
        "territoire : ce serveur sert le territoire « 63 »" in response.json()["error"]["message"]
    )


def test_versions_must_grow(api: TestClient, world: World) -> None:
    publish(api, world, charter_text(version=2))
    for number in (1, 2):
        response = api.post(
            "/api/v1/charters",
            content=charter_text(version=number),
            headers={**world.admin.headers, **TOML},
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "charter_version_conflict"
        assert "« version = 3 » au moins" in response.json()["error"]["message"]
    publish(api, world, charter_text(version=3, max_days=10))
    assert api.get("/api/v1/charters/current").json()["version"] == 3
    assert api.get("/api/v1/charters/2").json()["purposes"][0]["max_days"] == 30


def test_a_new_version_cannot_take_effect_before_the_one_it_follows(
    api: TestClient, world: World
) -> None:
    publish(api, world, charter_text(version=1, effective_on="2026-01-01"))
    response = api.post(
        "/api/v1/charters",
        content=charter_text(version=2, effective_on="2025-12-31"),
        headers={**world.admin.headers, **TOML},
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "charter_version_conflict"


def test_a_version_published_ahead_of_its_date_is_not_yet_in_force(
    api: TestClient, world: World
) -> None:
    publish(api, world, charter_text(version=1, effective_on="2026-01-01"))
    publish(api, world, charter_text(version=2, effective_on="2999-01-01"))
    assert api.get("/api/v1/charters/current").json()["version"] == 1
    assert api.get("/api/v1/charters/2").json()["version"] == 2


def test_unknown_or_impossible_versions_are_not_found_or_invalid(api: TestClient) -> None:
    assert api.get("/api/v1/charters/7").json()["error"]["code"] == "charter_not_found"
    for path in ("0", "99999999999999999999", "abc"):
        response = api.get(f"/api/v1/charters/{path}")
        assert response.status_code == 422, path
        assert response.json()["error"]["code"] == "invalid_request"


def test_a_body_over_the_limit_is_refused(api: TestClient, world: World) -> None:
    response = api.post(
        "/api/v1/charters",
        content=b"#" * (300 * 1024),
        headers={**world.admin.headers, **TOML},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "charter_too_large"
