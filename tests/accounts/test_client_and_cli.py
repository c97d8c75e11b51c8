"""The Python client and the `coffre sessions` / `coffre totp` commands."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from client import ApiError, CoffreClient
from coffre.clock import FrozenClock
from tests import cli_in_process
from tests.accounts.factories import totp_code
from tests.factories import make_person

PASSPHRASE = "lampe velo nuage tiroir biscuit orange"


def _client(api: TestClient) -> CoffreClient:
    return CoffreClient("http://testserver", http=api)  # type: ignore[arg-type]


def test_the_client_turns_totp_on_and_then_logs_in_with_a_code(
    api: TestClient, clock: FrozenClock
) -> None:
    person = make_person(api)
    client = _client(api)
    client.login(person.login, person.passphrase)
    enrolment = client.enable_totp()
    assert enrolment.otpauth_uri.startswith("otpauth://totp/")
    client.confirm_totp(totp_code(enrolment.secret, clock))
    clock.advance(seconds=30)

    with pytest.raises(ApiError) as refused:
        client.login(person.login, person.passphrase)
    assert refused.value.code == "totp_required"
    logged = client.login(
        person.login, person.passphrase, totp_code=totp_code(enrolment.secret, clock)
    )
    assert logged.login == person.login


def test_the_client_lists_and_revokes_sessions(api: TestClient) -> None:
    person = make_person(api)
    client = _client(api)
    client.login(person.login, person.passphrase)

    sessions = client.sessions()
    assert [s.current for s in sessions].count(True) == 1
    assert any(s.label.startswith("Application Coffre") for s in sessions)
    other = next(s for s in sessions if not s.current)
    client.revoke_session(other.id)
    assert [s.id for s in client.sessions()] == [next(s.id for s in sessions if s.current)]
    with pytest.raises(ApiError) as unknown:
        client.revoke_session(other.id)
    assert unknown.value.code == "session_not_found"


def _cli(server: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``coffre *args`` in this process (tests/cli_in_process.py: same entry point,
    arguments, environment, output and exit code as the real command's process)."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "COFFRE_SERVER": server,
        "COFFRE_CLI_HOME": str(home / "cli"),
        "COFFRE_PASSPHRASE": PASSPHRASE,
        "COLUMNS": "200",
    }
    return cli_in_process.run(list(args), env)


def test_the_cli_shows_sessions_and_turns_totp_on(
    live_server: str, tmp_path: Path, clock: FrozenClock
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert _cli(live_server, home, "signup", "--login", "samia").returncode == 0

    listed = _cli(live_server, home, "sessions")
    assert listed.returncode == 0, listed.stderr
    assert "Application Coffre" in listed.stdout and "cet ordinateur" in listed.stdout

    enabled = _cli(live_server, home, "totp", "enable", "--svg", str(tmp_path / "qr.svg"))
    assert enabled.returncode == 0, enabled.stderr
    match = re.search(r"clé : ((?:[A-Z2-7]{4} ?){8})", enabled.stdout)
    assert match, enabled.stdout
    totp = pyotp.TOTP(match.group(1).replace(" ", ""))
    assert (tmp_path / "qr.svg").read_text().startswith("<svg")
    # The server runs on the test's clock: codes are computed at its time.
    confirmed = _cli(live_server, home, "totp", "confirm", totp.at(clock.now()))
    assert confirmed.returncode == 0, confirmed.stderr

    # A later code: the one used to confirm cannot be used again.
    clock.advance(seconds=30)
    code = totp.at(clock.now())
    relogged = _cli(live_server, home, "login", "--login", "samia", "--totp", code)
    assert relogged.returncode == 0, relogged.stderr

    others = _cli(live_server, home, "sessions", "revoke-others")
    assert others.returncode == 0, others.stderr
    assert "1 autre(s) session(s) fermée(s)" in others.stdout


def test_the_cli_logs_out_when_its_own_session_is_revoked(live_server: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert _cli(live_server, home, "signup", "--login", "yanis").returncode == 0
    listed = _cli(live_server, home, "sessions")
    current = re.search(r"^\W*([0-9a-f]{16,32})\W.*cet ordinateur", listed.stdout, re.M)
    assert current, listed.stdout

    revoked = _cli(live_server, home, "sessions", "revoke", current.group(1))

    assert revoked.returncode == 0, revoked.stderr
    assert "vous êtes déconnecté·e" in revoked.stdout
    assert "Aucune session ouverte sur cet ordinateur" in _cli(live_server, home, "sessions").stdout
