"""Helpers of the recovery, passphrase, reset and erasure tests.

A person is made with the real client (``CoffreClient`` over the test app), so the
recovery code is the one the person would have written down, and documents are
encrypted, uploaded, downloaded and decrypted as on a person's machine.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from client import CoffreClient
from client.api import LoginOutcome
from client.kdf import derive, read_kdf
from coffre.container import Coffre
from coffre.settings import Settings
from crypto import (
    b64encode,
    derive_recovery_keys,
    parse_recovery_code,
)
from tests.kdf_factories import TERRITORY

PASSPHRASE = "tortue jardin ficelle amande"
NEW_PASSPHRASE = "citron bateau lampe nuage violet"


@dataclass
class Owner:
    """A person with a vault, their recovery code, and a client logged in as them."""

    login: str
    passphrase: str
    recovery_code: str
    client: CoffreClient
    session: LoginOutcome

    @property
    def recovery_auth_key(self) -> bytes:
        return derive_recovery_keys(parse_recovery_code(self.recovery_code)).auth_key


def client_for(api: TestClient) -> CoffreClient:
    return CoffreClient("", http=api)


def make_owner(api: TestClient, login: str | None = None) -> Owner:
    login = login or f"personne-{secrets.token_hex(4)}"
    client = client_for(api)
    outcome = client.signup(login, PASSPHRASE)
    session = client.login(login, PASSPHRASE)
    return Owner(login, PASSPHRASE, outcome.recovery_code, client, session)


def upload_files(owner: Owner, folder: Path, count: int = 2) -> dict[str, bytes]:
    """Upload ``count`` random files; returns document id -> plaintext."""
    folder.mkdir(parents=True, exist_ok=True)
    uploaded: dict[str, bytes] = {}
    for index in range(count):
        content = secrets.token_bytes(70_000 + index * 1000)
        path = folder / f"piece-{index}.pdf"
        path.write_bytes(content)
        document_id = owner.client.upload(
            path, "identite", box_public_key=owner.session.keys.box_public
        )
        uploaded[document_id] = content
    return uploaded


def coffre_of(api: TestClient) -> Coffre:
    coffre: Coffre = api.app.state.coffre  # type: ignore[attr-defined]
    return coffre


def rows(settings: Settings, table: str) -> list[dict[str, Any]]:
    engine = create_engine(settings.database_url)
    with engine.connect() as conn:
        found = [dict(r) for r in conn.execute(text(f"SELECT * FROM {table}")).mappings()]
    engine.dispose()
    return found


def recover_start(api: TestClient, login: str, recovery_auth_key: bytes) -> Any:
    return api.post(
        "/api/v1/auth/recover",
        json={"login": login, "recovery_auth_key": b64encode(recovery_auth_key)},
    )


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def auth_key_of(api: TestClient, owner: Owner) -> bytes:
    """The login value of the owner's current passphrase, as a client derives it."""
    kdf = api.post("/api/v1/auth/prelogin", json={"login": owner.login}).json()["kdf"]
    params = read_kdf(kdf)  # v1 or v2 (SPEC §19: the salt from territory and login)
    return derive(owner.passphrase, params, territory=TERRITORY, login=owner.login).auth_key


COFFRE = Path(sys.executable).parent / "coffre"


def run_cli(
    server: str, home: Path, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """The real ``coffre`` command against a live server; ``env`` adds COFFRE_* variables."""
    base = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "COLUMNS": "200",
        "COFFRE_SERVER": server,
        "COFFRE_CLI_HOME": str(home / "cli"),
    }
    return subprocess.run(
        [str(COFFRE), *args],
        env={**base, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
