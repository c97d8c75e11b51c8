"""A membership is certified once and ended once, even by parallel requests (issue 14,
item 1's class).

Real threads send real HTTP requests to a live server on both backends, all released
at once: 20 certifications of one member with one certificate store and record it
once (the same certificate sent again changes nothing, as a later call would find);
20 ends of one membership record one end, and the others answer
``membership_not_found`` as a later call does.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from coffre.audit.models import AuditEntry
from coffre.container import Coffre
from coffre.structures.models import Membership
from crypto import b64decode
from crypto.certificates import certificate_statement, sign_certificate
from tests.concurrency import answer, burst
from tests.structures.world import World, build_world, invite, join, material

PARALLEL = 20
ROUNDS = 4


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


def _entries(api: TestClient, action: str, member_id: str) -> int:
    with _coffre(api).db.unit_of_work() as db:
        query = select(func.count(AuditEntry.seq)).where(
            AuditEntry.action == action, AuditEntry.object_id == member_id
        )
        return int(db.scalar(query) or 0)


def _newcomer(api: TestClient, world: World, round_: int) -> dict[str, Any]:
    """A professional who joined the structure this round, not certified yet."""
    code = invite(api, world.structure_admin, world.structure_id, "professional", f"M. {round_}")
    who = join(api, code, material(20, f"nouveau-{round_}"))
    listing = api.get(
        f"/api/v1/structures/{world.structure_id}/members", headers=world.structure_admin.headers
    ).json()["members"]
    [member] = [m for m in listing if m["account_id"] == who.account_id]
    return dict(member)


def _envelope(world: World, member: dict[str, Any]) -> dict[str, Any]:
    statement = certificate_statement(
        subject=member["account_id"],
        role=member["role"],
        structure_id=world.structure_id,
        display_name=member["display_name"],
        profession=member["profession"],
        box_public=b64decode(member["box_public_key"]),
        sign_public=b64decode(member["sign_public_key"]),
        issuer=world.structure_admin.account_id,
        issued_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    return dict(sign_certificate(statement, world.structure_admin.keys.sign_seed))


def test_twenty_parallel_certifications_with_one_certificate_record_it_once(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    for round_ in range(ROUNDS):
        member = _newcomer(api, world, round_)
        envelope = _envelope(world, member)
        url = f"/api/v1/memberships/{member['membership_id']}/certificate"

        def certify(
            _i: int, url: str = url, envelope: dict[str, Any] = envelope
        ) -> tuple[int, str]:
            response = http.post(
                url, json={"certificate": envelope}, headers=world.structure_admin.headers
            )
            return answer(response)

        assert Counter(burst(PARALLEL, certify)) == {(204, ""): PARALLEL}
        assert _entries(api, "membership.certify", member["account_id"]) == 1
        # A later call with the same certificate answers the same and records nothing.
        assert certify(0) == (204, "")
        assert _entries(api, "membership.certify", member["account_id"]) == 1


def test_twenty_parallel_ends_of_one_membership_record_one_end(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    for round_ in range(ROUNDS):
        member = _newcomer(api, world, round_)
        url = f"/api/v1/memberships/{member['membership_id']}/end"

        def end(_i: int, url: str = url) -> tuple[int, str]:
            return answer(http.post(url, headers=world.structure_admin.headers))

        outcomes = Counter(burst(PARALLEL, end))
        assert outcomes == {(204, ""): 1, (404, "membership_not_found"): PARALLEL - 1}
        assert end(0) == (404, "membership_not_found")
        assert _entries(api, "membership.end", member["account_id"]) == 1


def test_certifications_racing_an_end_leave_no_certificate_on_an_ended_membership(
    api: TestClient, world: World, http: httpx.Client
) -> None:
    for round_ in range(ROUNDS):
        member = _newcomer(api, world, round_)
        envelope = _envelope(world, member)
        membership_id = str(member["membership_id"])

        def certify_or_end(
            i: int, envelope: dict[str, Any] = envelope, membership_id: str = membership_id
        ) -> tuple[str, int, str]:
            base = f"/api/v1/memberships/{membership_id}"
            headers = world.structure_admin.headers
            if i == 0:
                return ("end", *answer(http.post(f"{base}/end", headers=headers)))
            body = {"certificate": envelope}
            return (
                "certify",
                *answer(http.post(f"{base}/certificate", json=body, headers=headers)),
            )

        outcomes = Counter(burst(PARALLEL, certify_or_end))
        assert outcomes[("end", 204, "")] == 1
        with _coffre(api).db.unit_of_work() as db:
            membership = db.get(Membership, membership_id)
            assert membership is not None and membership.left_at is not None
            order = [
                action
                for action in db.scalars(
                    select(AuditEntry.action)
                    .where(AuditEntry.object_id == member["account_id"])
                    .where(AuditEntry.action.in_(("membership.certify", "membership.end")))
                    .order_by(AuditEntry.seq)
                )
            ]
        # A certification is recorded once at most, and never after the end.
        assert order in (["membership.end"], ["membership.certify", "membership.end"])
