"""A professional's key rotation without an operator (issue 17; POST /me/keys/rotate,
coffre/structures/rotation.py), on both backends.

The professional re-proves their passphrase and sends a whole new bundle: in one
transaction the keys are replaced, every live certificate of the account is revoked
(``key_rotated``), the territory admin is told a list is due and the persons whose
grants the old key held are told. Then the structure admin certifies the new key, the
person shares again, and the re-made grant is not listed as held by a revoked key.
Refusals change nothing; 20 parallel rotations and renewals settle to one state.
"""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import crypto
from client import consent
from client.api import ApiError
from client.consent import new_id
from client.credentials import rotate_keys
from client.network import certify_v2, renew, sign_revocations, trusted_keys
from client.trust import memory_for
from coffre.accounts.models import Account, Session
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.models import Notification
from coffre.settings import Settings
from coffre.structures.models import CertificateRevocation, Membership
from crypto import b64decode, b64encode, open_sealed_key, seal_document_key, sign_statement
from crypto.consent import ConsentReceipt, SharedDocument
from crypto.pins import pin_spoken
from tests.concurrency import answer, burst, parallel_client
from tests.consent.world import ConsentWorld, build_v2_consent_world
from tests.factories import PASSPHRASE
from tests.structures.world import (
    TERRITORY,
    Who,
    log_in,
    material,
    member_row,
    pinned_root,
    sessions_outlive_certificates,
    structure_admin_certificate,
)

PRO_PASSPHRASE = f"{PASSPHRASE} 12"  # the world's professional (slot 12)


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return sessions_outlive_certificates(settings)


@pytest.fixture
def cw(api: TestClient, tmp_path: Path, clock: FrozenClock) -> ConsentWorld:
    return build_v2_consent_world(api, tmp_path, clock.now())


def _person_client(cw: ConsentWorld, clock: FrozenClock) -> Any:
    client = cw.person.client(cw.api)
    memory_for(client, pinned_root(cw.world.admin)).clock = clock.now
    return client


def _share(cw: ConsentWorld, clock: FrozenClock) -> dict[str, Any]:
    return consent.share(
        _person_client(cw, clock),
        cw.person.keys,
        person_id=cw.person.account_id,
        professional_id=cw.professional.account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose="ouverture-droits-rsa",
        document_ids=[cw.identity],
        days=30,
        now=clock.now(),
    )


def _seal_to(cw: ConsentWorld, clock: FrozenClock, box_public: bytes) -> dict[str, Any]:
    """A share (format v1, as the person's vault is) sealed to ``box_public`` without
    the client's chain check (a client that checked before the rotation): only the
    server's gate stands in the way."""
    client = _person_client(cw, clock)
    keys = cw.person.keys
    charter = client.call("GET", "/charters/current").json()
    doc = client.call("GET", f"/documents/{cw.identity}").json()
    doc_key = open_sealed_key(b64decode(doc["sealed_key"]), keys.box_public, keys.box_secret)
    start = clock.now().replace(microsecond=0)
    receipt = ConsentReceipt(
        grant=new_id(),
        person=cw.person.account_id,
        professional=cw.professional.account_id,
        structure=cw.world.structure_id,
        purpose="ouverture-droits-rsa",
        charter_version=int(charter["version"]),
        documents=(SharedDocument(cw.identity, doc["ciphertext_sha256"]),),
        not_before=start,
        not_after=start + timedelta(days=30),
        max_pulls=None,
        request=None,
    )
    body = {
        "receipt": sign_statement(receipt.statement(), keys.sign_seed),
        "sealed_keys": {cw.identity: b64encode(seal_document_key(doc_key, box_public))},
    }
    granted: dict[str, Any] = client.call("POST", "/grants", json=body).json()
    return granted


def _snapshot(api: TestClient, who: Who) -> tuple[Any, ...]:
    """What a refused rotation must leave as it was."""
    with _coffre(api).db.unit_of_work() as db:
        account = db.get(Account, who.account_id)
        assert account is not None
        memberships = db.scalars(
            select(Membership).where(Membership.account_id == who.account_id)
        ).all()
        rotations = db.scalar(
            select(func.count(AuditEntry.seq)).where(AuditEntry.action == "account.keys_rotate")
        )
        return (
            account.box_public_key,
            account.sign_public_key,
            account.auth_verifier,
            account.wrapped_keyring,
            sorted((m.id, m.revoked_at, m.certificate_id) for m in memberships),
            db.scalar(select(func.count()).select_from(CertificateRevocation)),
            rotations,
        )


