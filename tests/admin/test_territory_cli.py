"""``coffre territory …`` for the territory admin, against a real server: admit (a wrong
SIRET refused before anything is sent), invite the structure's admin (link, code, QR
file), the charter's preview (differences and located problems, exit 1 when invalid),
its publication after confirmation, the adhesions, and ending one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.consent.charters import charter_text
from tests.structures.world import World, build_world, material
from tests.test_cli_roundtrip import _cli

ADHESION = """
[[structures]]
siret = "73282932000074"
nom = "CCAS de Riom"
adhesion = 2026-01-01
"""


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def session_home(tmp_path: Path, server: str, world: World) -> Path:
    """The CLI's saved session (what `coffre login` with the 6-digit code leaves)."""
    home = tmp_path / "home"
    (home / "cli").mkdir(parents=True)
    state = {"server": server, "token": world.admin.token, "login": world.admin.login}
    (home / "cli" / "session.json").write_text(json.dumps(state), encoding="utf-8")
    return home


def test_the_territory_admin_runs_the_territory_from_the_command_line(
    api: TestClient, world: World, live_server: str, tmp_path: Path
) -> None:
    home = session_home(tmp_path, live_server, world)

    def run(*args: str) -> tuple[int, str, str]:
        done = _cli(live_server, home, "territory", *args)
        return done.returncode, done.stdout, done.stderr

    # -- admit: the Luhn key first, then the server --------------------------------------
    code, _, err = run(
        "admit",
        "--name",
        "CCAS de Riom",
        "--kind",
        "ccas",
        "--address",
        "Riom",
        "--siret",
        "732 829 320 00075",
    )
    assert code == 1 and "un chiffre est faux" in err
    code, out, _ = run(
        "admit",
        "--name",
        "CCAS de Riom",
        "--kind",
        "ccas",
        "--address",
        "Riom",
        "--siret",
        "732 829 320 00074",
    )
    assert code == 0, out
    structure_id = out.split("identifiant ")[1].split(")")[0]
    assert "« CCAS de Riom » est admise" in out

    # -- invite its admin: link, code, QR file; the code works once ----------------------
    qr = tmp_path / "invitation.svg"
    code, out, _ = run("invite-admin", structure_id, "--name", "Mme Admin", "--qr", str(qr))
    assert code == 0, out
    invitation_code = out.split("Code : ")[1].split()[0]
    assert f"#invitation={invitation_code}" in out
    assert qr.read_text().startswith("<svg")
    joined = api.post(
        "/api/v1/invitations/accept",
        json={"code": invitation_code, "account": material(33, "mme-admin").signup_body},
    )
    assert joined.status_code == 201, joined.text
    code, out, _ = run("invite-officer", "--name", "Mme Vigie")
    assert code == 0 and "Code : " in out

    # -- the charter: a broken file, then a good one, published after confirmation ------
    broken = tmp_path / "cassee.toml"
    broken.write_text(charter_text(version=1, max_days=0), encoding="utf-8")
    code, out, _ = run("charter", "preview", str(broken))
    assert code == 1
    assert "À « finalites[1] (« ouverture-droits-rsa »).duree_max_jours »" in out
    good = tmp_path / "charte.toml"
    good.write_text(charter_text(version=1, structures=ADHESION), encoding="utf-8")
    code, out, _ = run("charter", "preview", str(good))
    assert code == 0 and "+ Finalité ajoutée : Ouverture de droits au RSA" in out
    assert api.get("/api/v1/charters/current").json()["error"]["code"] == "no_charter_in_force"
    code, out, _ = run("charter", "publish", str(good), "--yes")
    assert code == 0 and "la version 1 de la charte est publiée" in out, out
    # A second version: its differences, then the confirmation refused (nothing published).
    good.write_text(charter_text(version=2, max_days=60, structures=ADHESION), encoding="utf-8")
    code, out, _ = run("charter", "publish", str(good))
    assert "Durée maximale : 30 → 60 jours" in out
    assert code == 1 and "Rien n'a été publié." in out
    assert api.get("/api/v1/charters/current").json()["version"] == 1

    # -- adhesions, and ending one ---------------------------------------------------------
    code, out, _ = run("adhesions")
    assert code == 0 and "CCAS de Riom" in out and "depuis le 01/01/2026" in out
    written = tmp_path / "v2.toml"
    code, out, _ = run("end-adhesion", structure_id, "-o", str(written), "--yes")
    assert code == 0, out
    assert "~ Fin d'adhésion : CCAS de Riom" in out
    assert "la version 2 de la charte est publiée" in out
    assert "fin = " in written.read_text()
    assert api.get("/api/v1/charters/current").json()["structures"][0]["until"] is not None
