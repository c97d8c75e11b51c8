"""The whole round trip with the real `coffre` command against a real server on loopback.

The CLI encrypts and decrypts; the test then reads the raw object and every table
and finds neither the document's content nor its file name in clear.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from coffre.settings import Settings
from coffre.storage import make_object_store

COFFRE = Path(sys.executable).parent / "coffre"
PASSPHRASE = "lampe velo nuage tiroir biscuit orange"


def _cli(
    server: str, home: Path, *args: str, passphrase: str = PASSPHRASE
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "COFFRE_SERVER": server,
        "COFFRE_CLI_HOME": str(home / "cli"),
        "COFFRE_PASSPHRASE": passphrase,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(COFFRE), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _everything_the_server_holds(settings: Settings) -> bytes:
    engine = create_engine(settings.database_url)
    blobs: list[bytes] = []
    with engine.connect() as conn:
        for table in ("accounts", "sessions", "documents", "sealed_keys", "login_failures"):
            for row in conn.execute(text(f"SELECT * FROM {table}")).mappings():
                blobs += [v if isinstance(v, bytes) else str(v).encode() for v in row.values()]
        keys = [r[0] for r in conn.execute(text("SELECT object_key FROM documents")) if r[0]]
    engine.dispose()
    store = make_object_store(
        settings.storage_backend,
        local_dir=settings.storage_dir,
        s3_endpoint=settings.s3_endpoint,
        s3_access_key=settings.s3_access_key,
        s3_secret_key=settings.s3_secret_key,
        s3_bucket=settings.s3_bucket,
        s3_secure=settings.s3_secure,
        s3_region=settings.s3_region,
    )
    for key in keys:
        blobs.append(b"".join(store.open_stream(key)))
    return b"\n".join(blobs)


def test_the_cli_round_trip_is_byte_identical_and_the_server_sees_only_ciphertext(
    live_server: str, settings: Settings, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    marker = b"CARTE-NATIONALE-IDENTITE-X7Y8Z9 "
    source = tmp_path / "cni-camille-recto.jpg"
    source.write_bytes(marker * 1000 + secrets.token_bytes(3 * 1024 * 1024) + marker)

    signup = _cli(live_server, home, "signup", "--login", "camille")
    assert signup.returncode == 0, signup.stderr
    assert re.search(r"[A-Z2-7]{4}(-[A-Z2-7]{3,4}){6}", signup.stdout), "recovery code shown"

    assert _cli(live_server, home, "logout").returncode == 0
    login = _cli(live_server, home, "login", "--login", "camille")
    assert login.returncode == 0, login.stderr

    uploaded = _cli(live_server, home, "upload", str(source), "--category", "identite")
    assert uploaded.returncode == 0, uploaded.stderr
    document_id = re.search(r"[0-9a-f]{32}", uploaded.stdout).group(0)  # type: ignore[union-attr]

    listing = _cli(live_server, home, "list")
    assert listing.returncode == 0, listing.stderr
    assert "cni-camille-recto.jpg" in listing.stdout and document_id in listing.stdout

    target = tmp_path / "back.jpg"
    downloaded = _cli(live_server, home, "download", document_id, "-o", str(target))
    assert downloaded.returncode == 0, downloaded.stderr
    assert target.read_bytes() == source.read_bytes()

    held = _everything_the_server_holds(settings)
    assert b"CARTE-NATIONALE" not in held
    assert b"cni-camille" not in held
    assert PASSPHRASE.encode() not in held


def test_a_wrong_passphrase_opens_nothing_and_says_so_in_french(
    live_server: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert _cli(live_server, home, "signup", "--login", "nadia").returncode == 0
    wrong = _cli(live_server, home, "list", passphrase="not the right one at all")
    assert wrong.returncode == 1
    assert "phrase secrète" in wrong.stderr
    refused = _cli(live_server, home, "login", "--login", "nadia", passphrase="still wrong")
    assert refused.returncode == 1
    assert "invalid_credentials" in refused.stderr


def test_deleting_from_the_cli_empties_the_vault(live_server: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    source = tmp_path / "quittance.pdf"
    source.write_bytes(b"%PDF-1.4 quittance de loyer")
    assert _cli(live_server, home, "signup", "--login", "yanis").returncode == 0
    uploaded = _cli(live_server, home, "upload", str(source), "--category", "logement")
    document_id = re.search(r"[0-9a-f]{32}", uploaded.stdout).group(0)  # type: ignore[union-attr]
    assert _cli(live_server, home, "delete", document_id, "--yes").returncode == 0
    listing = _cli(live_server, home, "list")
    assert "vide" in listing.stdout
    gone = _cli(live_server, home, "download", document_id, "-o", str(tmp_path / "x"))
    assert gone.returncode == 1 and "document_not_found" in gone.stderr
    assert not (tmp_path / "x").exists()
