"""A passphrase is changed once per current passphrase, even by parallel requests
(issue 14, item 1's class).

Real threads send 20 changes of one account's passphrase, all proving the same
current passphrase, to a live server on both backends, all released at once: one
changes it and is recorded; for every other one the passphrase it proves is no longer
the current one, so it answers as a later call would (``wrong_passphrase``, counted
by the login throttle, or ``too_many_attempts`` once the cap is reached), never a
second change made with a passphrase that was already replaced.
"""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.accounts.models import Account
from coffre.audit.models import AuditEntry
from coffre.settings import Settings
from crypto import b64encode, rewrap_for_new_passphrase
from tests.accounts.factories import coffre_of
from tests.concurrency import answer, burst
from tests.factories import make_person

PARALLEL = 20
ROUNDS = 4
NEW_PASSPHRASE = "citron bateau lampe nuage violet"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The burst's losers are charged as wrong passphrases: room for every round from
    # one address (the per-address cap is not what is tested here).
    return settings.model_copy(
        update={
            "login_address_free_failures": PARALLEL * ROUNDS,
            "login_address_max_failures": PARALLEL * ROUNDS,
        }
    )


def test_twenty_parallel_changes_with_one_current_passphrase_change_it_once(
    api: TestClient, http: httpx.Client
) -> None:
    coffre = coffre_of(api)
    new = rewrap_for_new_passphrase(b"\x01" * 32, NEW_PASSPHRASE)
    for round_ in range(ROUNDS):
        person = make_person(api, login=f"change-{round_}")
        with coffre.db.unit_of_work() as db:
            account_id = db.scalars(select(Account.id).where(Account.login == person.login)).one()
        body: dict[str, object] = {
            "current_auth_key": b64encode(person.auth_key),
            "kdf": new.kdf_params.to_json(),
            "auth_key": b64encode(new.auth_key),
            "wrapped_master_passphrase": b64encode(new.wrapped_master_passphrase),
        }

        def change(
            _i: int, headers: dict[str, str] = person.headers, body: dict[str, object] = body
        ) -> tuple[int, str]:
            return answer(http.post("/api/v1/me/passphrase", json=body, headers=headers))

        outcomes = Counter(burst(PARALLEL, change))
        changed = [outcome for outcome in outcomes if outcome[0] < 300]
        assert len(changed) == 1 and outcomes[changed[0]] == 1
        assert set(outcomes) - set(changed) <= {
            (403, "wrong_passphrase"),
            (429, "too_many_attempts"),
        }
        with coffre.db.unit_of_work() as db:
            query = select(func.count(AuditEntry.seq)).where(
                AuditEntry.action == "account.passphrase", AuditEntry.actor_id == account_id
            )
            assert db.scalar(query) == 1
