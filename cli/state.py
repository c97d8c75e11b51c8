"""The CLI's small state file: server address, session token, login and public key.

No secret key and no passphrase is ever written: commands that decrypt ask for the
passphrase (or read it from COFFRE_PASSPHRASE for scripts) and keep keys in memory.
The file is created with mode 0600.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from client.api import CoffreClient, LoginOutcome
from client.memory import ReaderMemory
from crypto import b64encode


@dataclass
class CliState:
    server: str
    token: str | None = None
    login: str | None = None
    account_id: str | None = None
    box_public_key: str | None = None


def state_path(home: Path) -> Path:
    return home / "session.json"


def memory_path(home: Path) -> Path:
    """What this computer remembers against a server that rolls back (client/memory.py):
    versions seen, the migration to format v2, persons' keys. No secret in it."""
    return home / "v2-memory.json"


def open_client(home: Path, state: CliState) -> CoffreClient:
    """A client for the saved session, with this computer's memory."""
    return CoffreClient(state.server, token=state.token, memory=ReaderMemory(memory_path(home)))


def load_state(home: Path) -> CliState | None:
    path = state_path(home)
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return CliState(**{key: data.get(key) for key in CliState.__dataclass_fields__})


def save_state(home: Path, state: CliState) -> None:
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = state_path(home)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(state), handle)
    os.replace(tmp, path)


def clear_state(home: Path) -> None:
    state_path(home).unlink(missing_ok=True)


def require_session(home: Path) -> CliState:
    """The saved session, or a French message and exit code 1 when there is none."""
    import typer

    from cli.i18n import _

    state = load_state(home)
    if state is None or not state.token:
        typer.echo(_("Aucune session ouverte sur cet ordinateur. Lancez d'abord : coffre login"))
        raise typer.Exit(code=1)
    return state


def remember_login(home: Path, server: str, logged: LoginOutcome) -> None:
    """Keep what the next commands need after a login (never a secret key)."""
    save_state(
        home,
        CliState(
            server=server,
            token=logged.token,
            login=logged.login,
            account_id=logged.account_id,
            box_public_key=b64encode(logged.keys.box_public),
        ),
    )
