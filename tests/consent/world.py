"""A territory ready for consent: the world of tests/structures/world.py, a charter in
force with two purposes that the structure adheres to, and a person with documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient

from client import consent
from tests.structures.world import TERRITORY, World, build_world, go_v2, pinned_root

TOML = {"Content-Type": "text/plain; charset=utf-8"}
RSA = "ouverture-droits-rsa"
MDPH = "dossier-mdph"


def consent_charter(
    structure_id: str,
    *,
    version: int = 1,
    rsa_days: int = 30,
    extra: str = "",
    title: str = "Charte de test",
) -> str:
    """Two purposes: RSA (identity, address; 30 days; no reason) and MDPH (identity,
    health; 60 days; a reason at each pull). The structure adheres from 2026-01-01."""
    return f'''
version = {version}
territoire = "63"
titre = "{title}"
en_vigueur_le = 2026-01-01

[[finalites]]
code = "{RSA}"
libelle = "Ouverture de droits au RSA"
description = "Instruire une demande de RSA."
categories = ["identite", "domicile"]
professions = ["assistant-service-social"]
duree_max_jours = {rsa_days}
motif_obligatoire = false

[[finalites]]
code = "{MDPH}"
libelle = "Dossier MDPH"
description = "Constituer un dossier MDPH."
categories = ["identite", "sante"]
professions = ["assistant-service-social"]
duree_max_jours = 60
motif_obligatoire = true

[[structures]]
identifiant = "{structure_id}"
nom = "CCAS de Clermont-Ferrand"
adhesion = 2026-01-01
{extra}
'''


def publish(api: TestClient, world: World, text: str) -> None:
    response = api.post(
        "/api/v1/charters", content=text.encode(), headers={**world.admin.headers, **TOML}
    )
    assert response.status_code == 201, response.text


@dataclass
class ConsentWorld:
    api: TestClient
    world: World
    identity: str  # the person's document ids, by category
    address: str
    health: str

    @property
    def person(self):  # type: ignore[no-untyped-def]
        return self.world.person

    @property
    def professional(self):  # type: ignore[no-untyped-def]
        return self.world.professional

    def share(
        self,
        documents: list[str] | None = None,
        *,
        purpose: str = RSA,
        days: int = 30,
        max_pulls: int | None = None,
        request: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, object]:
        return consent.share(
            self.person.client(self.api),
            self.person.keys,
            person_id=self.person.account_id,
            professional_id=self.professional.account_id,
            pinned_root=pinned_root(self.world.admin),
            purpose=purpose,
            document_ids=documents or [self.identity],
            days=days,
            max_pulls=max_pulls,
            request=request,
            now=now,
        )

    def pull(self, grant_id: str, document_id: str, reason: str | None = None):  # type: ignore[no-untyped-def]
        return self.api.post(
            f"/api/v1/grants/{grant_id}/documents/{document_id}/pull",
            json={"reason": reason},
            headers=self.professional.headers,
        )


def build_consent_world(api: TestClient, tmp_path: Path) -> ConsentWorld:
    world = build_world(api)
    publish(api, world, consent_charter(world.structure_id))
    client = world.person.client(api)
    ids = {}
    for category, text in (
        ("identite", b"carte d'identite"),
        ("domicile", b"facture EDF"),
        ("sante", b"certificat medical"),
    ):
        path = tmp_path / f"{category}.txt"
        path.write_bytes(text * 100)
        ids[category] = client.upload(
            path, category, box_public_key=world.person.keys.box_public, mime="text/plain"
        )
    return ConsentWorld(api, world, ids["identite"], ids["domicile"], ids["sante"])


def build_v2_consent_world(api: TestClient, tmp_path: Path, now: datetime) -> ConsentWorld:
    """The consent world on a v2 trust root: the root published, then v2 certificates
    for the structure admin and the professional and a signed revocation list."""
    from client.network import publish_root_v2

    world = build_consent_world(api, tmp_path)
    publish_root_v2(world.world.admin.client(api), world.world.admin.keys, TERRITORY, now)
    go_v2(api, world.world, now)
    return world
