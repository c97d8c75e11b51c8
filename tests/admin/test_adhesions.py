"""Who adheres since when (``GET /territory/adhesions``) and ending an adhesion as the
next charter version (``POST /charters/drafts/end-adhesion``): the file keeps its
layout and comments, only ``version``, ``en_vigueur_le`` and ``fin`` change; the draft
publishes nothing; a file the edit cannot follow is refused; every step is audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from coffre.audit.models import AuditEntry
from coffre.consent.service import TERRITORY_ZONE
from tests.accounts.factories import coffre_of
from tests.structures.world import World, admit, build_world

TOML = {"Content-Type": "text/plain; charset=utf-8"}


def charter(structure_id: str, other_id: str, *, version: int = 1) -> str:
    return f"""# Charte de test — le fichier que garde l'administrateur·rice.
version = {version}   # à augmenter à chaque publication
territoire = "63"
titre = "Charte de test"
en_vigueur_le = 2026-01-01

[[finalites]]
code = "ouverture-droits-rsa"
libelle = "Ouverture de droits au RSA"
description = "Instruire une demande de RSA."
categories = ["identite"]
professions = ["assistant-service-social"]
duree_max_jours = 30
motif_obligatoire = false

# Le CCAS, signataire depuis le début.
[[structures]]
identifiant = "{structure_id}"
nom = "CCAS de Clermont-Ferrand"
adhesion = 2026-01-01

