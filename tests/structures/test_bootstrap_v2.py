"""A new territory starts on a v2 trust root (crypto/SPEC.md §26.1) with its first
revocation list (§26.3): ``coffre territory bootstrap`` signs both on the admin's
machine and the server stores them with the admin, so the first certifications are v2
certificates that end. ``publish-root`` then changes nothing; parallel bootstraps make
one territory. Both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from cli.state import CliState, save_state
from cli.territory import make_territory
from client import CoffreClient
from client.network import first_root_v2
from coffre.accounts.models import Account
from coffre.audit.models import AuditEntry
from coffre.clock import FrozenClock
from coffre.container import Coffre
from coffre.errors import CoffreError
from coffre.settings import Settings
from coffre.structures.models import RevocationList, TrustRoot, TrustRootV2
from coffre.structures.service import TerritoryExists
from crypto.certificates_v2 import verify_revocation_list
from crypto.pins import pin_qr_payload
from tests.accounts.factories import enrol_totp
from tests.concurrency import PARALLEL, burst
from tests.structures.world import (
    TERRITORY,
    Who,
    bootstrap_territory,
    certify_member,
    invite,
    join,
    material,
    member_row,
)

PASSPHRASE = "cheval agrafe batterie correcte 63"


def _coffre(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def _made_admin(api: TestClient, settings: Settings, clock: FrozenClock) -> Who:
    made = make_territory(
        settings,
        login="admin-63",
        name="Département du Puy-de-Dôme",
        territory=TERRITORY,
        passphrase=PASSPHRASE,
        now=clock.now(),
    )
    client = CoffreClient("http://testserver", http=api)  # type: ignore[arg-type]
    logged = client.login("admin-63", PASSPHRASE)
    admin = Who("admin-63", logged.keys, b"", {}, logged.account_id, logged.token)
    assert made.account_id == logged.account_id
    enrol_totp(api, admin.headers, clock)
    return admin


def test_bootstrap_publishes_the_v2_root_and_a_first_list_so_certificates_end(
    api: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    admin = _made_admin(api, settings, clock)
    chain = api.get("/api/v1/trust/root/v2").json()
    assert chain["sequence"] == 0 and chain["links"] == []
    assert chain["pin_qr"] == pin_qr_payload(admin.keys.sign_public)
    published = api.get("/api/v1/trust/revocations").json()
    assert published["sequence"] == 1
    checked = verify_revocation_list(
        published["list"],
        root_sign_public=admin.keys.sign_public,
        territory=TERRITORY,
        now=clock.now(),
    )
    assert checked.revoked == frozenset()
    assert checked.next_update - clock.now() == timedelta(days=31)
    with _coffre(api).db.unit_of_work() as db:
        actions = db.scalars(select(AuditEntry.action)).all()
    assert "trust_root.publish" in actions and "revocations.publish" in actions

    # The first certification is a v2 certificate, signed by the root, with an end.
    structure_id = api.post(
        "/api/v1/structures",
        json={"name": "CCAS de Riom", "kind": "ccas", "address": "Riom", "territory": "63"},
        headers=admin.headers,
    ).json()["id"]
    bernard = join(
        api,
        invite(api, admin, structure_id, "structure_admin", "M. Bernard"),
        material(11, "bernard"),
    )
    certify_member(api, admin, structure_id, bernard.account_id)
    row = member_row(api, admin, structure_id, bernard)
    assert row["certificate_state"] == "valid"
    assert row["not_after"] is not None
    keys = api.get(f"/api/v1/professionals/{bernard.account_id}/keys", headers=admin.headers)
    [certificate] = keys.json()["certificates"]
    assert certificate["statement"]["v"] == 2
    assert certificate["signer"] == chain["root"]["statement"]["sign_public_key"]


def test_publish_root_after_bootstrap_says_so_and_changes_nothing(
    api: TestClient, settings: Settings, clock: FrozenClock, live_server: str, tmp_path: Path
) -> None:
    admin = _made_admin(api, settings, clock)
    before = api.get("/api/v1/trust/root/v2").json()
    home = tmp_path / "home"
    save_state(home, CliState(server=live_server, token=admin.token, account_id=admin.account_id))
    result = CliRunner().invoke(
        app,
        ["territory", "publish-root", "--territory", TERRITORY, "--home", str(home)],
        env={"COFFRE_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    assert "déjà publiée" in result.output and "rien n'a été changé" in result.output
    assert api.get("/api/v1/trust/root/v2").json() == before
    assert api.get("/api/v1/trust/revocations").json()["sequence"] == 1
    # Sent anyway (an older client): refused as such, nothing changed.
    again = api.put(
        "/api/v1/trust/root/v2",
        json={"root": first_root_v2(admin.keys, TERRITORY, clock.now())},
        headers=admin.headers,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "trust_root_exists"
    assert api.get("/api/v1/trust/root/v2").json() == before


def test_a_bootstrap_on_a_territory_that_exists_is_refused_and_adds_nothing(
    api: TestClient, settings: Settings, clock: FrozenClock
) -> None:
    bootstrap_territory(_coffre(api), v2=True, now=clock.now())
    with pytest.raises(TerritoryExists):
        make_territory(
            settings, login="autre-63", name="Autre", territory=TERRITORY, passphrase=PASSPHRASE
        )
    with _coffre(api).db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(TrustRootV2)) == 1
        assert db.scalar(select(func.count()).select_from(RevocationList)) == 1
        assert db.scalar(select(func.count(Account.id)).where(Account.login == "autre-63")) == 0


def test_parallel_bootstraps_make_one_territory(api: TestClient, clock: FrozenClock) -> None:
    coffre = _coffre(api)

    def one(index: int) -> str:
        try:
            bootstrap_territory(coffre, v2=True, now=clock.now(), login=f"admin-{index}")
        except CoffreError as exc:
            return exc.code
        return "made"

    answers = burst(PARALLEL, one)
    assert sorted(answers) == ["made"] + [TerritoryExists.code] * (PARALLEL - 1), answers
    with coffre.db.unit_of_work() as db:
        assert db.scalar(select(func.count()).select_from(TrustRoot)) == 1
        assert db.scalar(select(func.count()).select_from(TrustRootV2)) == 1
        assert db.scalar(select(func.count()).select_from(RevocationList)) == 1
        assert (
            db.scalar(select(func.count(Account.id)).where(Account.kind == "territory_admin")) == 1
        )


_SETTINGS_ENV = (
    "environment",
    "secret_key",
    "database_url",
    "max_document_bytes",
    "storage_backend",
    "storage_dir",
    "s3_endpoint",
    "s3_access_key",
    "s3_secret_key",
    "s3_bucket",
    "s3_secure",
    "s3_region",
)


def test_the_bootstrap_command_prints_the_pin_and_the_first_list(
    api: TestClient, settings: Settings
) -> None:
    env = {
        f"COFFRE_{name.upper()}": str(value)
        for name in _SETTINGS_ENV
        if (value := getattr(settings, name)) is not None
    }
    result = CliRunner().invoke(
        app,
        ["territory", "bootstrap", "--login", "admin-63", "--name", "Puy-de-Dôme"]
        + ["--territory", TERRITORY],
        env={**env, "COFFRE_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    chain = api.get("/api/v1/trust/root/v2").json()
    assert f"QR : {chain['pin_qr']}" in result.output
    assert "première liste de révocation publiées" in result.output
    again = CliRunner().invoke(
        app,
        ["territory", "bootstrap", "--login", "autre", "--name", "Autre", "--territory", "63"],
        env={**env, "COFFRE_PASSPHRASE": PASSPHRASE},
    )
    assert again.exit_code == 1
    assert "déjà son administrateur" in again.output
