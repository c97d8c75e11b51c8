"""The partner grants API (docs/PARTNERS.md): the grants made to me with filters and
pages, one grant for its parties, the receipt with each pull, outcome reports in the
person's history; bad input refused with its stable code and nothing changed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.consent.models import GrantOutcome
from coffre.notifications.messages import text_for
from coffre.notifications.models import Notification
from crypto import b64decode, b64encode, verify_statement
from tests.consent.world import MDPH, ConsentWorld, build_consent_world

RECEIVED = "/api/v1/grants/received"


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _received(cw: ConsentWorld, **params: Any) -> Any:
    response = cw.api.get(RECEIVED, params=params, headers=cw.professional.headers)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(page: Any) -> list[str]:
    return [item["id"] for item in page["items"]]


def _share(cw: ConsentWorld, clock: FrozenClock, **kwargs: Any) -> str:
    clock.advance(seconds=1)  # each grant its own creation time
    return str(cw.share(now=clock.now(), **kwargs)["id"])


def _trail(cw: ConsentWorld) -> tuple[int, int, int]:
    """(audit entries, outcome rows, notifications): what a refused call must not change."""
    coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return (
            int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0),
            int(db.scalar(select(func.count()).select_from(GrantOutcome)) or 0),
            int(db.scalar(select(func.count()).select_from(Notification)) or 0),
        )


def test_the_grants_made_to_me_are_listed_oldest_first_with_each_filter(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    rsa = _share(cw, clock, days=30)
    mdph = _share(cw, clock, documents=[cw.health], purpose=MDPH, days=10)
    revoked = _share(cw, clock, days=30)
    exhausted = _share(cw, clock, max_pulls=1)
    assert cw.pull(exhausted, cw.identity).status_code == 200
    assert (
        cw.api.post(f"/api/v1/grants/{revoked}/revoke", headers=cw.person.headers).status_code
        == 200
    )

    everything = _received(cw)
    assert _ids(everything) == [rsa, mdph, revoked, exhausted]
    assert everything["next_cursor"] is None
    first = everything["items"][0]
    assert first["person_id"] == cw.person.account_id and first["state"] == "active"
    assert first["receipt"] and first["person_sign_public_key"]  # what the client verifies
    assert first["documents"][0]["sealed_key"] and first["outcomes"] == []

    assert _ids(_received(cw, purpose=MDPH)) == [mdph]
    assert _ids(_received(cw, state="active")) == [rsa, mdph]
    assert _ids(_received(cw, state="revoked")) == [revoked]
    assert _ids(_received(cw, state="ended")) == [exhausted]
    soon = (clock.now() + timedelta(days=15)).isoformat()
    assert _ids(_received(cw, ending_before=soon)) == [mdph]
    assert _ids(_received(cw, person=cw.person.account_id, state="active", purpose=MDPH)) == [mdph]
    assert _ids(_received(cw, person="0" * 32)) == []

    # Time passing: the 10-day grant ends and moves from active to ended.
    clock.advance(days=11)
    from tests.structures.world import log_in

    log_in(cw.api, cw.professional)
    assert _ids(_received(cw, state="ended")) == [mdph, exhausted]
    assert _ids(_received(cw, state="active")) == [rsa]


def test_only_the_grantee_lists_them(cw: ConsentWorld, clock: FrozenClock) -> None:
    _share(cw, clock)
    other = cw.world.structure_admin  # a professional of the same structure
    listed = cw.api.get(RECEIVED, headers=other.headers)
    assert listed.status_code == 200 and listed.json() == {"items": [], "next_cursor": None}
    refused = cw.api.get(RECEIVED, headers=cw.person.headers)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_allowed")
    assert cw.api.get(RECEIVED).status_code == 401


def test_pages_follow_the_cursor_and_the_answer_is_tagged(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    made = [_share(cw, clock) for _ in range(5)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor is not None:
            params["cursor"] = cursor
        page = _received(cw, **params)
        pages += 1
        assert len(page["items"]) <= 2
        seen += _ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == made and pages == 3

    first = cw.api.get(RECEIVED, headers=cw.professional.headers)
    tag = first.headers["etag"]
    again = cw.api.get(RECEIVED, headers={**cw.professional.headers, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    # Something changed (a new grant): the tag no longer matches.
    _share(cw, clock)
    changed = cw.api.get(RECEIVED, headers={**cw.professional.headers, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag


# Each bad request with the code it must be refused with. Checked in one test per
# backend against one world (a world per case built 24 worlds, about a minute of the
# suite, for requests that are refused before anything is read).
BAD_LIST_REQUESTS: list[tuple[dict[str, Any], str]] = [
    ({"cursor": "not-a-cursor"}, "invalid_cursor"),
    ({"cursor": b64encode(b"g1.12.zz")}, "invalid_cursor"),
    ({"cursor": "a" * 101}, "invalid_request"),
    ({"limit": 0}, "invalid_request"),
    ({"limit": 101}, "invalid_request"),
    ({"limit": 2**63}, "invalid_request"),
    ({"state": "expired"}, "invalid_grant_filter"),
    ({"person": "Amina"}, "invalid_grant_filter"),
    ({"ending_before": "2026-12-31T00:00:00"}, "invalid_grant_filter"),
    ({"ending_before": "demain"}, "invalid_request"),
    ({"purpose": "rsa\x00"}, "invalid_text"),
    ({"cursor": "abc\x1b"}, "invalid_text"),
]


def test_a_bad_list_request_is_refused_with_its_code(cw: ConsentWorld) -> None:
    answers = []
    for params, code in BAD_LIST_REQUESTS:
        response = cw.api.get(RECEIVED, params=params, headers=cw.professional.headers)
        answers.append((params, code, response.status_code, response.json()["error"]["code"]))
    wrong = [answer for answer in answers if answer[2:] != (422, answer[1])]
    assert wrong == []


def test_one_grant_is_read_by_its_grantee_its_person_and_the_officer_only(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _share(cw, clock)
    path = f"/api/v1/grants/{grant_id}"
    grantee = cw.api.get(path, headers=cw.professional.headers)
    assert grantee.status_code == 200
    body = grantee.json()
    assert body["receipt"] and body["documents"][0]["sealed_key"]
    assert body["person_login"] == cw.person.login

    person = cw.api.get(path, headers=cw.person.headers).json()
    assert person["id"] == grant_id and person["receipt"] is None
    assert person["documents"][0]["sealed_key"] is None

    officer = cw.api.get(path, headers=cw.world.officer.headers).json()
    assert officer["id"] == grant_id and officer["receipt"] is None
    assert officer["person_login"] == ""  # the person by id only
    assert officer["documents"][0]["category"] == "identite"

    unknown = cw.api.get(f"/api/v1/grants/{'0' * 32}", headers=cw.world.admin.headers)
    for stranger in (cw.world.admin, cw.world.structure_admin):
        refused = cw.api.get(path, headers=stranger.headers)
        assert (refused.status_code, refused.json()) == (404, unknown.json())
    assert unknown.json()["error"]["code"] == "grant_not_found"

    tag = grantee.headers["etag"]
    again = cw.api.get(path, headers={**cw.professional.headers, "If-None-Match": tag})
    assert again.status_code == 304


def test_a_pull_carries_the_receipt_as_stored(cw: ConsentWorld, clock: FrozenClock) -> None:
    grant_id = _share(cw, clock)
    stored = cw.api.get(f"/api/v1/grants/{grant_id}", headers=cw.professional.headers)
    pulled = cw.pull(grant_id, cw.identity)
    assert pulled.status_code == 200
    receipt = b64decode(pulled.headers["coffre-receipt"]).decode("utf-8")
    assert receipt == stored.json()["receipt"]
    # The person's signature verifies before anything is decrypted.
    statement = verify_statement(json.loads(receipt), expected_signer=cw.person.keys.sign_public)
    assert statement["grant"] == grant_id


def test_the_reason_the_charter_requires_is_still_asked_at_each_pull(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _share(cw, clock, documents=[cw.health], purpose=MDPH)
    refused = cw.pull(grant_id, cw.health)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "reason_required")
    assert cw.pull(grant_id, cw.health, reason="Dossier MDPH à compléter").status_code == 200


def _report(cw: ConsentWorld, grant_id: str, outcome: Any, who: Any = None) -> Any:
    return cw.api.post(
        f"/api/v1/grants/{grant_id}/outcome",
        json={"outcome": outcome},
        headers=(who or cw.professional).headers,
    )


def test_an_outcome_reaches_the_persons_history_and_notifications_once(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _share(cw, clock)
    first = _report(cw, grant_id, "document_missing")
    assert first.status_code == 200
    assert first.json()["recorded"] is True and first.json()["outcome"] == "document_missing"
    again = _report(cw, grant_id, "document_missing")
    assert again.status_code == 200 and again.json()["recorded"] is False
    assert again.json()["reported_at"] == first.json()["reported_at"]
    clock.advance(minutes=5)
    opened = _report(cw, grant_id, "right_opened").json()
    assert opened["recorded"] is True
    assert [o["outcome"] for o in opened["outcomes"]] == ["document_missing", "right_opened"]

    history = cw.api.get("/api/v1/me/history", headers=cw.person.headers).json()["items"]
    reported = [item for item in history if item["action"] == "grant.outcome"]
    assert [item["report"] for item in reported] == ["right_opened", "document_missing"]
    assert reported[0]["professional"]["name"] == "Mme Dupont"
    assert "droit ouvert" in reported[0]["summary"]
    assert "pièce manquante" in reported[1]["summary"]
    assert "Ouverture de droits au RSA" in reported[1]["summary"]

    notes = cw.api.get("/api/v1/notifications", headers=cw.person.headers).json()
    told = [n for n in notes["notifications"] if n["kind"] == "grant.outcome"]
    assert sorted(n["data"]["outcome"] for n in told) == ["document_missing", "right_opened"]
    assert told[0]["data"]["professional"] == "Mme Dupont"
    # The text that may leave Coffre names nobody and nothing.
    assert "Mme Dupont" not in text_for("grant.outcome", "fr").body
    assert text_for("grant.outcome", "fr").body != text_for("no.such.kind", "fr").body

    listed = _received(cw)["items"][0]["outcomes"]
    assert [o["outcome"] for o in listed] == ["document_missing", "right_opened"]


def test_an_outcome_is_reported_by_the_grantee_only_even_after_the_grant_ended(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _share(cw, clock)
    assert (
        cw.api.post(f"/api/v1/grants/{grant_id}/revoke", headers=cw.person.headers).status_code
        == 200
    )
    before = _trail(cw)
    unknown = _report(cw, "0" * 32, "right_opened")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "grant_not_found")
    for stranger in (cw.person, cw.world.structure_admin, cw.world.officer, cw.world.admin):
        refused = _report(cw, grant_id, "right_opened", stranger)
        assert (refused.status_code, refused.json()) == (404, unknown.json())
    assert _trail(cw) == before
    assert _report(cw, grant_id, "right_opened").json()["recorded"] is True


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"outcome": "droit_ouvert"}, "invalid_outcome"),
        ({"outcome": "RIGHT_OPENED"}, "invalid_outcome"),
        ({"outcome": "right_opened\x00"}, "invalid_text"),
        ({"outcome": "right_opened", "note": "RSA ouvert le 3"}, "invalid_request"),
        ({}, "invalid_request"),
        ({"outcome": "x" * 33}, "invalid_request"),
    ],
)
def test_a_bad_outcome_is_refused_and_nothing_is_recorded(
    cw: ConsentWorld, clock: FrozenClock, body: dict[str, Any], code: str
) -> None:
    grant_id = _share(cw, clock)
    before = _trail(cw)
    response = cw.api.post(
        f"/api/v1/grants/{grant_id}/outcome", json=body, headers=cw.professional.headers
    )
    assert (response.status_code, response.json()["error"]["code"]) == (422, code)
    assert _trail(cw) == before


def test_a_partner_works_with_a_token_within_its_scopes(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    from tests.tokens.world import bearer, token_of

    grant_id = _share(cw, clock, documents=[cw.health], purpose=MDPH)
    reader = bearer(token_of(cw, ["grants:read"]))
    puller = bearer(token_of(cw, ["grants:pull"], label="Pull"))
    reporter = bearer(token_of(cw, ["grants:report"], label="Report"))

    listed = cw.api.get(RECEIVED, headers=reader)
    assert listed.status_code == 200 and _ids(listed.json()) == [grant_id]
    assert cw.api.get(f"/api/v1/grants/{grant_id}", headers=reader).status_code == 200
    # The reason the charter requires, with a token as with a session.
    path = f"/api/v1/grants/{grant_id}/documents/{cw.health}/pull"
    refused = cw.api.post(path, json={"reason": None}, headers=puller)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "reason_required")
    pulled = cw.api.post(path, json={"reason": "Dossier MDPH"}, headers=puller)
    assert pulled.status_code == 200 and pulled.headers["coffre-receipt"]
    reported = cw.api.post(
        f"/api/v1/grants/{grant_id}/outcome", json={"outcome": "right_opened"}, headers=reporter
    )
    assert reported.status_code == 200 and reported.json()["recorded"] is True

    # Each token only within its scopes, refused before any lookup.
    before = _trail(cw)
    for headers, method, route, body in (
        (puller, "GET", RECEIVED, None),
        (reporter, "GET", f"/api/v1/grants/{grant_id}", None),
        (reader, "POST", f"/api/v1/grants/{grant_id}/outcome", {"outcome": "document_missing"}),
        (reader, "POST", f"/api/v1/grants/{'0' * 32}/outcome", {"outcome": "document_missing"}),
    ):
        response = cw.api.request(method, route, json=body, headers=headers)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "token_scope")
    assert _trail(cw) == before


def test_an_outcome_retried_with_its_idempotency_key_gets_the_same_answer(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    grant_id = _share(cw, clock)
    path = f"/api/v1/grants/{grant_id}/outcome"
    headers = {**cw.professional.headers, "Idempotency-Key": "rapport-rsa-1"}
    first = cw.api.post(path, json={"outcome": "right_opened"}, headers=headers)
    again = cw.api.post(path, json={"outcome": "right_opened"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.json()["recorded"] is True
    other = cw.api.post(path, json={"outcome": "document_missing"}, headers=headers)
    assert (other.status_code, other.json()["error"]["code"]) == (422, "idempotency_key_reused")
    assert _trail(cw)[1] == 1
