"""Certificates with a life (issue 17; crypto/SPEC.md §26, §26.5), on both backends.

A territory moves to v2 certificates: the territory admin's client publishes the v2
root and certifies the structure admin under it, the structure admin certifies the
professional, the root signs a revocation list. Then: a share goes through the
client's one check (chain, list, expiry); the server's gate refuses at once a share to
an ended or revoked certificate; renewal before the end keeps sharing possible; a
revocation is seen by the client before it seals anything once the list names it; a
forged or rolled-back list is refused; a rotated root is followed from the old pin
and an unchained one refused; parallel revocations and renewals settle to one state.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import crypto
import crypto.fields
from client.api import ApiError
from client.network import (
    certify_v2,
    renew,
    revoke,
    rotate_root,
    sign_revocations,
    trusted_keys,
)
from client.trust import ROTATED_FR, UNCHAINED_FR, memory_for
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.notifications.models import Notification
from coffre.settings import Settings
from coffre.structures.models import CertificateRevocation, Membership
from crypto.certificates_v2 import revocation_list_statement
from crypto.errors import SignatureError, StaleError
from crypto.statements_v2 import sign_statement_v2
from tests.concurrency import burst
from tests.consent.world import ConsentWorld, build_v2_consent_world
from tests.structures.world import (
    TERRITORY,
    Who,
    certify_member,
    go_v2,
    invite,
    join,
    log_in,
    material,
    member_row,
    pinned_root,
    sessions_outlive_certificates,
    structure_admin_certificate,
)


def _coffre(api: TestClient) -> Coffre:
    return api.app.state.coffre  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return sessions_outlive_certificates(settings)


@pytest.fixture
def cw(api: TestClient, tmp_path: Path, clock: FrozenClock) -> ConsentWorld:
    return build_v2_consent_world(api, tmp_path, clock.now())


def _share(cw: ConsentWorld, clock: FrozenClock, client: Any = None) -> dict[str, Any]:
    from client import consent

    person = cw.person
    return consent.share(
        client or _person_client(cw, clock),
        person.keys,
        person_id=person.account_id,
        professional_id=cw.professional.account_id,
        pinned_root=pinned_root(cw.world.admin),
        purpose="ouverture-droits-rsa",
        document_ids=[cw.identity],
        days=30,
        now=clock.now(),
    )


def _person_client(cw: ConsentWorld, clock: FrozenClock) -> Any:
    client = cw.person.client(cw.api)
    memory_for(client, pinned_root(cw.world.admin)).clock = clock.now
    return client


def test_a_v2_chain_is_checked_before_sharing_and_the_key_chain_is_v2(
    cw: ConsentWorld, clock: FrozenClock
) -> None:
    client = _person_client(cw, clock)
    certified = trusted_keys(client, cw.professional.account_id, pinned_root(cw.world.admin))
    assert (
        certified.role == "professional" and certified.box_public == cw.professional.keys.box_public
    )
    chain = client.call("GET", f"/professionals/{cw.professional.account_id}/keys").json()
    assert [c["statement"]["v"] for c in chain["certificates"]] == [2, 2]
    assert _share(cw, clock, client)["id"]


def test_an_expired_certificate_is_refused_at_once_and_renewal_before_the_end_keeps_it(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    clock.advance(days=366)
    with pytest.raises(ApiError) as caught:
        _share_raw(cw, clock)
    assert caught.value.code == "certificate_expired"
    # Renewal by the structure admin (the root renews the admin): sharing works again.
    go_v2(api, cw.world, clock.now())
    assert _share(cw, clock)["id"]
    rows = member_row(api, w.structure_admin, w.structure_id, w.professional)
    assert rows["certified"] is True
    with _coffre(api).db.unit_of_work() as db:
        membership = db.get(Membership, rows["membership_id"])
        assert membership is not None and membership.not_after is not None
    # A certificate longer than COFFRE_CERTIFICATE_DAYS is refused.
    with pytest.raises(ApiError) as too_long:
        renew(
            w.structure_admin.client(api),
            w.structure_admin.account_id,
            w.structure_admin.keys,
            w.structure_id,
            member_row(api, w.structure_admin, w.structure_id, w.professional),
            territory=TERRITORY,
            days=400,
            now=clock.now(),
        )
    assert too_long.value.code == "certificate_too_long"


def _share_raw(cw: ConsentWorld, clock: FrozenClock) -> None:
    """A share whose client check runs at the time the certificates were issued (a
    client with a wrong clock): only the server's gate stands in the way."""
    client = cw.person.client(cw.api)
    memory = memory_for(client, pinned_root(cw.world.admin))
    memory.clock = lambda: clock.now() - timedelta(days=366)
    _share(cw, clock, client)


