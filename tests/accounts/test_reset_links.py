"""Who may issue a reset code, as a matrix: role × the link the person made (issue 14,
item 3). Only a professional holding a grant from the person that is active today,
still a certified member of the grant's structure, and the territory admin get a
code; every other refusal is the very answer given for a login that does not exist.

Run on both backends, through the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from coffre.clock import FrozenClock
from tests.accounts.reset_world import RESET_CODES, Linked, linked_world
from tests.structures.world import log_in

STATES = ["none", "active", "expired", "revoked", "exhausted", "professional_left"]
ACTORS = ["grantee", "structure_admin", "territory_admin", "charter_officer", "other_person"]
UNKNOWN_LOGIN = "personne-qui-n-existe-pas"


def _allowed(state: str, actor: str) -> bool:
    if actor == "territory_admin":
        return True
    return actor == "grantee" and state == "active"


def _scene(linked: Linked, clock: FrozenClock, state: str) -> dict[str, dict[str, str]]:
    api, w = linked.api, linked.cw.world
    if state != "none":
        grant = linked.share(days=1, max_pulls=1 if state == "exhausted" else None)
        grant_id = str(grant["id"])
    if state == "expired":
        clock.advance(days=1, seconds=1)
        # Sessions last hours: log in again the accounts without a second factor (the
        # territory admin's and the officer's sessions have expired; they are left out).
        for who in (w.person, w.professional, w.structure_admin):
            log_in(api, who)
    elif state == "revoked":
        revoked = api.post(
            f"/api/v1/grants/{grant_id}/revoke",
            headers={"Authorization": f"Bearer {linked.owner.session.token}"},
        )
        assert revoked.status_code == 200, revoked.text
    elif state == "exhausted":
        document = next(iter(linked.documents))
        pulled = api.post(
            f"/api/v1/grants/{grant_id}/documents/{document}/pull",
            json={"reason": "Instruction RSA"},
            headers=w.professional.headers,
        )
        assert pulled.status_code == 200, pulled.text
    elif state == "professional_left":
        ended = api.post(
            f"/api/v1/memberships/{w.memberships['professional']}/end",
            headers=w.professional.headers,
        )
        assert ended.status_code in (200, 204), ended.text
    actors = {
        "grantee": w.professional.headers,
        "structure_admin": w.structure_admin.headers,
        "territory_admin": w.admin.headers,
        "charter_officer": w.officer.headers,
        "other_person": w.person.headers,
    }
    if state == "expired":
        del actors["territory_admin"], actors["charter_officer"]
    return actors


def _answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()


@pytest.mark.parametrize("state", STATES)
def test_only_a_link_the_person_made_or_the_territory_admin_gets_a_reset_code(
    api: TestClient, tmp_path: Path, clock: FrozenClock, state: str
) -> None:
    linked = linked_world(api, tmp_path, share=False)
    actors = _scene(linked, clock, state)
    for actor, headers in actors.items():
        unknown = _answer(api.post(RESET_CODES, json={"login": UNKNOWN_LOGIN}, headers=headers))
        response = linked.issue(headers)
        if _allowed(state, actor):
            assert response.status_code == 201, (actor, response.text)
            assert response.json()["login"] == linked.owner.login
        else:
            # Refused exactly like a login that does not exist: same status, same body.
            assert _answer(response) == unknown, (actor, state)
            assert unknown[0] == 404 and unknown[1]["error"]["code"] == "account_not_found"


def test_a_refusal_is_kept_in_the_trail_for_the_officer_and_tells_the_person_nothing(
    api: TestClient, tmp_path: Path, settings: Any
) -> None:
    from tests.accounts.credential_helpers import rows
    from tests.accounts.reset_world import audit_actions

    linked = linked_world(api, tmp_path, share=False)
    assert linked.issue(linked.cw.professional.headers).status_code == 404
    assert audit_actions(settings) == [("account.reset_code", "refused")]
    assert [n for n in rows(settings, "notifications") if n["kind"].startswith("reset.")] == []
    assert rows(settings, "reset_codes") == []
