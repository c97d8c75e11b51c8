"""Helpers of the reset tests: a territory with a charter, a person who shares with a
professional (the link a reset code needs), codes issued and used through the API."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from client import consent
from tests.accounts.credential_helpers import Owner, coffre_of, make_owner, rows, upload_files
from tests.consent.world import RSA, ConsentWorld, build_consent_world
from tests.factories import PASSPHRASE
from tests.kdf_factories import person_material_v2
from tests.structures.world import pinned_root

RESET_CODES = "/api/v1/reset-codes"


@dataclass
class Linked:
    """A consent world, and a person (with passphrase and kit) who owns documents."""

    cw: ConsentWorld
    owner: Owner
    documents: dict[str, bytes]

    @property
    def api(self) -> TestClient:
        return self.cw.api

    def share(self, *, days: int = 30, max_pulls: int | None = None) -> dict[str, Any]:
        """The owner shares one document with the world's professional (Mme Dupont)."""
        return consent.share(
            self.owner.client,
            self.owner.session.keys,
            person_id=self.owner.session.account_id,
            professional_id=self.cw.professional.account_id,
            pinned_root=pinned_root(self.cw.world.admin),
            purpose=RSA,
            document_ids=[next(iter(self.documents))],
            days=days,
            max_pulls=max_pulls,
            now=coffre_of(self.api).clock.now(),
        )

    def issue(self, headers: dict[str, str], login: str | None = None) -> Any:
        return self.api.post(
            RESET_CODES, json={"login": login or self.owner.login}, headers=headers
        )

    def issue_as_professional(self) -> str:
        response = self.issue(self.cw.professional.headers)
        assert response.status_code == 201, response.text
        return str(response.json()["code"])

    def use(self, code: str, slot: int = 3) -> Any:
        return self.api.post("/api/v1/auth/reset", json=reset_body(self.owner.login, code, slot))


def linked_world(api: TestClient, tmp_path: Path, *, share: bool = True) -> Linked:
    (tmp_path / "world").mkdir(parents=True, exist_ok=True)
    cw = build_consent_world(api, tmp_path / "world")
    owner = make_owner(api)
    documents = upload_files(owner, tmp_path / "owner")
    linked = Linked(cw, owner, documents)
    if share:
        linked.share()
    return linked


def reset_body(login: str, code: str, slot: int = 3) -> dict[str, Any]:
    """The bundle of a new account (as at sign-up, KDF v2) and the reset code."""
    # The passphrase of tests.factories' slot, so person_material(slot).passphrase opens it.
    body = copy.deepcopy(person_material_v2(login, f"{PASSPHRASE} {slot}").signup_body)
    body["reset_code"] = code
    return body


def audit_actions(settings: Any, prefix: str = "account.reset") -> list[tuple[str, str]]:
    """(action, outcome) of the trail's reset entries, in order."""
    found = [r for r in rows(settings, "audit_entries") if str(r["action"]).startswith(prefix)]
    found.sort(key=lambda r: int(r["seq"]))
    return [(str(r["action"]), str(r["outcome"])) for r in found]
