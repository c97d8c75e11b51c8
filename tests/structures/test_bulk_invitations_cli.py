"""``coffre structure …`` against a live server, both backends: invite-csv lists the
rejected rows and creates nothing, then the links of a good file; members shows the
certificate's state; certify refuses a pin that does not match the member's key;
end-membership ends it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from cli.state import CliState, save_state
from coffre.structures.models import Invitation
from tests.structures.world import World, build_world


@pytest.fixture
def world(api: TestClient) -> World:
    return build_world(api)


def _invitations(api: TestClient) -> int:
    coffre = api.app.state.coffre  # type: ignore[attr-defined]
    with coffre.db.unit_of_work() as db:
        return int(db.scalar(select(func.count(Invitation.id))) or 0)


def test_structure_commands(
    api: TestClient, world: World, live_server: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    admin = world.structure_admin
    save_state(home, CliState(server=live_server, token=admin.token, account_id=admin.account_id))
    runner = CliRunner()
    sid = world.structure_id

    bad = tmp_path / "bad.csv"
    bad.write_text("nom;profession;email\nA;plombier;a@x.example\nB;autre;b@x.example\n")
    before = _invitations(api)
    refused = runner.invoke(app, ["structure", "invite-csv", sid, str(bad), "--home", str(home)])
    assert refused.exit_code == 1
    assert "ligne 2 [profession]" in refused.output
    assert "invitation_rows_rejected" in refused.output
    assert _invitations(api) == before

    good = tmp_path / "good.csv"
    good.write_text("nom;profession;email\nA;autre;a@x.example\nB;autre;b@x.example\n")
    done = runner.invoke(app, ["structure", "invite-csv", sid, str(good), "--home", str(home)])
    assert done.exit_code == 0, done.output
    assert "2 invitation(s)" in done.output and "n'envoie pas encore d'e-mail" in done.output
    assert done.output.count("#invitation=") == 2
    assert _invitations(api) == before + 2

    listed = runner.invoke(app, ["structure", "members", sid, "--home", str(home)])
    assert listed.exit_code == 0, listed.output
    assert "Mme Dupont" in listed.output and "certificat valable" in listed.output

    pro = world.professional.account_id
    wrong = runner.invoke(
        app,
        ["structure", "certify", sid, pro, "--pin", "AAAA-BBBB", "--home", str(home)],
        env={"COFFRE_PASSPHRASE": "inutile"},
    )
    assert wrong.exit_code == 1
    assert "ne correspondent pas" in wrong.output

    line = next(x for x in listed.output.splitlines() if "Mme Dupont" in x)
    membership = line.split("\t")[0]
    ended = runner.invoke(app, ["structure", "end-membership", membership, "--home", str(home)])
    assert ended.exit_code == 0, ended.output
    again = runner.invoke(app, ["structure", "members", sid, "--home", str(home)])
    assert "Mme Dupont" not in again.output
