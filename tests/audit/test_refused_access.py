"""Refused attempts on someone else's documents reach the trail (issue 14): another
person asking for a document, or for an id that does not exist, gets "not found" and
changes nothing, yet the attempt is kept for the charter officer, naming the owner;
the owner asking for their own deleted document leaves no such entry."""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from coffre.settings import Settings
from tests.factories import encrypted_document, make_person, upload


def _refusals(settings: Settings) -> list[dict[str, object]]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT actor_id, person_id, object_id, outcome, body FROM audit_entries "
                "WHERE action = 'document.access' ORDER BY seq"
            )
        ).mappings()
        found = [dict(r) for r in rows]
    engine.dispose()
    return found


def _account_id(settings: Settings, login: str) -> str:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT id FROM accounts WHERE login = :login"), {"login": login}
        ).scalar_one()
    engine.dispose()
    return str(found)


CALLS = {
    "read": lambda api, doc, h: api.get(f"/api/v1/documents/{doc}", headers=h),
    "download": lambda api, doc, h: api.get(f"/api/v1/documents/{doc}/content", headers=h),
    "delete": lambda api, doc, h: api.delete(f"/api/v1/documents/{doc}", headers=h),
}


@pytest.mark.parametrize("attempt", sorted(CALLS))
def test_another_persons_refused_attempt_is_kept_with_the_owner(
    api: TestClient, settings: Settings, attempt: str
) -> None:
    owner = make_person(api, 0, login="owner-" + secrets.token_hex(3))
    intruder = make_person(api, 1, login="intruder-" + secrets.token_hex(3))
    document_id = upload(api, owner, encrypted_document(owner))
    unknown_id = secrets.token_hex(16)

    theirs = CALLS[attempt](api, document_id, intruder.headers)
    nobodys = CALLS[attempt](api, unknown_id, intruder.headers)
    assert theirs.status_code == nobodys.status_code == 404
    assert theirs.json() == nobodys.json()
    # Nothing changed for the owner.
    assert api.get(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 200

    rows = _refusals(settings)
    assert [(r["object_id"], r["outcome"]) for r in rows] == [
        (document_id, "refused"),
        (unknown_id, "refused"),
    ]
    assert rows[0]["person_id"] == _account_id(settings, owner.login)
    assert rows[1]["person_id"] is None
    assert {r["actor_id"] for r in rows} == {_account_id(settings, intruder.login)}
    assert f'"attempt": "{attempt}"' in str(rows[0]["body"])


def test_the_owner_asking_for_their_deleted_document_is_no_attempt(
    api: TestClient, settings: Settings
) -> None:
    owner = make_person(api)
    document_id = upload(api, owner, encrypted_document(owner))
    assert api.delete(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code < 300
    assert api.get(f"/api/v1/documents/{document_id}", headers=owner.headers).status_code == 404
    assert _refusals(settings) == []
