"""The directory's API: who may import, export, see contacts and verify entries (a
matrix of roles; a refusal answers like an unknown address), the stale-entry flag on
a moved clock, refused rows in the answer, and parallel imports over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from coffre.clock import FrozenClock
from tests.concurrency import answer, burst
from tests.consent.world import consent_charter, publish
from tests.directory.factories import SOURCE, as_bytes, territory
from tests.structures.world import World, build_world

ROLES = (
    "anonymous",
    "person",
    "professional",
    "structure_admin",
    "territory_admin",
    "charter_officer",
)
JSON = {"Content-Type": "application/json"}
STALE_DAY = "2025-06-01"


def _headers(world: World, role: str) -> dict[str, str]:
    who = {
        "person": world.person,
        "professional": world.professional,
        "structure_admin": world.structure_admin,
        "territory_admin": world.admin,
        "charter_officer": world.officer,
    }.get(role)
    return who.headers if who is not None else {}


def _linked_file(world: World) -> dict[str, Any]:
    """The test territory, the CCAS entry naming the world's Coffre structure by id."""
    document = territory()
    ccas_id = f"{SOURCE}--ccas"
    for row in document["structures"]:
        if row["id"] == ccas_id:
            row["id"] = world.structure_id
            row.pop("siret")
    for row in document["services"]:
        if row["structure_id"] == ccas_id:
            row["structure_id"] = world.structure_id
            row["date_maj"] = STALE_DAY  # over COFFRE_DIRECTORY_STALE_DAYS (365) ago
    return document


@pytest.fixture
def world(api: TestClient) -> World:
    world = build_world(api)
    publish(api, world, consent_charter(world.structure_id))
    imported = api.post(
        "/api/v1/directory/imports",
        content=as_bytes(_linked_file(world)),
        headers={**world.admin.headers, **JSON},
    )
    assert imported.status_code == 200, imported.text
    return world


def _service_id(api: TestClient, name: str) -> str:
    found = api.get("/api/v1/directory/services", params={"need": name}).json()["services"]
    return str(next(s["id"] for s in found if s["nom"] == name))


NOT_FOUND = {"error": {"code": "not_found", "message": "Cette adresse n'existe pas."}}


def test_a_refusal_answers_exactly_like_an_unknown_address(api: TestClient) -> None:
    unknown = api.get("/api/v1/directory/no-such-thing")
    assert (unknown.status_code, unknown.json()) == (404, NOT_FOUND)


Call = Callable[[TestClient, World, dict[str, str]], httpx.Response]
CALLS: dict[str, tuple[frozenset[str], Call]] = {
    "import": (
        frozenset({"territory_admin"}),
        lambda api, w, h: api.post(
            "/api/v1/directory/imports",
            content=as_bytes(_linked_file(w)),
            headers={**h, **JSON},
        ),
    ),
    "export": (
        frozenset({"territory_admin"}),
        lambda api, w, h: api.get("/api/v1/directory/export", headers=h),
    ),
    "search": (
        frozenset(ROLES),
        lambda api, w, h: api.get(
            "/api/v1/directory/services", params={"need": "logement"}, headers=h
        ),
    ),
}


# The two tests below check every role (and every call) against one world per backend:
# a world per case built 48 worlds (a directory import each) for 48 requests.


def test_who_may_import_export_and_search(api: TestClient, world: World) -> None:
    wrong = []
    for call in sorted(CALLS):
        allowed, do = CALLS[call]
        for role in ROLES:
            response = do(api, world, _headers(world, role))
            if role in allowed:
                ok = response.status_code == 200
            elif role == "anonymous":
                ok = response.status_code == 401
            else:
                ok = (response.status_code, response.json()) == (404, NOT_FOUND)
            if not ok:
                wrong.append((call, role, response.status_code, response.text))
    assert wrong == []


def test_contacts_are_for_certified_professionals_and_the_territory_admin(
    api: TestClient, world: World
) -> None:
    service_id = _service_id(api, "Accès au logement social")
    for role in ROLES:
        headers = _headers(world, role)
        listed = api.get("/api/v1/directory/services", params={"need": "logement"}, headers=headers)
        one = api.get(f"/api/v1/directory/services/{service_id}", headers=headers)
        assert listed.status_code == one.status_code == 200, role
        contacts = one.json()["contacts"]
        if role in {"professional", "structure_admin", "territory_admin"}:
            assert contacts["telephone"] == "+33473111111", role
            assert contacts["contact_nom_prenom"] == "Camille Martin", role
            assert all(s["contacts"] for s in listed.json()["services"]), role
        else:
            assert contacts is None, role
            assert all(s["contacts"] is None for s in listed.json()["services"]), role
        assert "Camille" not in listed.text if contacts is None else True, role


def test_the_entry_of_an_adhering_structure_says_so(api: TestClient, world: World) -> None:
    body = api.get(f"/api/v1/directory/services/{_service_id(api, 'Accès au logement social')}")
    assert body.json()["structure"]["coffre_structure_id"] == world.structure_id
    assert body.json()["structure"]["adheres_to_charter"] is True
    other = api.get(f"/api/v1/directory/services/{_service_id(api, 'Aide alimentaire')}")
    assert other.json()["structure"]["adheres_to_charter"] is False


def test_an_unknown_service_has_its_own_code(api: TestClient, world: World) -> None:
    for service_id in ("0" * 32, "not-an-id"):
        response = api.get(f"/api/v1/directory/services/{service_id}")
        assert answer(response) == (404, "directory_service_not_found")
        assert "annuaire" in response.json()["error"]["message"]


