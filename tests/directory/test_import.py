"""Importing and exporting the directory in the data·inclusion schema, on both backends.

A file is validated whole by the schema's own models; one refused row refuses the
file, every refused row is listed, and nothing is written. Re-importing is
idempotent by (source, id); an export is valid for the same models and imports back
unchanged. Parallel imports of one file give the rows of one import.
"""

from __future__ import annotations

import copy
import json

import data_inclusion.schema.v1 as di
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from coffre.container import Coffre
from coffre.directory.errors import MalformedFile, RowsRejected
from coffre.directory.models import DirectoryService, DirectoryStructure
from coffre.directory.service import SearchQuery
from tests.concurrency import burst
from tests.directory.factories import SOURCE, as_bytes, service, territory


def _coffre(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def _counts(coffre: Coffre) -> tuple[int, int, int]:
    with coffre.db.unit_of_work() as db:
        structures = db.scalar(select(func.count()).select_from(DirectoryStructure))
        services = db.scalar(select(func.count()).select_from(DirectoryService))
        indexed = db.scalar(text("SELECT count(*) FROM directory_search"))
    return int(structures or 0), int(services or 0), int(indexed or 0)


def test_a_file_with_refused_rows_imports_nothing_and_lists_each_refusal(
    api: TestClient,
) -> None:
    coffre = _coffre(api)
    document = territory()
    document["structures"][1]["nom"] = "AB"  # under the schema's 3 characters
    document["services"][0]["thematiques"] = ["logement-hebergement--n-existe-pas"]
    document["services"][1]["description"] = "Accès au logement\x00 social"
    del document["services"][2]["description"]
    document["services"].append(
        service("orphelin", "inconnue", "Service sans structure", "Une structure absente.")
    )
    with pytest.raises(RowsRejected) as refused:
        coffre.directory.import_file(None, as_bytes(document))
    rows = {(r.table, r.row, r.field) for r in refused.value.rows}
    assert ("structures", 2, "nom") in rows
    assert ("services", 1, "thematiques.0") in rows
    assert ("services", 2, "description") in rows
    assert ("services", 3, "description") in rows
    messages = {(r.table, r.row): r.message for r in refused.value.rows}
    assert messages[("services", 3)] == "Ce champ est obligatoire."
    assert "contrôle" in messages[("services", 2)]
    assert _counts(coffre) == (0, 0, 0)
    # The valid rows alone still name a structure that is nowhere: refused too.
    del document["structures"][1]
    document["services"] = [document["services"][4], document["services"][5]]
    with pytest.raises(RowsRejected) as refused:
        coffre.directory.import_file(None, as_bytes(document))
    assert [(r.table, r.row, r.field) for r in refused.value.rows] == [
        ("services", 1, "structure_id"),
        ("services", 2, "structure_id"),
    ]
    assert _counts(coffre) == (0, 0, 0)


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        b'{"structures": {}, "services": []}',
        b'{"structures": [], "services": [], "other": []}',
        json.dumps({"structures": [1], "services": []}).encode(),
    ],
    ids=["text", "not-utf8", "list", "not-a-list", "unknown-key", "row-not-object"],
)
def test_a_malformed_file_is_refused_and_nothing_changes(api: TestClient, raw: bytes) -> None:
    coffre = _coffre(api)
    coffre.directory.import_file(None, as_bytes(territory()))
    before = _counts(coffre)
    with pytest.raises((MalformedFile, RowsRejected)) as refused:
        coffre.directory.import_file(None, raw)
    if raw.startswith(b'{"structures": [1]'):
        assert refused.value.code == "directory_rows_rejected"
    else:
        assert refused.value.code == "directory_file_malformed"
    assert _counts(coffre) == before


def test_importing_the_same_file_again_changes_nothing(api: TestClient) -> None:
    coffre = _coffre(api)
    first = coffre.directory.import_file(None, as_bytes(territory()))
    assert (first.structures_created, first.services_created) == (4, 5)
    again = coffre.directory.import_file(None, as_bytes(territory()))
    assert (again.structures_created, again.services_created) == (0, 0)
    assert (again.structures_updated, again.services_updated, again.unchanged) == (0, 0, 9)
    assert _counts(coffre) == (4, 5, 5)


def test_a_newer_file_updates_the_same_rows_and_the_index(api: TestClient) -> None:
    coffre = _coffre(api)
    coffre.directory.import_file(None, as_bytes(territory()))
    newer = territory()
    newer["services"][2]["nom"] = "Épicerie sociale"
    newer["services"][2]["description"] = "Produits frais à petits prix pour les étudiants."
    newer["services"][2]["date_maj"] = "2026-03-01"
    report = coffre.directory.import_file(None, as_bytes(newer))
    assert (report.services_created, report.services_updated) == (0, 1)
    assert _counts(coffre) == (4, 5, 5)
    found = coffre.directory.search(None, SearchQuery(need="epicerie sociale"))
    assert [f.service.nom for f in found] == ["Épicerie sociale"]
    assert str(found[0].service.verified_on) == "2026-03-01"
    assert coffre.directory.search(None, SearchQuery(need="colis")) == []


def test_the_export_is_valid_for_the_schema_and_imports_back_unchanged(api: TestClient) -> None:
    coffre = _coffre(api)
    original = territory()
    coffre.directory.import_file(None, as_bytes(original))
    exported = coffre.directory.export(None)
    structures = [di.Structure.model_validate(r) for r in exported["structures"]]
    services = [di.Service.model_validate(r) for r in exported["services"]]
    assert sorted(s.id for s in structures) == sorted(r["id"] for r in original["structures"])
    assert sorted(s.id for s in services) == sorted(r["id"] for r in original["services"])
    by_id = {s.id: s for s in services}
    shelter = by_id[f"{SOURCE}--115"]
    assert shelter.nom == "Hébergement d'urgence"
    assert shelter.zone_eligibilite == ["63"]
    assert {p.value for p in shelter.publics or ()} == {"tous-publics"}
    report = coffre.directory.import_file(None, as_bytes(copy.deepcopy(exported)))
    assert (report.structures_created, report.services_created) == (0, 0)
    assert (report.structures_updated, report.services_updated) == (0, 0)
    assert coffre.directory.export(None) == exported


def test_twenty_parallel_imports_of_one_file_give_the_rows_of_one_import(
    api: TestClient,
) -> None:
    coffre = _coffre(api)
    raw = as_bytes(territory())
    reports = burst(20, lambda _i: coffre.directory.import_file(None, raw))
    assert sum(r.structures_created for r in reports) == 4
    assert sum(r.services_created for r in reports) == 5
    assert sum(r.services_updated + r.structures_updated for r in reports) == 0
    assert _counts(coffre) == (4, 5, 5)
    found = coffre.directory.search(None, SearchQuery(need="hebergement"))
    assert [f.service.nom for f in found][0] == "Hébergement d'urgence"
