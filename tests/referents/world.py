"""A territory for the référent de parcours: the consent world (a CCAS adhering to the
charter, its admin, Mme Dupont, a person with documents) plus two more certified
professionals of the CCAS: Mme Martin (the successor of the hand-over tests) and
M. Leroy (another professional the person shares with)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from client import CoffreClient, consent
from coffre.container import Coffre
from tests.consent.world import RSA, ConsentWorld, build_consent_world
from tests.factories import encrypted_document
from tests.structures.world import Who, certify_member, invite, join, material, pinned_root

API = "/api/v1"


@dataclass
class ReferentWorld:
    cw: ConsentWorld
    successor: Who
    other: Who

    @property
    def api(self) -> TestClient:
        return self.cw.api

    @property
    def person(self) -> Who:
        return self.cw.world.person

    @property
    def referent(self) -> Who:
        return self.cw.world.professional

    @property
    def admin(self) -> Who:
        return self.cw.world.structure_admin

    @property
    def structure_id(self) -> str:
        return self.cw.world.structure_id

    @property
    def coffre(self) -> Coffre:
        return self.api.app.state.coffre  # type: ignore[attr-defined,no-any-return]

    def client(self, who: Who) -> CoffreClient:
        return who.client(self.api)

    def designate(self, who: Who | None = None, **extra: Any) -> Any:
        who = who or self.referent
        body = {"professional_id": who.account_id, "structure_id": self.structure_id, **extra}
        return self.api.post(f"{API}/referent", json=body, headers=self.person.headers)

    def share_with(
        self,
        who: Who,
        documents: list[str] | None = None,
        *,
        days: int = 30,
        purpose: str = RSA,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        return consent.share(
            self.person.client(self.api),
            self.person.keys,
            person_id=self.person.account_id,
            professional_id=who.account_id,
            pinned_root=pinned_root(self.cw.world.admin),
            purpose=purpose,
            document_ids=documents or [self.cw.identity],
            days=days,
            now=now,
        )

    def upload_expiring(self, category: str, expires_on: date) -> str:
        document = encrypted_document(self.person, b"titre de sejour", category=category)  # type: ignore[arg-type]
        response = self.api.post(
            f"{API}/documents",
            content=document.ciphertext,
            headers={
                **self.person.headers,
                **document.headers,
                "Coffre-Expires-On": expires_on.isoformat(),
            },
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def ask(self, by: Who, category: str = "domicile", message: str = "Merci") -> str:
        response = self.api.post(
            f"{API}/requests",
            json={
                "person_login": self.person.login,
                "structure_id": self.structure_id,
                "purpose": RSA,
                "category": category,
                "message": message,
            },
            headers=by.headers,
        )
        assert response.status_code in (200, 201, 202), response.text
        return str(response.json()["id"])

    def links(self) -> list[dict[str, Any]]:
        """Every referent_links row, for the 'nothing changed' checks."""
        with self.coffre.db.unit_of_work() as db:
            found = db.execute(text("SELECT * FROM referent_links ORDER BY created_at, id"))
            return [dict(row._mapping) for row in found]

    def handovers(self) -> list[dict[str, Any]]:
        with self.coffre.db.unit_of_work() as db:
            found = db.execute(text("SELECT * FROM referent_handovers ORDER BY created_at, id"))
            return [dict(row._mapping) for row in found]

    def active(self) -> list[dict[str, Any]]:
        return [row for row in self.links() if row["status"] == "active"]

    def audit(self, prefix: str = "referent.") -> list[str]:
        with self.coffre.db.unit_of_work() as db:
            found = db.execute(text("SELECT action FROM audit_entries ORDER BY seq"))
            return [row[0] for row in found if row[0].startswith(prefix)]

    def notifications(self, who: Who) -> list[str]:
        response = self.api.get(f"{API}/notifications", headers=who.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items = body["notifications"] if isinstance(body, dict) else body
        return [n["kind"] for n in items]


def add_professional(cw: ConsentWorld, slot: int, login: str, name: str) -> Who:
    world = cw.world
    who = join(
        cw.api,
        invite(cw.api, world.structure_admin, world.structure_id, "professional", name),
        material(slot, login),
    )
    certify_member(cw.api, world.structure_admin, world.structure_id, who.account_id)
    return who


def build_referent_world(api: TestClient, tmp_path: Path) -> ReferentWorld:
    cw = build_consent_world(api, tmp_path)
    successor = add_professional(cw, 15, "martin", "Mme Martin")
    other = add_professional(cw, 16, "leroy", "M. Leroy")
    return ReferentWorld(cw, successor, other)