def _body(new: Who, current_auth_key: bytes) -> dict[str, Any]:
    return {"current_auth_key": crypto.b64encode(current_auth_key), **new.signup_body}


def test_a_rotation_revokes_at_once_then_the_new_key_is_certified_and_the_person_shares_again(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    pro = w.professional
    old_keys = pro.keys
    old_grant = _share(cw, clock)
    clock.advance(minutes=5)

    rotated = rotate_keys(pro.client(api), PRO_PASSPHRASE)

    member = member_row(api, w.structure_admin, w.structure_id, pro)
    assert rotated.revoked_memberships == [member["membership_id"]]
    assert member["sign_public_key"] == crypto.b64encode(rotated.keys.sign_public)
    assert member["certificate_state"] == "revoked" and member["new_key"] is True
    assert rotated.pin == pin_spoken(rotated.keys.sign_public)
    coffre = _coffre(api)
    with coffre.db.unit_of_work() as db:
        [revocation] = db.scalars(select(CertificateRevocation)).all()
        assert revocation.reason == "key_rotated" and revocation.revoked_by == pro.account_id
        kinds = Counter((n.account_id, n.kind) for n in db.scalars(select(Notification)).all())
        assert kinds[(w.admin.account_id, "revocations.due")] == 1
        assert kinds[(cw.person.account_id, "grant.key_revoked")] == 1
        actions = Counter(db.scalars(select(AuditEntry.action)).all())
        assert actions["account.keys_rotate"] == 1 and actions["certificate.revoke"] == 1
    # The professional's session goes on; the old key's grant no longer opens.
    pulled = cw.pull(str(old_grant["id"]), cw.identity)
    assert pulled.status_code == 403, pulled.text
    # Sealing to the old key is refused by the server at once (the list does not name
    # the old certificate yet); the person's client refuses the new key until certified.
    with pytest.raises(ApiError) as caught:
        _seal_to(cw, clock, old_keys.box_public)
    assert caught.value.code == "certificate_revoked"
    with pytest.raises(crypto.CryptoError):
        trusted_keys(_person_client(cw, clock), pro.account_id, pinned_root(w.admin))
    status = api.get("/api/v1/trust/revocations/status", headers=w.admin.headers).json()
    assert status["due"] is True and status["revoked"] == [revocation.certificate_id]
    sign_revocations(w.admin.client(api), w.admin.keys, now=clock.now())

    # The structure admin compares the new pin face to face and certifies the new key.
    clock.advance(minutes=5)
    certify_v2(
        w.structure_admin.client(api),
        w.structure_admin.account_id,
        w.structure_admin.keys,
        w.structure_id,
        member,
        territory=TERRITORY,
        now=clock.now(),
    )
    recertified = member_row(api, w.structure_admin, w.structure_id, pro)
    assert recertified["certificate_state"] == "valid" and recertified["new_key"] is False
    certified = trusted_keys(_person_client(cw, clock), pro.account_id, pinned_root(w.admin))
    assert certified.box_public == rotated.keys.box_public

    # The person is asked to share again: the old grant is listed, the re-made one not.
    held = api.get("/api/v1/revoked-keys/grants", headers=cw.person.headers).json()["grants"]
    assert [g["grant_id"] for g in held] == [old_grant["id"]]
    clock.advance(minutes=1)
    again = _share(cw, clock)
    consent.revoke(_person_client(cw, clock), str(old_grant["id"]))
    held = api.get("/api/v1/revoked-keys/grants", headers=cw.person.headers).json()["grants"]
    assert held == []
    # The re-made grant opens with the new key.
    pulled = cw.pull(str(again["id"]), cw.identity)
    assert pulled.status_code == 200, pulled.text


def test_grants_made_to_the_new_key_are_not_listed_while_the_old_one_still_is(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    """GET /revoked-keys/grants filters on the server: only grants made before the
    revocation, even when the old grant is kept (not stopped) beside the new one."""
    w = cw.world
    old_grant = _share(cw, clock)
    clock.advance(minutes=1)
    rotate_keys(w.professional.client(api), PRO_PASSPHRASE)
    sign_revocations(w.admin.client(api), w.admin.keys, now=clock.now())
    clock.advance(minutes=1)
    certify_v2(
        w.structure_admin.client(api),
        w.structure_admin.account_id,
        w.structure_admin.keys,
        w.structure_id,
        member_row(api, w.structure_admin, w.structure_id, w.professional),
        territory=TERRITORY,
        now=clock.now(),
    )
    clock.advance(minutes=1)
    new_grant = _share(cw, clock)
    held = api.get("/api/v1/revoked-keys/grants", headers=cw.person.headers).json()["grants"]
    assert [g["grant_id"] for g in held] == [old_grant["id"]]
    assert new_grant["id"] not in {g["grant_id"] for g in held}


def test_a_wrong_passphrase_proof_changes_nothing(api: TestClient, cw: ConsentWorld) -> None:
    pro = cw.world.professional
    before = _snapshot(api, pro)
    response = api.post(
        "/api/v1/me/keys/rotate",
        json=_body(material(61, pro.login), secrets.token_bytes(32)),
        headers=pro.headers,
    )
    assert answer(response) == (403, "wrong_passphrase")  # type: ignore[arg-type]
    assert _snapshot(api, pro) == before


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("a short box key", {"box_public_key": crypto.b64encode(b"\x01" * 31)}),
        ("a keyring of another size", {"wrapped_keyring": crypto.b64encode(b"\x01" * 104)}),
        ("the same login value for the recovery", "same_recovery"),
        ("a bundle for another login", {"login": "quelqu-un-d-autre"}),
        ("the old public keys again", "old_keys"),
    ],
)
def test_malformed_or_unchanged_keys_are_refused_and_change_nothing(
    api: TestClient, cw: ConsentWorld, what: str, change: Any
) -> None:
    pro = cw.world.professional
    before = _snapshot(api, pro)
    body = _body(material(62, pro.login), pro.auth_key)
    if change == "same_recovery":
        body["recovery_auth_key"] = body["auth_key"]
    elif change == "old_keys":
        body["box_public_key"] = crypto.b64encode(pro.keys.box_public)
        body["sign_public_key"] = crypto.b64encode(pro.keys.sign_public)
    else:
        body.update(change)
    response = api.post("/api/v1/me/keys/rotate", json=body, headers=pro.headers)
    assert answer(response) == (422, "invalid_key_material"), what  # type: ignore[arg-type]
    assert _snapshot(api, pro) == before


