"""One journey through the API that every metric and log test of this package drives:
a territory, a structure and a person with three documents (tests/consent/world.py),
a grant, a pull, a pull by someone the grant is not for, the grant revoked and pulled
again, and a login guessed until the limits refuse it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from crypto import b64encode
from tests.consent.world import ConsentWorld, build_consent_world

PULL_ROUTE = "/api/v1/grants/{grant_id}/documents/{document_id}/pull"


@dataclass
class Journey:
    world: ConsentWorld
    grant_id: str
    statuses: dict[str, int]


def walk(api: TestClient, tmp_path: Path) -> Journey:
    cw = build_consent_world(api, tmp_path)
    grant_id = str(cw.share()["id"])
    statuses = {"pull": cw.pull(grant_id, cw.identity).status_code}
    # The person is not the grant's professional: "not found" to them.
    statuses["stranger_pull"] = api.post(
        f"/api/v1/grants/{grant_id}/documents/{cw.identity}/pull",
        json={"reason": None},
        headers=cw.person.headers,
    ).status_code
    statuses["revoke"] = api.post(
        f"/api/v1/grants/{grant_id}/revoke", headers=cw.person.headers
    ).status_code
    statuses["refused_pull"] = cw.pull(grant_id, cw.identity).status_code
    wrong = b64encode(bytes(32))
    guesses = [
        api.post("/api/v1/auth/login", json={"login": cw.person.login, "auth_key": wrong})
        for _ in range(5)
    ]
    statuses["last_guess"] = guesses[-1].status_code
    return Journey(cw, grant_id, statuses)