def test_refused_rows_come_back_in_the_answer_and_nothing_changes(
    api: TestClient, world: World
) -> None:
    before = api.get("/api/v1/directory/export", headers=world.admin.headers).json()
    document = _linked_file(world)
    document["services"][0]["publics"] = ["martiens"]
    document["services"][3]["nom"] = "Soins\u202e"
    response = api.post(
        "/api/v1/directory/imports",
        content=as_bytes(document),
        headers={**world.admin.headers, **JSON},
    )
    assert answer(response) == (422, "directory_rows_rejected")
    rows = response.json()["error"]["rows"]
    assert {(r["table"], r["row"], r["field"]) for r in rows} == {
        ("services", 1, "publics.0"),
        ("services", 4, "nom"),
    }
    assert all(r["message"] for r in rows)
    malformed = api.post(
        "/api/v1/directory/imports", content=b"{", headers={**world.admin.headers, **JSON}
    )
    assert answer(malformed) == (422, "directory_file_malformed")
    after = api.get("/api/v1/directory/export", headers=world.admin.headers).json()
    assert after == before


def test_a_search_with_a_control_character_is_refused_cleanly(api: TestClient) -> None:
    response = api.get("/api/v1/directory/services", params={"need": "log\x1bement"})
    assert answer(response) == (422, "invalid_text")


def test_entries_not_verified_for_long_are_flagged_to_their_structure_admin(
    api: TestClient, world: World
) -> None:
    admin_view = api.get("/api/v1/directory/stale", headers=world.structure_admin.headers)
    names = sorted(s["nom"] for s in admin_view.json()["services"])
    # Only the entries of the structure they administer (the others are recent).
    assert names == ["Accès au logement social", "Atelier recherche d'emploi"]
    assert all(s["stale"] for s in admin_view.json()["services"])
    assert all(s["verified_on"] == STALE_DAY for s in admin_view.json()["services"])
    territory_view = api.get("/api/v1/directory/stale", headers=world.admin.headers)
    assert len(territory_view.json()["services"]) == 2
    for who in (world.professional, world.person, world.officer):
        assert api.get("/api/v1/directory/stale", headers=who.headers).json() == {"services": []}
    service_id = _service_id(api, "Accès au logement social")
    other_id = _service_id(api, "Aide alimentaire")
    # A professional, or an admin of another structure's entry: as if it did not exist.
    for who, target in ((world.professional, service_id), (world.structure_admin, other_id)):
        refused = api.post(f"/api/v1/directory/services/{target}/verify", headers=who.headers)
        assert answer(refused) == (404, "directory_service_not_found")
    verified = api.post(
        f"/api/v1/directory/services/{service_id}/verify", headers=world.structure_admin.headers
    )
    assert verified.status_code == 200
    assert verified.json()["stale"] is False
    names = [
        s["nom"]
        for s in api.get("/api/v1/directory/stale", headers=world.structure_admin.headers).json()[
            "services"
        ]
    ]
    assert names == ["Atelier recherche d'emploi"]


def test_twenty_parallel_imports_over_http_give_one_consistent_directory(
    world: World, http: httpx.Client
) -> None:
    raw = as_bytes(_linked_file(world))
    headers = {**world.admin.headers, **JSON}
    responses = burst(
        20, lambda _i: http.post("/api/v1/directory/imports", content=raw, headers=headers)
    )
    assert {answer(r) for r in responses} == {(200, "")}
    assert sum(r.json()["services_created"] for r in responses) == 0  # imported by the fixture
    assert all(r.json()["unchanged"] == 9 for r in responses)
    exported = http.get("/api/v1/directory/export", headers=world.admin.headers).json()
    assert len(exported["services"]) == 5
    assert len(exported["structures"]) == 4


def test_an_entry_becomes_stale_when_the_days_pass(
    api: TestClient, world: World, clock: FrozenClock
) -> None:
    service_id = _service_id(api, "Aide alimentaire")
    assert api.get(f"/api/v1/directory/services/{service_id}").json()["stale"] is False
    clock.advance(days=400)  # no session needed to read the guide
    assert api.get(f"/api/v1/directory/services/{service_id}").json()["stale"] is True


def test_a_structure_admitted_after_the_import_is_linked_at_the_next_one(
    api: TestClient, world: World
) -> None:
    shelter = _service_id(api, "Hébergement d'urgence")
    assert (
        api.get(f"/api/v1/directory/services/{shelter}").json()["structure"]["coffre_structure_id"]
        is None
    )
    admitted = api.post(
        "/api/v1/structures",
        json={
            "name": "SIAO du Puy-de-Dôme",
            "kind": "siao",
            "address": "1 place de Jaude, 63000 Clermont-Ferrand",
            "territory": "63",
            "siret": "11111111100014",  # the SIAO's SIRET in the file
        },
        headers=world.admin.headers,
    )
    assert admitted.status_code == 201, admitted.text
    again = api.post(
        "/api/v1/directory/imports",
        content=as_bytes(_linked_file(world)),
        headers={**world.admin.headers, **JSON},
    )
    assert again.json()["unchanged"] == 9
    structure = api.get(f"/api/v1/directory/services/{shelter}").json()["structure"]
    assert structure["coffre_structure_id"] == admitted.json()["id"]
