"""A territory ready for relays: the consent world (a CCAS, its professional Mme Dupont
whom the person already shares with, a charter officer, the person's documents), plus a
CAF with its admin and two certified professionals, the CAF's service in the directory
(imported through the data·inclusion path), and a charter whose ``[relais]`` block lets
a CCAS orient to a CAF for the RSA."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from client import relays as relay_client
from coffre.directory.models import DirectoryService
from crypto import b64encode
from crypto.relay_note import new_note_key, seal_note, seal_note_key
from tests.consent.world import (
    RSA,
    ConsentWorld,
    build_consent_world,
    consent_charter,
    publish,
)
from tests.directory.factories import service, structure
from tests.structures.world import (
    TERRITORY,
    Who,
    certify_member,
    invite,
    join,
    material,
    pinned_root,
)

CAF_SIRET = "33333333300032"
RELAIS = """
[relais]
finalites = ["{rsa}"]
rappel_apres_jours = 10
expire_apres_jours = 30

[[relais.orientations]]
de = ["ccas"]
vers = ["caf"]
"""


def relay_charter(
    ccas_id: str,
    caf_id: str,
    *,
    version: int = 2,
    relais: str | None = None,
    caf_adheres: bool = True,
) -> str:
    """The consent world's charter (RSA: identity and address; MDPH: identity and
    health), the CAF adhering too, and the ``[relais]`` block (or another one)."""
    block = RELAIS.format(rsa=RSA) if relais is None else relais
    caf = (
        f'''
[[structures]]
identifiant = "{caf_id}"
nom = "CAF du Puy-de-Dôme"
adhesion = 2026-01-01
'''
        if caf_adheres
        else ""
    )
    return consent_charter(
        ccas_id, version=version, title="Charte de test avec relais", extra=f"{caf}\n{block}"
    )


@dataclass
class RelayWorld:
    cw: ConsentWorld
    caf_id: str
    caf_admin: Who
    agent: Who  # a certified professional of the CAF
    other_agent: Who  # another one
    service_id: str  # the CAF's RSA service in the directory
    outside_service_id: str  # a service of a structure not on Coffre

    @property
    def api(self) -> TestClient:
        return self.cw.api

    @property
    def person(self) -> Who:
        return self.cw.person  # type: ignore[no-any-return]

    @property
    def orienting(self) -> Who:
        return self.cw.professional  # type: ignore[no-any-return]

    @property
    def root(self) -> str:
        return pinned_root(self.cw.world.admin)

    def propose(
        self, *, text: str = "Besoin : ouverture des droits RSA.", **kw: Any
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "person_id": self.person.account_id,
            "service_id": self.service_id,
            "purpose": RSA,
            "categories": ["identite", "domicile"],
        }
        fields.update(kw)
        return relay_client.propose(
            self.orienting.client(self.api),
            self.orienting.keys,
            author_id=self.orienting.account_id,
            text=text,
            **fields,
        )

    def agreed(self, **kw: Any) -> dict[str, Any]:
        relay = self.propose(**kw)
        return relay_client.agree(
            self.person.client(self.api), relay["id"], [self.cw.identity, self.cw.address]
        )

    def taken(self, **kw: Any) -> dict[str, Any]:
        relay = self.agreed(**kw)
        return relay_client.take(self.agent.client(self.api), relay["id"])


def _import_directory(api: TestClient, admin: Who) -> dict[str, str]:
    data = {
        "structures": [
            structure("caf", "CAF du Puy-de-Dôme", siret=CAF_SIRET),
            structure("asso", "Association hors Coffre"),
        ],
        "services": [
            service(
                "rsa",
                "caf",
                "Ouverture des droits RSA",
                "Instruction des demandes de revenu de solidarité active.",
                thematiques=[
                    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
                ],
                publics=["tous-publics"],
                zone_eligibilite=["63"],
            ),
            service(
                "aide",
                "asso",
                "Aide alimentaire",
                "Colis alimentaires pour les familles.",
                thematiques=["equipement-et-alimentation--alimentation"],
                publics=["tous-publics"],
                zone_eligibilite=["63"],
            ),
        ],
    }
    response = api.post(
        "/api/v1/directory/imports",
        content=json.dumps(data).encode(),
        headers={**admin.headers, "Content-Type": "application/json"},
    )
    assert response.status_code in (200, 201), response.text
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        rows = db.execute(select(DirectoryService.source_id, DirectoryService.id)).all()
    return {str(source_id).split("--")[-1]: str(id_) for source_id, id_ in rows}


def build_relay_world(
    api: TestClient, tmp_path: Path, *, relais: str | None = None, caf_adheres: bool = True
) -> RelayWorld:
    cw = build_consent_world(api, tmp_path)
    admin = cw.world.admin
    response = api.post(
        "/api/v1/structures",
        json={
            "name": "CAF du Puy-de-Dôme",
            "kind": "caf",
            "address": "29 rue Pélissier, 63000 Clermont-Ferrand",
            "territory": TERRITORY,
            "siret": CAF_SIRET,
        },
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    caf_id = str(response.json()["id"])
    caf_admin = join(
        api, invite(api, admin, caf_id, "structure_admin", "M. Roche"), material(15, "roche")
    )
    certify_member(api, admin, caf_id, caf_admin.account_id)
    agents = []
    for slot, login, name in ((16, "agent-caf", "Mme Lefèvre"), (17, "agent-caf-2", "M. Girard")):
        agent = join(
            api, invite(api, caf_admin, caf_id, "professional", name), material(slot, login)
        )
        certify_member(api, caf_admin, caf_id, agent.account_id)
        agents.append(agent)
    charter = relay_charter(cw.world.structure_id, caf_id, relais=relais, caf_adheres=caf_adheres)
    publish(api, cw.world, charter)
    ids = _import_directory(api, admin)
    # The person already shares with Mme Dupont (the orienting professional): linked.
    cw.share()
    return RelayWorld(
        cw,
        caf_id,
        caf_admin,
        agents[0],
        agents[1],
        ids["rsa"],
        ids["aide"],
    )


def now_of(api: TestClient) -> datetime:
    return api.app.state.coffre.clock.now()  # type: ignore[attr-defined,no-any-return]


def relay_body(rw: RelayWorld, *, text: str = "Besoin : RSA.", **changes: Any) -> dict[str, Any]:
    """A POST /relays body written by hand (SPEC §29), for the refusal tests."""
    rid = changes.pop("id", None) or relay_client.new_relay_id()
    key = new_note_key()
    envelope = seal_note(
        text,
        relay_id=rid,
        which="note",
        author_id=rw.orienting.account_id,
        author_sign_seed=rw.orienting.keys.sign_seed,
        note_key=key,
    )
    body: dict[str, Any] = {
        "id": rid,
        "person_id": rw.person.account_id,
        "service_id": rw.service_id,
        "purpose": RSA,
        "categories": ["identite", "domicile"],
        "note": b64encode(envelope),
        "note_keys": [
            {
                "recipient_id": rw.orienting.account_id,
                "sealed_key": b64encode(seal_note_key(key, rw.orienting.keys.box_public)),
            },
            {
                "recipient_id": rw.person.account_id,
                "sealed_key": b64encode(seal_note_key(key, rw.person.keys.box_public)),
            },
        ],
    }
    body.update(changes)
    return body
