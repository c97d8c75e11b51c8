"""Consent limits hold under parallel requests (issue 14, item 1).

Real threads send real HTTP requests to a live server on both backends, all released
at once by a barrier: a grant's pull limit and a professional's daily request limit
must let exactly the allowed number through, every round, and the losers get the
domain's refusal (never a 500 or ``database_unavailable``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.consent.models import AccessRequest, Grant, Pull
from coffre.notifications.models import Notification
from tests.concurrency import burst
from tests.consent.world import RSA, ConsentWorld, build_consent_world

ROUNDS = 20
PARALLEL = 20


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _pull(http: httpx.Client, cw: ConsentWorld, grant_id: str) -> tuple[int, str]:
    response = http.post(
        f"/api/v1/grants/{grant_id}/documents/{cw.identity}/pull",
        json={"reason": None},
        headers=cw.professional.headers,
    )
    code = "" if response.status_code == 200 else response.json()["error"]["code"]
    return response.status_code, code


def _counted(cw: ConsentWorld, grant_id: str) -> tuple[int, int, int]:
    """(the grant's counter, pulls recorded, refused pulls in the audit trail)."""
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        grant = db.get(Grant, grant_id)
        assert grant is not None
        recorded = db.scalar(select(func.count()).where(Pull.grant_id == grant_id))
        refused = db.scalar(
            select(func.count()).where(
                AuditEntry.action == "grant.pull",
                AuditEntry.outcome == "refused",
                AuditEntry.body.contains(grant_id),
            )
        )
        return grant.pulls, int(recorded or 0), int(refused or 0)


def _rounds(
    cw: ConsentWorld, http: httpx.Client, *, max_pulls: int, parallel: int
) -> Iterator[tuple[Counter[tuple[int, str]], tuple[int, int, int]]]:
    for _ in range(ROUNDS):
        grant_id = str(cw.share(max_pulls=max_pulls)["id"])

        def pull(_i: int, grant_id: str = grant_id) -> tuple[int, str]:
            return _pull(http, cw, grant_id)

        yield Counter(burst(parallel, pull)), _counted(cw, grant_id)


def test_twenty_parallel_pulls_of_a_three_pull_grant_serve_exactly_three(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    for outcomes, counted in _rounds(cw, http, max_pulls=3, parallel=PARALLEL):
        assert outcomes == {(200, ""): 3, (403, "grant_not_active"): PARALLEL - 3}
        # The counter reads the limit (the grant is closed), one Pull row per copy
        # served, and each refused attempt is in the trail as the gate records it.
        assert counted == (3, 3, PARALLEL - 3)


def test_two_parallel_pulls_of_a_one_pull_grant_serve_exactly_one(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    for outcomes, counted in _rounds(cw, http, max_pulls=1, parallel=2):
        assert outcomes == {(200, ""): 1, (403, "grant_not_active"): 1}
        assert counted == (1, 1, 1)


def test_twenty_parallel_requests_to_one_person_respect_the_daily_limit(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    per_day = cw.api.app.state.coffre.settings.requests_per_person_per_day  # type: ignore[attr-defined]
    for login in ("amina", "personne-inconnue"):

        def ask(_i: int, login: str = login) -> tuple[int, str]:
            response = http.post(
                "/api/v1/requests",
                json={
                    "person_login": login,
                    "structure_id": cw.world.structure_id,
                    "purpose": RSA,
                    "category": "domicile",
                    "message": None,
                    "due_on": None,
                },
                headers=cw.professional.headers,
            )
            code = "" if response.status_code == 202 else response.json()["error"]["code"]
            return response.status_code, code

        outcomes = Counter(burst(PARALLEL, ask))
        assert outcomes == {(202, ""): per_day, (429, "too_many_requests"): PARALLEL - per_day}
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(AccessRequest)) == 2 * per_day


def _entries(cw: ConsentWorld, action: str, object_id: str) -> int:
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        query = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == action, AuditEntry.object_id == object_id
        )
        return int(db.scalar(query) or 0)


def _told(cw: ConsentWorld, account_id: str, kind: str) -> int:
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        query = select(func.count(Notification.id)).where(
            Notification.account_id == account_id, Notification.kind == kind
        )
        return int(db.scalar(query) or 0)


def test_twenty_parallel_declines_of_one_request_answer_it_once(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    per_day = cw.api.app.state.coffre.settings.requests_per_person_per_day  # type: ignore[attr-defined]
    for _ in range(per_day):
        request_id = str(
            http.post(
                "/api/v1/requests",
                json={
                    "person_login": cw.person.login,
                    "structure_id": cw.world.structure_id,
                    "purpose": RSA,
                    "category": "domicile",
                    "message": None,
                    "due_on": None,
                },
                headers=cw.professional.headers,
            ).json()["id"]
        )

        def decline(_i: int, request_id: str = request_id) -> tuple[int, str]:
            response = http.post(
                f"/api/v1/requests/{request_id}/decline",
                json={"word": "Je l'apporte lundi"},
                headers=cw.person.headers,
            )
            code = "" if response.status_code == 200 else response.json()["error"]["code"]
            return response.status_code, code

        outcomes = Counter(burst(PARALLEL, decline))
        assert outcomes == {(200, ""): 1, (404, "request_not_found"): PARALLEL - 1}
        assert _entries(cw, "request.decline", request_id) == 1
    assert _told(cw, cw.professional.account_id, "request.declined") == per_day


def test_twenty_parallel_revocations_record_and_tell_once(
    cw: ConsentWorld, http: httpx.Client
) -> None:
    for _ in range(5):
        grant_id = str(cw.share()["id"])

        def revoke(_i: int, grant_id: str = grant_id) -> tuple[int, str]:
            response = http.post(f"/api/v1/grants/{grant_id}/revoke", headers=cw.person.headers)
            return response.status_code, response.json()["state"]

        assert Counter(burst(PARALLEL, revoke)) == {(200, "revoked"): PARALLEL}
        assert _entries(cw, "grant.revoke", grant_id) == 1
    assert _told(cw, cw.professional.account_id, "grant.revoked") == 5
