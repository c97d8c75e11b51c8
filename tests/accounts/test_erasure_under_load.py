"""An account is erased once, even by parallel requests (issue 14, item 1's class).

Real threads send 20 erasures of one account (one session, the right login value) to
a live server on both backends, all released at once: one erases it, shreds its
documents and records ``account.erase`` once; the others get the answer of an
account already erased (``not_authenticated``), never a second erasure.
"""

from __future__ import annotations

import json
from collections import Counter

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account
from coffre.audit.models import AuditEntry
from coffre.vault.models import Document
from crypto import b64encode
from tests.accounts.factories import coffre_of
from tests.concurrency import answer, burst
from tests.factories import encrypted_document, make_person, upload

PARALLEL = 20
ROUNDS = 4
DOCUMENTS = 2


def test_twenty_parallel_erasures_of_one_account_erase_it_once(
    api: TestClient, http: httpx.Client
) -> None:
    coffre = coffre_of(api)
    for round_ in range(ROUNDS):
        person = make_person(api, login=f"efface-{round_}")
        for _ in range(DOCUMENTS):
            upload(api, person, encrypted_document(person, b"z" * 1000))
        with coffre.db.unit_of_work() as db:
            account = db.scalars(select(Account).where(Account.login == person.login)).one()
            account_id = account.id
            objects = [
                key
                for key in db.scalars(
                    select(Document.object_key).where(Document.owner_id == account_id)
                )
                if key is not None
            ]

        confirmation = {"auth_key": b64encode(person.auth_key)}

        def erase(
            _i: int, headers: dict[str, str] = person.headers, body: dict[str, str] = confirmation
        ) -> tuple[int, str]:
            return answer(http.request("DELETE", "/api/v1/me", json=body, headers=headers))

        outcomes = Counter(burst(PARALLEL, erase))
        assert outcomes == {(204, ""): 1, (401, "not_authenticated"): PARALLEL - 1}
        assert erase(0) == (401, "not_authenticated")
        with coffre.db.unit_of_work() as db:
            entries = db.scalars(
                select(AuditEntry.body).where(
                    AuditEntry.action == "account.erase", AuditEntry.actor_id == account_id
                )
            ).all()
            assert len(entries) == 1
            # The one erasure destroyed every document (none was left to a second one).
            assert json.loads(entries[0] or "{}")["details"] == {"documents": DOCUMENTS}
            live = select(func.count(Document.id)).where(
                Document.owner_id == account_id, Document.object_purged_at.is_(None)
            )
            assert db.scalar(live) == 0
            erased = db.get(Account, account_id)
            assert erased is not None and erased.deleted_at is not None
        assert not any(coffre.store.exists(key) for key in objects)