@pytest.mark.parametrize("role", ["person", "admin", "officer"])
def test_a_person_or_an_admin_may_not_rotate_and_nothing_changes(
    api: TestClient, cw: ConsentWorld, role: str
) -> None:
    w = cw.world
    who = {"person": w.person, "admin": w.admin, "officer": w.officer}[role]
    before = _snapshot(api, who)
    response = api.post(
        "/api/v1/me/keys/rotate",
        json=_body(material(63, who.login), who.auth_key),
        headers=who.headers,
    )
    assert answer(response) == (403, "not_allowed")  # type: ignore[arg-type]
    assert _snapshot(api, who) == before


def test_other_sessions_end_and_the_new_passphrase_keys_log_in(
    api: TestClient, cw: ConsentWorld
) -> None:
    pro = cw.world.professional
    other = log_in(api, Who(pro.login, pro.keys, pro.auth_key, pro.signup_body))
    new = material(64, pro.login)
    response = api.post(
        "/api/v1/me/keys/rotate", json=_body(new, pro.auth_key), headers=pro.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["revoked_sessions"] >= 1
    assert api.get("/api/v1/me", headers=other.headers).status_code == 401
    assert api.get("/api/v1/me", headers=pro.headers).status_code == 200
    logged = api.post(
        "/api/v1/auth/login", json={"login": pro.login, "auth_key": crypto.b64encode(pro.auth_key)}
    )
    assert logged.status_code == 401
    log_in(api, new)
    assert new.account_id == pro.account_id


def test_twenty_parallel_rotations_and_renewals_settle_to_one_state(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock, live_server: str
) -> None:
    """Ten rotations (each with its own new keys, all with the right passphrase proof)
    race with ten renewals of the old key's certificate by the structure admin: one
    rotation wins; the certificate revoked is the one stored when it won."""
    w = cw.world
    pro = w.professional
    _share(cw, clock)
    member = member_row(api, w.structure_admin, w.structure_id, pro)
    bundles = [material(70 + k, pro.login) for k in range(10)]
    renewals = [structure_admin_certificate(w, member, clock, minutes=k + 1) for k in range(10)]

    with parallel_client(live_server) as http:

        def call(index: int) -> tuple[int, str]:
            if index % 2 == 0:
                response = http.post(
                    "/api/v1/me/keys/rotate",
                    json=_body(bundles[index // 2], pro.auth_key),
                    headers=pro.headers,
                )
            else:
                response = http.post(
                    f"/api/v1/memberships/{member['membership_id']}/certificate",
                    json={"certificate": renewals[index // 2]},
                    headers=w.structure_admin.headers,
                )
            return answer(response)

        outcomes = burst(20, call)

    rotations = Counter(outcomes[i] for i in range(0, 20, 2))
    assert rotations[(200, "")] == 1, outcomes
    assert set(rotations) <= {(200, ""), (403, "wrong_passphrase"), (429, "too_many_attempts")}
    renewed = Counter(outcomes[i] for i in range(1, 20, 2))
    assert set(renewed) <= {
        (204, ""),
        (403, "certificate_revoked"),
        (422, "invalid_certificate"),
    }, outcomes
    with _coffre(api).db.unit_of_work() as db:
        account = db.get(Account, pro.account_id)
        assert account is not None
        winners = [b for b in bundles if b.keys.sign_public == account.sign_public_key]
        assert len(winners) == 1 and winners[0].keys.box_public == account.box_public_key
        membership = db.get(Membership, member["membership_id"])
        assert membership is not None and membership.revoked_at is not None
        revocations = db.scalars(select(CertificateRevocation)).all()
        assert [r.certificate_id for r in revocations] == [membership.certificate_id]
        actions = Counter(db.scalars(select(AuditEntry.action)).all())
        assert actions["account.keys_rotate"] == 1 and actions["certificate.revoke"] == 1
        told = db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.kind == "grant.key_revoked")
        )
        assert told == 1
        sessions = db.scalars(select(Session).where(Session.account_id == pro.account_id)).all()
        assert [s for s in sessions if s.revoked_at is None]  # the caller's stays


def test_the_cli_rotates_a_professional_keys(
    api: TestClient, cw: ConsentWorld, live_server: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    pro = cw.world.professional
    env = {
        "COFFRE_SERVER": live_server,
        "COFFRE_CLI_HOME": str(tmp_path / "cli"),
        "COFFRE_PASSPHRASE": PRO_PASSPHRASE,
    }
    runner = CliRunner()
    logged = runner.invoke(app, ["login", "--login", pro.login], env=env)
    assert logged.exit_code == 0, logged.output
    before = _snapshot(api, pro)
    refused = runner.invoke(app, ["rotate-keys"], env=env, input="n\n")
    assert refused.exit_code == 1 and "certifie votre nouvelle clé" in refused.output
    assert _snapshot(api, pro) == before
    done = runner.invoke(app, ["rotate-keys", "--yes"], env=env)
    assert done.exit_code == 0, done.output
    with _coffre(api).db.unit_of_work() as db:
        account = db.get(Account, pro.account_id)
        assert account is not None
        pin = pin_spoken(account.sign_public_key)
    assert pin in done.output
    assert "code de récupération" in done.output
    member = member_row(api, cw.world.structure_admin, cw.world.structure_id, pro)
    assert member["certificate_state"] == "revoked"
    # A renewal of the old key by the structure admin is refused: a new key is certified.
    with pytest.raises(ApiError) as caught:
        renew(
            cw.world.structure_admin.client(api),
            cw.world.structure_admin.account_id,
            cw.world.structure_admin.keys,
            cw.world.structure_id,
            {**member, "sign_public_key": crypto.b64encode(pro.keys.sign_public)},
            territory=TERRITORY,
        )
    assert caught.value.code in {"invalid_certificate", "certificate_revoked"}
