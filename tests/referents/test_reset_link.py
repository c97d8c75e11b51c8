"""The person's active référent may issue a reset code for them (ResetLink.REFERENT,
coffre/accounts/reset.py ``links_of``), like a professional holding an active grant;
once the link ends, or the référent leaves the structure, the refusal is the very answer
given for a login that does not exist. Both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from client import referents
from tests.referents.world import API, ReferentWorld, build_referent_world

RESET_CODES = f"{API}/reset-codes"


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> ReferentWorld:
    return build_referent_world(api, tmp_path)


def _issue(rw: ReferentWorld, login: str) -> Any:
    return rw.api.post(RESET_CODES, json={"login": login}, headers=rw.referent.headers)


def _unknown(rw: ReferentWorld) -> tuple[int, Any]:
    response = _issue(rw, "personne-qui-n-existe-pas")
    return response.status_code, response.json()


def test_the_active_referent_may_issue_a_reset_code_without_a_grant(rw: ReferentWorld) -> None:
    refused = _issue(rw, rw.person.login)
    assert (refused.status_code, refused.json()) == _unknown(rw)
    assert rw.designate().status_code == 201
    issued = _issue(rw, rw.person.login)
    assert issued.status_code == 201, issued.text
    assert issued.json()["login"] == rw.person.login


def test_an_ended_link_gives_no_reset_code(rw: ReferentWorld) -> None:
    assert rw.designate().status_code == 201
    referents.end(rw.client(rw.person))
    refused = _issue(rw, rw.person.login)
    assert (refused.status_code, refused.json()) == _unknown(rw)


def test_a_referent_who_left_the_structure_gives_no_reset_code(rw: ReferentWorld) -> None:
    assert rw.designate().status_code == 201
    ended = rw.api.post(
        f"{API}/memberships/{rw.cw.world.memberships['professional']}/end",
        headers=rw.admin.headers,
    )
    assert ended.status_code in (200, 204), ended.text
    refused = _issue(rw, rw.person.login)
    assert (refused.status_code, refused.json()) == _unknown(rw)
