"""A person's history gives, for each entry, the event and salt the log committed to, so
their page recomputes the leaf and checks it is in a cosigned checkpoint."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from auditlog.events import event_leaf_hash
from coffre.audit.models import AuditEntry
from crypto import b64decode
from tests.accounts.factories import coffre_of
from tests.structures.world import log_in, material


def test_each_history_item_recomputes_to_its_leaf_in_the_log(api: TestClient, backend: str) -> None:
    person = material(14, "amina")
    assert api.post("/api/v1/accounts", json=person.signup_body).status_code == 201
    log_in(api, person)
    items = api.get("/api/v1/me/history", headers=person.headers).json()["items"]
    assert items
    with coffre_of(api).db.unit_of_work() as db:
        stored = {e.seq: e.leaf_hash for e in db.scalars(select(AuditEntry))}
    for item in items:
        event = json.loads(item["leaf"]["body"])
        assert event["seq"] == item["seq"]
        assert event["action"] == item["action"]
        assert event_leaf_hash(event, b64decode(item["leaf"]["salt"])) == stored[item["seq"]]
