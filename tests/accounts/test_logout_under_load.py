"""A session is logged out once, even by parallel requests (issue 14, item 1's class).

Real threads send 20 log-outs of one session to a live server on both backends, all
released at once: the session ends and ``account.logout`` is recorded once; each
other request answers either as a later call does (``not_authenticated``) or, if it
was let in before the first one committed, with nothing left to do (204).
"""

from __future__ import annotations

from collections import Counter

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account
from coffre.audit.models import AuditEntry
from crypto import b64encode
from tests.accounts.factories import coffre_of
from tests.concurrency import answer, burst
from tests.factories import make_person

PARALLEL = 20
ROUNDS = 5


def test_twenty_parallel_log_outs_of_one_session_record_one(
    api: TestClient, http: httpx.Client
) -> None:
    coffre = coffre_of(api)
    person = make_person(api)
    with coffre.db.unit_of_work() as db:
        account_id = db.scalars(select(Account.id).where(Account.login == person.login)).one()
    for round_ in range(ROUNDS):
        headers = make_person_session(api, person.login, person.auth_key)

        def log_out(_i: int, headers: dict[str, str] = headers) -> tuple[int, str]:
            return answer(http.post("/api/v1/auth/logout", headers=headers))

        outcomes = Counter(burst(PARALLEL, log_out))
        assert outcomes[(204, "")] >= 1
        assert set(outcomes) <= {(204, ""), (401, "not_authenticated")}
        assert log_out(0) == (401, "not_authenticated")
        with coffre.db.unit_of_work() as db:
            query = select(func.count(AuditEntry.seq)).where(
                AuditEntry.action == "account.logout", AuditEntry.actor_id == account_id
            )
            assert db.scalar(query) == round_ + 1


def make_person_session(api: TestClient, login: str, auth_key: bytes) -> dict[str, str]:
    """A new session of the same person (the login's second step)."""
    response = api.post(
        "/api/v1/auth/login", json={"login": login, "auth_key": b64encode(auth_key)}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