def test_a_revocation_is_refused_by_the_server_at_once_then_seen_by_the_client(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    grant = _share(cw, clock)
    membership_id = member_row(api, w.structure_admin, w.structure_id, w.professional)[
        "membership_id"
    ]
    revoke(w.structure_admin.client(api), membership_id, "device_stolen")
    # The list does not name it yet: the client's check passes, the server refuses.
    with pytest.raises(ApiError) as caught:
        _share(cw, clock)
    assert caught.value.code == "certificate_revoked"
    # The grant held by the revoked key stops being pullable.
    pulled = cw.pull(str(grant["id"]), cw.identity)
    assert pulled.status_code == 403, pulled.text
    # The territory admin was told a list is due; the person, which grants the key held.
    with _coffre(api).db.unit_of_work() as db:
        kinds = Counter((n.account_id, n.kind) for n in db.scalars(select(Notification)).all())
    assert kinds[(w.admin.account_id, "revocations.due")] == 1
    assert kinds[(cw.person.account_id, "grant.key_revoked")] == 1
    history = api.get("/api/v1/me/history", headers=cw.person.headers).json()
    lines = [i for i in history["items"] if i["action"] == "grant.key_revoked"]
    assert len(lines) == 1 and "n'a plus accès au coffre" in lines[0]["summary"], lines
    assert lines[0]["professional"]["account_id"] == w.professional.account_id
    held = api.get("/api/v1/revoked-keys/grants", headers=cw.person.headers).json()["grants"]
    assert [g["grant_id"] for g in held] == [grant["id"]]
    status = api.get("/api/v1/trust/revocations/status", headers=w.admin.headers).json()
    assert status["due"] is True and len(status["revoked"]) == 1
    # Once the root signs the list, the client refuses before sealing anything.
    sign_revocations(w.admin.client(api), w.admin.keys, now=clock.now())
    before = api.get("/api/v1/grants", headers=cw.person.headers).json()
    with pytest.raises(StaleError):
        _share(cw, clock)
    assert api.get("/api/v1/grants", headers=cw.person.headers).json() == before
    # A revoked certificate is not renewed.
    with pytest.raises(ApiError) as renewed:
        renew(
            w.structure_admin.client(api),
            w.structure_admin.account_id,
            w.structure_admin.keys,
            w.structure_id,
            member_row(api, w.structure_admin, w.structure_id, w.professional),
            territory=TERRITORY,
            now=clock.now(),
        )
    assert renewed.value.code == "certificate_revoked"


def _upload(api: TestClient, who: Who, envelope: dict[str, Any]) -> httpx.Response:
    return api.put("/api/v1/trust/revocations", json={"list": envelope}, headers=who.headers)  # type: ignore[return-value]


def _list(clock: FrozenClock, sequence: int, revoked: list[str], seed: bytes) -> dict[str, Any]:
    statement = revocation_list_statement(
        territory=TERRITORY,
        sequence=sequence,
        issued_at=clock.now(),
        next_update=clock.now() + timedelta(days=31),
        revoked=revoked,
    )
    return sign_statement_v2(statement, seed)


def test_a_forged_stale_or_incomplete_revocation_list_is_refused(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    membership_id = member_row(api, w.structure_admin, w.structure_id, w.professional)[
        "membership_id"
    ]
    revoke(w.admin.client(api), membership_id, "left")
    status = api.get("/api/v1/trust/revocations/status", headers=w.admin.headers).json()
    revoked, held = status["revoked"], int(status["sequence"])
    forged = _list(clock, held + 1, revoked, w.structure_admin.keys.sign_seed)
    assert _upload(api, w.admin, forged).json()["error"]["code"] == "invalid_revocation_list"
    incomplete = _list(clock, held + 1, [], w.admin.keys.sign_seed)
    assert _upload(api, w.admin, incomplete).json()["error"]["code"] == "invalid_revocation_list"
    stale = _list(clock, held, revoked, w.admin.keys.sign_seed)
    assert _upload(api, w.admin, stale).json()["error"]["code"] == "revocation_list_stale"
    by_other = _list(clock, held + 1, revoked, w.admin.keys.sign_seed)
    assert _upload(api, w.structure_admin, by_other).status_code == 403
    good = _upload(api, w.admin, _list(clock, held + 1, revoked, w.admin.keys.sign_seed))
    assert good.status_code == 200 and good.json()["sequence"] == held + 1
    # A client that saw a later list refuses this one if the server rolls it back.
    client = _person_client(cw, clock)
    memory_for(client, pinned_root(w.admin)).min_sequence = held + 2
    with pytest.raises(StaleError):
        trusted_keys(client, w.structure_admin.account_id, pinned_root(w.admin))


def test_a_rotated_root_is_followed_from_the_old_pin_and_an_unchained_one_refused(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    new_root = crypto.generate_account_keys()
    intruder = crypto.generate_account_keys()
    # A rotation signed by another key than the root in force is refused by the server.
    with pytest.raises(ApiError) as caught:
        rotate_root(w.admin.client(api), intruder, new_root, now=clock.now())
    assert caught.value.code == "invalid_trust_root"
    chain = rotate_root(w.admin.client(api), w.admin.keys, new_root, now=clock.now())
    assert chain["sequence"] == 1 and len(chain["links"]) == 1
    # The root in force re-certifies the structure admin and signs the list.
    go_v2(api, cw.world, clock.now(), root_keys=new_root)
    client = _person_client(cw, clock)
    memory = memory_for(client, pinned_root(w.admin))
    certified = trusted_keys(client, w.professional.account_id, pinned_root(w.admin))
    assert certified.role == "professional"
    assert memory.min_rotation == 1 and memory.notices == [ROTATED_FR]
    assert _share(cw, clock, client)["id"]
    # A client pinned on a root that no rotation leads from is warned, nothing sealed.
    stranger = _person_client(cw, clock)
    other_pin = crypto.pins.pin_spoken(intruder.sign_public)
    memory_for(stranger, other_pin).clock = clock.now
    with pytest.raises(SignatureError) as unchained:
        trusted_keys(stranger, w.professional.account_id, other_pin)
    assert str(unchained.value) == UNCHAINED_FR


def test_twenty_parallel_revocations_and_renewals_settle_to_one_state(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock, live_server: str
) -> None:
    w = cw.world
    member = member_row(api, w.structure_admin, w.structure_id, w.professional)
    renewals = []
    for k in range(10):
        envelope = structure_admin_certificate(w, member, clock, minutes=k)
        renewals.append(envelope)

    def call(index: int) -> int:
        with httpx.Client(base_url=live_server, timeout=60) as http:
            if index % 2 == 0:
                response = http.post(
                    f"/api/v1/memberships/{member['membership_id']}/certificate/revoke",
                    json={"reason": "key_lost"},
                    headers=w.structure_admin.headers,
                )
            else:
                response = http.post(
                    f"/api/v1/memberships/{member['membership_id']}/certificate",
                    json={"certificate": renewals[index // 2]},
                    headers=w.structure_admin.headers,
                )
            return response.status_code

    statuses = burst(20, call)
    assert set(statuses) <= {200, 204, 403}, statuses
    with _coffre(api).db.unit_of_work() as db:
        membership = db.get(Membership, member["membership_id"])
        assert membership is not None and membership.revoked_at is not None
        rows = db.scalars(select(CertificateRevocation)).all()
        assert [r.certificate_id for r in rows] == [membership.certificate_id]
        entries = db.scalar(
            select(func.count(AuditEntry.seq)).where(AuditEntry.action == "certificate.revoke")
        )
        assert entries == 1


def test_a_professional_key_rotation_is_certified_and_old_grants_listed_for_resharing(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    """New keys (here through an operator's reset code, the one way an account's keys
    change today), the old certificate revoked, a new one issued over the new keys;
    grants sealed to the old key stay unpullable and are listed for re-sharing."""
    w = cw.world
    coffre = _coffre(api)
    old_grant = _share(cw, clock)
    membership_id = member_row(api, w.structure_admin, w.structure_id, w.professional)[
        "membership_id"
    ]
    revoke(w.structure_admin.client(api), membership_id, "key_rotated")
    new = material(31, w.professional.login)
    issued = coffre.resets.create_reset_code_as_operator(w.professional.login)
    coffre.resets.reset(_signup_data(new), issued.code)
    clock.advance(days=coffre.settings.reset_waiting_days, minutes=1)
    assert coffre.resets.complete_due() == 1
    sign_revocations(w.admin.client(api), w.admin.keys, now=clock.now())
    log_in(api, new)
    # The structure admin compares the new pin and certifies the new keys.
    member = member_row(api, w.structure_admin, w.structure_id, w.professional)
    assert member["sign_public_key"] == crypto.b64encode(new.keys.sign_public)
    certify_v2(
        w.structure_admin.client(api),
        w.structure_admin.account_id,
        w.structure_admin.keys,
        w.structure_id,
        member,
        territory=TERRITORY,
        now=clock.now(),
    )
    # The person's client accepts the new key; the old grant is listed for re-sharing
    # and the old sealed keys no longer open.
    certified = trusted_keys(
        _person_client(cw, clock), w.professional.account_id, pinned_root(w.admin)
    )
    assert certified.box_public == new.keys.box_public
    held = api.get("/api/v1/revoked-keys/grants", headers=cw.person.headers).json()["grants"]
    assert [g["grant_id"] for g in held] == [old_grant["id"]]
    pulled = api.post(
        f"/api/v1/grants/{old_grant['id']}/documents/{cw.identity}/pull",
        json={"reason": None},
        headers=new.headers,
    )
    assert pulled.status_code == 403, pulled.text
    assert _share(cw, clock)["id"]


def _signup_data(who: Who) -> Any:
    from api.schemas.accounts import SignupRequest

    return SignupRequest.model_validate(who.signup_body).data()


def test_certify_issues_v2_certificates_once_the_territory_has_a_v2_root(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    w = cw.world
    who = join(
        api,
        invite(api, w.structure_admin, w.structure_id, "professional", "Mme Neuve"),
        material(32, "neuve"),
    )
    certify_member(api, w.structure_admin, w.structure_id, who.account_id)
    chain = api.get(f"/api/v1/professionals/{who.account_id}/keys", headers=cw.person.headers)
    statements = [c["statement"] for c in chain.json()["certificates"]]
    assert [s["v"] for s in statements] == [2, 2]
    days = (crypto.fields.read_time(statements[0]["not_after"], "") - clock.now()).days
    assert 364 <= days <= 365


def test_the_cli_renews_then_revokes_a_professional_certificate(
    api: TestClient, cw: ConsentWorld, live_server: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from cli.main import app
    from tests.factories import PASSPHRASE

    w = cw.world
    env = {
        "COFFRE_SERVER": live_server,
        "COFFRE_CLI_HOME": str(tmp_path / "cli"),
        "COFFRE_PASSPHRASE": f"{PASSPHRASE} 11",  # the structure admin's (slot 11)
    }
    runner = CliRunner()
    logged = runner.invoke(app, ["login", "--login", w.structure_admin.login], env=env)
    assert logged.exit_code == 0, logged.output
    member = member_row(api, w.structure_admin, w.structure_id, w.professional)
    renewed = runner.invoke(
        app,
        ["certificate", "renew", w.structure_id, w.professional.account_id, "--days", "200"],
        env=env,
    )
    assert renewed.exit_code == 0, renewed.output
    assert "renouvelé pour 200 jours" in renewed.output
    revoked = runner.invoke(
        app, ["certificate", "revoke", member["membership_id"], "--reason", "left"], env=env
    )
    assert revoked.exit_code == 0, revoked.output
    with _coffre(api).db.unit_of_work() as db:
        membership = db.get(Membership, member["membership_id"])
        assert membership is not None and membership.revoked_at is not None
        assert membership.not_after is not None
        assert 199 <= (membership.not_after - membership.certified_at).days <= 200  # type: ignore[operator]


def test_the_territory_admin_is_reminded_when_the_list_is_due(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    certificates = _coffre(api).certificates
    assert certificates.remind_if_due() == 0  # just signed, nothing revoked
    clock.advance(days=25)  # the list ends within 7 days
    assert certificates.remind_if_due() == 1
    sign_revocations(cw.world.admin.client(api), cw.world.admin.keys, now=clock.now())
    assert certificates.remind_if_due() == 0
    with _coffre(api).db.unit_of_work() as db:
        told = db.scalars(
            select(Notification).where(
                Notification.account_id == cw.world.admin.account_id,
                Notification.kind == "revocations.due",
            )
        ).all()
    assert len(told) == 1


def test_a_professional_whose_certificate_is_revoked_deposits_nothing(
    api: TestClient, cw: ConsentWorld, clock: FrozenClock
) -> None:
    from client import consent

    w = cw.world
    _share(cw, clock)  # the link that lets the professional deposit
    membership_id = member_row(api, w.structure_admin, w.structure_id, w.professional)[
        "membership_id"
    ]
    revoke(w.admin.client(api), membership_id, "device_stolen")
    before = api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"]
    with pytest.raises(ApiError) as caught:
        consent.deposit(
            w.professional.client(api),
            w.professional.keys,
            depositor_id=w.professional.account_id,
            structure_id=w.structure_id,
            person_id=cw.person.account_id,
            category="domicile",
            name="attestation.pdf",
            mime="application/pdf",
            content=b"attestation de domiciliation",
        )
    assert caught.value.code == "certificate_revoked"
    assert api.get("/api/v1/documents", headers=cw.person.headers).json()["documents"] == before
