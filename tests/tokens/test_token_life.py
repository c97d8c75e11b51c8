"""A token dies with its professional's certificate, works only within its scopes on the
partner routes, and its making and revocation are in the audit trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from client.credentials import rotate_keys
from client.network import certify_v2, publish_root_v2, revoke
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.settings import Settings
from tests.consent.world import ConsentWorld, build_consent_world
from tests.factories import PASSPHRASE
from tests.structures.world import TERRITORY, go_v2, member_row, sessions_outlive_certificates
from tests.tokens.world import bearer, make_token, token_of

PRO_PASSPHRASE = f"{PASSPHRASE} 12"  # the world's professional (slot 12)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The clock moves past a certificate's end: the admins keep their sessions.
    return sessions_outlive_certificates(settings)


@pytest.fixture
def cw(api: TestClient, tmp_path: Path) -> ConsentWorld:
    return build_consent_world(api, tmp_path)


def _v2(cw: ConsentWorld, clock: FrozenClock, days: int) -> None:
    """The territory on v2 certificates, the professional's lasting ``days``."""
    w = cw.world
    publish_root_v2(w.admin.client(cw.api), w.admin.keys, TERRITORY, clock.now())
    go_v2(cw.api, w, clock.now(), days=days)


def _code(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.json()["error"]["code"])


def test_a_token_dies_when_the_certificate_is_revoked(cw: ConsentWorld, clock: FrozenClock) -> None:
    _v2(cw, clock, days=365)
    token = token_of(cw, ["grants:read"])
    assert cw.api.get("/api/v1/shared-with-me", headers=bearer(token)).status_code == 200
    w = cw.world
    membership_id = member_row(cw.api, w.structure_admin, w.structure_id, w.professional)[
        "membership_id"
    ]
    revoke(w.structure_admin.client(cw.api), membership_id, "device_stolen")
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert refused.status_code == 401 and _code(refused) == "token_membership_ended"


def test_a_token_dies_when_the_certificate_expires(cw: ConsentWorld, clock: FrozenClock) -> None:
    _v2(cw, clock, days=10)
    token = token_of(cw, ["grants:read"], days=90)
    assert cw.api.get("/api/v1/shared-with-me", headers=bearer(token)).status_code == 200
    clock.advance(days=11)
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert refused.status_code == 401 and _code(refused) == "token_membership_ended"


def test_a_token_with_the_pull_scope_pulls_and_one_without_is_refused(cw: ConsentWorld) -> None:
    grant = str(cw.share()["id"])
    url = f"/api/v1/grants/{grant}/documents/{cw.identity}/pull"
    reader = token_of(cw, ["grants:read"])
    refused = cw.api.post(url, json={"reason": None}, headers=bearer(reader))
    assert refused.status_code == 403 and _code(refused) == "token_scope"
    puller = token_of(cw, ["grants:pull"])
    pulled = cw.api.post(url, json={"reason": None}, headers=bearer(puller))
    assert pulled.status_code == 200, pulled.text
    assert pulled.headers["Coffre-Sealed-Key"]


def test_the_deposit_scope_lists_the_linked_persons_and_nothing_else(cw: ConsentWorld) -> None:
    cw.share()
    depositor = token_of(cw, ["deposits"])
    linked = cw.api.get("/api/v1/persons/linked", headers=bearer(depositor))
    assert linked.status_code == 200, linked.text
    assert [p["person_id"] for p in linked.json()["persons"]] == [cw.person.account_id]
    shared = cw.api.get("/api/v1/shared-with-me", headers=bearer(depositor))
    assert shared.status_code == 403 and _code(shared) == "token_scope"


def test_making_and_revoking_a_token_are_in_the_audit_trail_without_the_token(
    cw: ConsentWorld,
) -> None:
    made = make_token(cw.api, cw.professional, ["grants:read", "grants:pull"], days=7)
    gone = cw.api.delete(f"/api/v1/tokens/{made['id']}", headers=cw.professional.headers)
    assert gone.status_code == 204
    coffre: Coffre = cw.api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        rows = db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.in_(("token.create", "token.revoke")))
            .order_by(AuditEntry.seq)
        ).all()
        entries = [(r.action, r.actor_id, r.object_id, r.body) for r in rows]
    assert [(a, actor, obj) for a, actor, obj, _ in entries] == [
        ("token.create", cw.professional.account_id, made["id"]),
        ("token.revoke", cw.professional.account_id, made["id"]),
    ]
    assert all(made["token"] not in str(event) for *_, event in entries)
    assert "grants:pull" in str(entries[0][3])


def test_a_key_rotation_ends_the_tokens_for_good(cw: ConsentWorld, clock: FrozenClock) -> None:
    """The device holding the keys (and perhaps the token) was lost: the tokens end with
    the rotation and stay dead once the new key is certified."""
    _v2(cw, clock, days=365)
    w = cw.world
    token = token_of(cw, ["grants:read"])
    rotated = rotate_keys(w.professional.client(cw.api), PRO_PASSPHRASE)
    refused = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert refused.status_code == 401 and _code(refused) == "token_revoked"
    clock.advance(minutes=5)
    member = member_row(cw.api, w.structure_admin, w.structure_id, w.professional)
    certify_v2(
        w.structure_admin.client(cw.api),
        w.structure_admin.account_id,
        w.structure_admin.keys,
        w.structure_id,
        member,
        territory=TERRITORY,
        now=clock.now(),
    )
    assert (
        member_row(cw.api, w.structure_admin, w.structure_id, w.professional)["certificate_state"]
        == "valid"
    )
    still = cw.api.get("/api/v1/shared-with-me", headers=bearer(token))
    assert still.status_code == 401 and _code(still) == "token_revoked"
    assert rotated.revoked_memberships == [member["membership_id"]]
