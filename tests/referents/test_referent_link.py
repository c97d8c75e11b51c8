"""The person's active référent is linked with them, as a grant or an answered request
links a professional (coffre.consent.repository ``has_link``): the référent may fetch
the person's box key (to seal a relay's liaison note, or deposit a paper) and finds
them among the persons they may deposit for; before the person chose them, and once
the link ends, the answer is the one for a person who does not exist. Both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from client import referents
from tests.referents.world import API, ReferentWorld, build_referent_world


@pytest.fixture
def rw(api: TestClient, tmp_path: Path) -> ReferentWorld:
    return build_referent_world(api, tmp_path)


def _box_key(rw: ReferentWorld, person_id: str) -> tuple[int, object]:
    response = rw.api.get(f"{API}/persons/{person_id}/box-key", headers=rw.referent.headers)
    return response.status_code, response.json()


def _linked(rw: ReferentWorld) -> list[str]:
    response = rw.api.get(f"{API}/persons/linked", headers=rw.referent.headers)
    assert response.status_code == 200, response.text
    return [p["person_id"] for p in response.json()["persons"]]


def test_the_referent_is_linked_only_while_the_person_keeps_them(rw: ReferentWorld) -> None:
    unknown = _box_key(rw, "0" * 32)
    assert unknown[0] == 404
    assert _box_key(rw, rw.person.account_id) == unknown
    assert rw.person.account_id not in _linked(rw)

    assert rw.designate().status_code == 201
    status, body = _box_key(rw, rw.person.account_id)
    assert status == 200, body
    assert isinstance(body, dict) and body["box_public_key"]
    assert rw.person.account_id in _linked(rw)

    referents.end(rw.client(rw.person))
    assert _box_key(rw, rw.person.account_id) == unknown
    assert rw.person.account_id not in _linked(rw)
