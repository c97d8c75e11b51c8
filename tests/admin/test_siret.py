"""One SIRET rule, the same vectors everywhere (tests/admin/siret_cases.json): 14 digits
and a Luhn key, La Poste's establishments (SIREN 356 000 000) by the sum of their digits.
The server's module (coffre/structures/siret.py) and the client's (client/territory.py)
agree here, the page's (web/static/js/admin-siret.js) in web/tests-js/siret.test.mjs,
and the server refuses to admit a structure with a SIRET the rule refuses
(``invalid_siret``), whatever sent it: the page, the CLI, the API. Both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from client.territory import siret_problem as client_problem
from coffre.structures.models import Structure
from coffre.structures.siret import luhn_ok, siret_problem
from tests.consent.charters import charter_text
from tests.directory.factories import as_bytes, structure
from tests.structures.world import TERRITORY, World, build_world

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).with_name("siret_cases.json")).read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_the_server_module_and_the_client_agree(case: dict[str, Any]) -> None:
    assert siret_problem(case["siret"]) == case["expected"]
    assert client_problem(case["siret"]) == case["expected"]


def test_la_poste_exception_is_only_for_la_poste() -> None:
    # Digits summing to a multiple of 5 but failing Luhn: accepted for SIREN 356000000 only.
    assert sum(map(int, "35600000049837")) % 5 == 0 and not luhn_ok("35600000049837")
    assert siret_problem("35600000049837") is None
    assert sum(map(int, "12300000049835")) % 5 == 0 and not luhn_ok("12300000049835")
    assert siret_problem("12300000049835") == "key"


def _admit(api: TestClient, world: World, siret: str, name: str) -> tuple[int, str]:
    answer = api.post(
        "/api/v1/structures",
        json={
            "name": name,
            "kind": "ccas",
            "address": "1 place de la Mairie, 63200 Riom",
            "territory": TERRITORY,
            "siret": siret,
        },
        headers=world.admin.headers,
    )
    code = "" if answer.status_code < 300 else answer.json()["error"]["code"]
    return answer.status_code, code


def _structures(api: TestClient) -> int:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(select(func.count(Structure.id))) or 0)


def test_the_server_admits_a_structure_only_with_a_siret_the_rule_accepts(
    api: TestClient,
) -> None:
    world = build_world(api)
    before = _structures(api)
    refused = [c for c in CASES if c["expected"] is not None and c["siret"]]
    for case in refused:
        assert _admit(api, world, case["siret"], f"Refusée {case['why']}") == (
            422,
            "invalid_siret",
        ), case
    assert _structures(api) == before
    # The valid ones, each written its own way, once each (the same SIRET twice: taken).
    admitted = {}
    for case in (c for c in CASES if c["expected"] is None):
        digits = "".join(ch for ch in case["siret"] if ch.isdigit())
        status, code = _admit(api, world, case["siret"], f"Admise {case['why']}")
        assert (status, code) == ((409, "siret_taken") if digits in admitted else (201, ""))
        admitted.setdefault(digits, case["siret"])
    assert _structures(api) == before + len(admitted)
    listed = api.get("/api/v1/structures", headers=world.admin.headers).json()["structures"]
    assert set(admitted) <= {s["siret"] for s in listed}


def test_a_charter_naming_a_siret_the_rule_refuses_is_not_published(api: TestClient) -> None:
    world = build_world(api)
    adhesion = '[[structures]]\nsiret = "73282932000075"\nnom = "CCAS"\nadhesion = 2026-01-01'
    text = charter_text(version=1, structures=f"\n{adhesion}\n")
    answer = api.post(
        "/api/v1/charters/preview",
        content=text.encode(),
        headers={**world.admin.headers, "Content-Type": "text/plain; charset=utf-8"},
    )
    body = answer.json()
    assert body["valid"] is False
    [problem] = [p for p in body["problems"] if "siret" in p["location"]]
    assert "clé de contrôle" in problem["message"]


def test_a_directory_file_naming_a_siret_the_rule_refuses_imports_nothing(
    api: TestClient,
) -> None:
    # What the page picks from the directory to admit a structure must be admissible.
    world = build_world(api)
    document = {
        "structures": [
            structure("ccas", "CCAS de Riom", siret="73282932000074"),
            structure("siao", "SIAO du Puy-de-Dôme", siret="73282932000075"),
        ],
        "services": [],
    }
    response = api.post(
        "/api/v1/directory/imports",
        content=as_bytes(document),
        headers={**world.admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "directory_rows_rejected"
    [row] = error["rows"]
    assert (row["table"], row["row"], row["field"]) == ("structures", 2, "siret")
    assert "clé de contrôle" in row["message"]
    assert (
        api.get("/api/v1/directory/export", headers=world.admin.headers).json()["structures"] == []
    )
