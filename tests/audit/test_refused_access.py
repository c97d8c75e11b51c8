"""Refused attempts on someone else's documents reach the trail (issue 14): another
person asking for a document, or for an id that does not exist, gets "not found" and
changes nothing, yet the attempt is kept for the charter officer, naming the owner;
the owner asking for their own deleted document leaves no such entry."""

from __future__ import annotations

import secrets
from pathlib import Path

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


def test_a_pull_through_someone_elses_grant_is_kept_for_the_officer(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    from tests.consent.world import build_consent_world

    cw = build_consent_world(api, tmp_path)
    grant_id = str(cw.share([cw.identity])["id"])
    colleague = cw.world.structure_admin  # same structure, not the grantee
    url = f"/api/v1/grants/{grant_id}/documents/{cw.identity}/pull"
    theirs = api.post(url, json={"reason": "Instruction RSA"}, headers=colleague.headers)
    unknown = api.post(
        f"/api/v1/grants/{secrets.token_hex(16)}/documents/{cw.identity}/pull",
        json={"reason": "Instruction RSA"},
        headers=colleague.headers,
    )
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()
    # The grantee asking for a document the grant does not cover is an attempt too.
    outside = cw.pull(grant_id, cw.health, "Instruction RSA")
    assert outside.status_code == 404
    # The grantee's own pull is no refusal.
    assert cw.pull(grant_id, cw.identity, "Instruction RSA").status_code == 200

    rows = _refusals(settings)
    assert [(r["object_id"], r["person_id"]) for r in rows] == [
        (grant_id, cw.person.account_id),
        (rows[1]["object_id"], None),
        (grant_id, cw.person.account_id),
    ]
    assert [r["actor_id"] for r in rows] == [
        colleague.account_id,
        colleague.account_id,
        cw.professional.account_id,
    ]
    assert all('"attempt": "pull"' in str(r["body"]) for r in rows)