[[structures]]
identifiant = "{other_id}"
nom = "CAF du Puy-de-Dôme"
adhesion = 2026-01-01
"""


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def today(api: TestClient) -> date:
    return coffre_of(api).clock.now().astimezone(TERRITORY_ZONE).date()


def publish(api: TestClient, world: World, text: str) -> None:
    response = api.post(
        "/api/v1/charters", content=text.encode(), headers={**world.admin.headers, **TOML}
    )
    assert response.status_code == 201, response.text


def draft(api: TestClient, world: World, structure_id: str, until: str | None = None) -> Any:
    body: dict[str, str] = {"structure_id": structure_id}
    if until is not None:
        body["until"] = until
    return api.post("/api/v1/charters/drafts/end-adhesion", json=body, headers=world.admin.headers)


def test_adhesions_list_admitted_structures_with_their_dates(api: TestClient, world: World) -> None:
    empty = api.get("/api/v1/territory/adhesions", headers=world.admin.headers).json()
    assert empty["in_force_version"] is None
    assert [line["adheres"] for line in empty["adhesions"]] == [False]
    other = admit(api, world.admin, "Mission locale")
    publish(api, world, charter(world.structure_id, "cd" * 16))
    view = api.get("/api/v1/territory/adhesions", headers=world.admin.headers).json()
    assert (view["in_force_version"], view["in_force_since"]) == (1, "2026-01-01")
    lines = {line["name"]: line for line in view["adhesions"]}
    assert lines["CCAS de Clermont-Ferrand"]["since"] == "2026-01-01"
    assert lines["CCAS de Clermont-Ferrand"]["adheres"] is True
    assert lines["CCAS de Clermont-Ferrand"]["structure"]["id"] == world.structure_id
    # Admitted but not in the charter; in the charter but not admitted (another id).
    assert lines["Mission locale"]["structure"]["id"] == other
    assert lines["Mission locale"]["since"] is None
    unadmitted = [line for line in view["adhesions"] if line["structure"] is None]
    assert [(line["name"], line["adheres"]) for line in unadmitted] == [
        ("CAF du Puy-de-Dôme", True)
    ]


def test_ending_an_adhesion_is_a_previewed_version_that_keeps_the_file(
    api: TestClient, world: World
) -> None:
    other = admit(api, world.admin, "CAF du Puy-de-Dôme")
    original = charter(world.structure_id, other)
    publish(api, world, original)
    day = today(api)
    answer = draft(api, world, other)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["version"], body["compared_with"]) == (2, 1)
    assert body["effective_on"] == day.isoformat()
    # Nothing published by the draft.
    assert api.get("/api/v1/charters/current").json()["version"] == 1
    source = body["source"]
    # Three lines changed, comments and layout kept.
    before, after = original.splitlines(), source.splitlines()
    assert len(after) == len(before) + 1
    assert "version = 2   # à augmenter à chaque publication" in after
    assert f"en_vigueur_le = {day.isoformat()}" in after
    assert "# Le CCAS, signataire depuis le début." in after
    ended_block = source.split(f'identifiant = "{other}"')[1]
    assert f"fin = {day.isoformat()}" in ended_block
    assert "fin =" not in source.split(f'identifiant = "{other}"')[0]
    # Its preview says it; published with its hash, the structure no longer adheres.
    preview = api.post(
        "/api/v1/charters/preview", content=source.encode(), headers={**world.admin.headers, **TOML}
    ).json()
    assert preview["valid"] and preview["sha256"] == body["sha256"]
    assert preview["differences"]["structures"] == [
        {
            "key": other,
            "name": "CAF du Puy-de-Dôme",
            "change": "ended",
            "since": None,
            "until": {"old": None, "new": day.isoformat()},
        }
    ]
    assert preview["differences"]["purposes"] == []
    published = api.post(
        "/api/v1/charters",
        content=source.encode(),
        headers={
            **world.admin.headers,
            **TOML,
            "X-Coffre-Charter-Sha256": body["sha256"],
            "X-Coffre-Charter-Base": "1",
        },
    )
    assert published.status_code == 201, published.text
    view = api.get("/api/v1/territory/adhesions", headers=world.admin.headers).json()
    lines = {line["name"]: line for line in view["adhesions"]}
    assert lines["CAF du Puy-de-Dôme"]["adheres"] is False
    assert lines["CAF du Puy-de-Dôme"]["until"] == day.isoformat()
    assert lines["CCAS de Clermont-Ferrand"]["adheres"] is True
    # Audited: the draft, the previews, the publication, by the territory admin.
    with coffre_of(api).db.unit_of_work() as db:
        actions = [
            (e.action, e.actor_role)
            for e in db.scalars(select(AuditEntry).where(AuditEntry.action.like("charter.%")))
        ]
    assert ("charter.draft_end_adhesion", "territory_admin") in actions
    assert ("charter.preview", "territory_admin") in actions
    assert actions.count(("charter.publish", "territory_admin")) == 2


def test_bad_ends_are_refused_and_change_nothing(api: TestClient, world: World) -> None:
    other = admit(api, world.admin, "CAF du Puy-de-Dôme")
    # No charter yet: nothing to end.
    assert draft(api, world, other).json()["error"]["code"] == "adhesion_not_found"
    publish(api, world, charter(world.structure_id, "ef" * 16))
    day = today(api)
    # A structure the charter does not list; an unknown id; a past date.
    assert draft(api, world, other).json()["error"]["code"] == "adhesion_not_found"
    assert draft(api, world, "0" * 32).json()["error"]["code"] == "structure_not_found"
    past = (day - timedelta(days=1)).isoformat()
    refused = draft(api, world, world.structure_id, past)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_adhesion_end")
    later = draft(api, world, world.structure_id, (day + timedelta(days=10)).isoformat())
    assert later.status_code == 200
    assert api.get("/api/v1/charters/current").json()["version"] == 1


def test_a_file_the_edit_cannot_follow_is_refused(api: TestClient, world: World) -> None:
    inline = f"""version = 1
territoire = "63"
titre = "Charte de test"
en_vigueur_le = 2026-01-01
structures = [{{ identifiant = "{world.structure_id}", nom = "CCAS", adhesion = 2026-01-01 }}]

[[finalites]]
code = "ouverture-droits-rsa"
libelle = "RSA"
description = "RSA."
categories = ["identite"]
professions = ["assistant-service-social"]
duree_max_jours = 30
motif_obligatoire = false
"""
    publish(api, world, inline)
    refused = draft(api, world, world.structure_id)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "charter_not_editable")
    assert api.get("/api/v1/charters/current").json()["version"] == 1
