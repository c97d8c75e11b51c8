"""The territory admin's charter preview (``POST /charters/preview``): nothing published,
the differences with the latest version on real charter pairs, the problems located
in the file; the publish guarded by what was previewed (SHA-256 and base version)."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.consent.charters import charter_text, example_text
from tests.structures.world import World, build_world

TOML = {"Content-Type": "text/plain; charset=utf-8"}

# Two adhesions, the second one to be ended.
STRUCTURES = """
[[structures]]
siret = "73282932000074"
nom = "CCAS de Clermont-Ferrand"
adhesion = 2026-01-01

[[structures]]
siret = "35600000000048"
nom = "La Poste"
adhesion = 2026-01-01
"""

V2_EXTRA = """
[[finalites]]
code = "domiciliation"
libelle = "Domiciliation"
description = "Une adresse pour recevoir son courrier."
categories = ["domicile"]
professions = ["agent-accueil"]
duree_max_jours = 365
motif_obligatoire = true

[relais]
finalites = ["domiciliation"]
rappel_apres_jours = 7
expire_apres_jours = 30
orientations = [{ de = ["ccas"], vers = ["caf"] }]
"""


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def preview(api: TestClient, world: World, text: str) -> dict[str, Any]:
    response = api.post(
        "/api/v1/charters/preview", content=text.encode(), headers={**world.admin.headers, **TOML}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def publish(api: TestClient, world: World, text: str, **guard: str) -> httpx.Response:
    headers = {**world.admin.headers, **TOML}
    if "sha256" in guard:
        headers["X-Coffre-Charter-Sha256"] = guard["sha256"]
    if "base" in guard:
        headers["X-Coffre-Charter-Base"] = guard["base"]
    return api.post("/api/v1/charters", content=text.encode(), headers=headers)


def test_a_first_charter_is_all_new_and_nothing_is_published(api: TestClient, world: World) -> None:
    body = preview(api, world, example_text())
    assert body["valid"] is True and body["problems"] == []
    assert body["sha256"] == hashlib.sha256(example_text().encode()).hexdigest()
    assert body["compared_with"] is None
    diff = body["differences"]
    assert diff["compared_with"] is None
    assert {p["change"] for p in diff["purposes"]} == {"added"}
    assert "dossier-mdph" in {p["code"] for p in diff["purposes"]}
    # The text as /charte shows it, escaped, headings from h2.
    assert "<h2>" in body["rendering_html"] and "<h1" not in body["rendering_html"]
    current = api.get("/api/v1/charters/current")
    assert current.json()["error"]["code"] == "no_charter_in_force"


def test_differences_between_two_real_versions(api: TestClient, world: World) -> None:
    v1 = charter_text(version=1, structures=STRUCTURES)
    assert publish(api, world, v1).status_code == 201
    ended = STRUCTURES.replace(
        'nom = "La Poste"\nadhesion = 2026-01-01',
        'nom = "La Poste"\nadhesion = 2026-01-01\nfin = 2026-03-01',
    )
    added = (
        ended
        + '\n[[structures]]\nidentifiant = "'
        + "ab" * 16
        + '"\nnom = "CAF 63"\nadhesion = 2026-02-01\n'
    )
    v2 = charter_text(
        version=2,
        effective_on="2026-02-01",
        categories='["identite", "ressources"]',
        professions='["conseiller-insertion"]',
        max_days=60,
        structures=added + V2_EXTRA,
    )
    body = preview(api, world, v2)
    assert body["valid"] is True, body["problems"]
    assert body["compared_with"]["version"] == 1
    diff = body["differences"]
    purposes = {p["code"]: p for p in diff["purposes"]}
    rsa = purposes["ouverture-droits-rsa"]
    assert rsa["change"] == "changed"
    assert rsa["categories"] == {"added": ["ressources"], "removed": ["domicile"]}
    assert rsa["professions"] == {
        "added": ["conseiller-insertion"],
        "removed": ["assistant-service-social"],
    }
    assert rsa["max_days"] == {"old": 30, "new": 60}
    assert rsa["reason_required"] is None
    assert purposes["domiciliation"]["change"] == "added"
    structures = {s["key"]: s for s in diff["structures"]}
    assert structures["35600000000048"]["change"] == "ended"
    assert structures["35600000000048"]["until"] == {"old": None, "new": "2026-03-01"}
    assert structures["ab" * 16]["change"] == "added"
    assert "73282932000074" not in structures
    assert diff["relays"]["change"] == "added"
    assert diff["relays"]["purposes"]["added"] == ["domiciliation"]
    # Removing a purpose and the relays in a third version, against the second.
    assert publish(api, world, v2).status_code == 201
    v3 = charter_text(version=3, effective_on="2026-02-01", structures=STRUCTURES)
    diff3 = preview(api, world, v3)["differences"]
    assert {p["code"]: p["change"] for p in diff3["purposes"]}["domiciliation"] == "removed"
    assert diff3["relays"]["change"] == "removed"
    assert {s["key"]: s["change"] for s in diff3["structures"]} == {
        "35600000000048": "resumed",
        "ab" * 16: "removed",
    }


def test_problems_are_located_in_the_file_and_nothing_is_published(
    api: TestClient, world: World
) -> None:
    assert publish(api, world, charter_text(version=1)).status_code == 201
    body = preview(api, world, charter_text(version=2, max_days=0, categories='["inconnue"]'))
    assert body["valid"] is False and body["differences"] is None
    locations = [p["location"] for p in body["problems"]]
    assert "finalites[1] (« ouverture-droits-rsa »).duree_max_jours" in locations
    assert "finalites[1] (« ouverture-droits-rsa »).categories[1]" in locations
    # TOML syntax: line and column.
    syntax = preview(api, world, "version = 2\ntitre = \n")
    assert syntax["problems"][0]["location"].startswith("ligne 2, colonne")
    # A version already published, or a date before the latest: located too.
    again = preview(api, world, charter_text(version=1))
    assert again["valid"] is False and again["problems"][0]["location"] == "version"
    earlier = preview(api, world, charter_text(version=2, effective_on="2025-12-01"))
    assert earlier["problems"][0]["location"] == "en_vigueur_le"
    assert api.get("/api/v1/charters/current").json()["version"] == 1


PREVIEWERS_REFUSED = {
    "anonymous": (401, "not_authenticated"),
    "person": (403, "not_allowed"),
    "structure_admin": (403, "not_allowed"),
    "charter_officer": (403, "not_allowed"),
}


def test_only_the_territory_admin_previews(api: TestClient, world: World) -> None:
    # Every role against one world per backend (a preview writes nothing; a world per
    # role built 8 territories): every wrong answer is listed.
    who = {
        "person": world.person,
        "structure_admin": world.structure_admin,
        "charter_officer": world.officer,
    }
    wrong = []
    for role, expected in PREVIEWERS_REFUSED.items():
        headers = who[role].headers if role in who else {}
        response = api.post(
            "/api/v1/charters/preview", content=charter_text().encode(), headers={**headers, **TOML}
        )
        seen = (response.status_code, response.json()["error"]["code"])
        if seen != expected:
            wrong.append(f"{role}: {seen}")
    assert wrong == []


def test_the_preview_has_the_publish_body_limit(api: TestClient, world: World) -> None:
    big = charter_text() + "#" * (256 * 1024)
    response = api.post(
        "/api/v1/charters/preview", content=big.encode(), headers={**world.admin.headers, **TOML}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (413, "charter_too_large")


def test_publishing_is_guarded_by_what_was_previewed(api: TestClient, world: World) -> None:
    text = charter_text(version=1)
    seen = preview(api, world, text)
    changed = text.replace("Charte de test", "Charte de test modifiée")
    refused = publish(api, world, changed, sha256=seen["sha256"], base="0")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "charter_changed")
    assert api.get("/api/v1/charters/current").json()["error"]["code"] == "no_charter_in_force"
    ok = publish(api, world, text, sha256=seen["sha256"], base="0")
    assert ok.status_code == 201 and ok.json()["sha256"] == seen["sha256"]
    # Previewed against version 1; version 2 published since: the preview is stale.
    stale = charter_text(version=3, effective_on="2026-01-10")
    seen3 = preview(api, world, stale)
    assert publish(api, world, charter_text(version=2)).status_code == 201
    late = publish(api, world, stale, sha256=seen3["sha256"], base="1")
    assert (late.status_code, late.json()["error"]["code"]) == (409, "charter_changed")
    assert api.get("/api/v1/charters/current").json()["version"] == 2


def test_twenty_parallel_publishes_of_one_version_one_wins(
    api: TestClient, world: World, live_server: str
) -> None:
    text = charter_text(version=1).encode()
    digest = hashlib.sha256(text).hexdigest()
    headers = {
        **world.admin.headers,
        **TOML,
        "X-Coffre-Charter-Sha256": digest,
        "X-Coffre-Charter-Base": "0",
    }

    def one(_: int) -> tuple[int, str]:
        with httpx.Client(base_url=live_server, timeout=30) as client:
            response = client.post("/api/v1/charters", content=text, headers=headers)
        code = "" if response.status_code == 201 else response.json()["error"]["code"]
        return response.status_code, code

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    assert [r for r in results if r[0] == 201] == [(201, "")]
    assert {r for r in results if r[0] != 201} <= {
        (409, "charter_version_conflict"),
        (409, "charter_changed"),
    }
    assert api.get("/api/v1/charters/1").json()["sha256"] == digest
    assert api.get("/api/v1/charters/2").json()["error"]["code"] == "charter_not_found"


def test_twenty_parallel_publishes_of_different_versions_on_one_base_one_wins(
    api: TestClient, world: World, live_server: str
) -> None:
    # Each admin previewed against version 1 and numbers their file differently (2..21):
    # the version's uniqueness cannot decide, the base must, and only one may follow it.
    assert publish(api, world, charter_text(version=1)).status_code == 201

    def one(version: int) -> tuple[int, str]:
        text = charter_text(version=version, effective_on="2026-02-01").encode()
        headers = {
            **world.admin.headers,
            **TOML,
            "X-Coffre-Charter-Sha256": hashlib.sha256(text).hexdigest(),
            "X-Coffre-Charter-Base": "1",
        }
        with httpx.Client(base_url=live_server, timeout=30) as client:
            response = client.post("/api/v1/charters", content=text, headers=headers)
        code = "" if response.status_code == 201 else response.json()["error"]["code"]
        return response.status_code, code

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(2, 22)))
    assert [r for r in results if r[0] == 201] == [(201, "")]
    assert {r for r in results if r[0] != 201} == {(409, "charter_changed")}
    published = [v for v in range(2, 22) if api.get(f"/api/v1/charters/{v}").status_code == 200]
    assert len(published) == 1
