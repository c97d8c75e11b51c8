"""The `coffre` command in format v2, run for real against a live server: a v1 vault
moves to v2 at log-in without sending any document again, uploads and renames are
signed, and a rename rolled back by the server is refused by the computer that saw it,
with a French message and no file written."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from coffre.settings import Settings
from tests.client.hostile import HostileServer
from tests.factories import encrypted_document, make_person, upload
from tests.test_cli_roundtrip import _cli


@pytest.fixture
def hostile(settings: Settings) -> Iterator[HostileServer]:
    server = HostileServer(settings)
    yield server
    server.close()


def _memory(home: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((home / "cli" / "v2-memory.json").read_text())
    return data


def test_logging_in_moves_a_v1_vault_to_v2_and_every_document_still_downloads(
    api: TestClient, live_server: str, hostile: HostileServer, tmp_path: Path
) -> None:
    person = make_person(api)
    documents = [encrypted_document(person, name=f"piece-{n}.pdf") for n in range(2)]
    ids = [upload(api, person, d) for d in documents]
    home = tmp_path / "home"
    home.mkdir()

    login = _cli(live_server, home, "login", "--login", person.login, passphrase=person.passphrase)
    assert login.returncode == 0, login.stderr
    assert "format 2 : 2 document(s) signé(s), sans rien renvoyer" in login.stdout
    assert all(hostile.row(i)["version"] == 1 for i in ids)
    [account] = _memory(home)["accounts"].values()  # type: ignore[attr-defined]
    assert account["migrated"] is True and set(account["versions"]) == set(ids)

    for document_id, document in zip(ids, documents, strict=True):
        target = tmp_path / f"{document_id}.pdf"
        got = _cli(
            live_server,
            home,
            "download",
            document_id,
            "-o",
            str(target),
            passphrase=person.passphrase,
        )
        assert got.returncode == 0, got.stderr
        assert target.read_bytes() == document.plaintext
    again = _cli(live_server, home, "migrate", passphrase=person.passphrase)
    assert again.returncode == 0 and "0 document(s) signé(s) maintenant" in again.stdout


def test_a_rename_rolled_back_by_the_server_is_refused_in_french_and_nothing_is_written(
    live_server: str, hostile: HostileServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert _cli(live_server, home, "signup", "--login", "ines").returncode == 0
    source = tmp_path / "quittance.pdf"
    source.write_bytes(b"%PDF-1.4 quittance de loyer")
    uploaded = _cli(live_server, home, "upload", str(source), "--category", "logement")
    assert uploaded.returncode == 0, uploaded.stderr
    document_id = re.search(r"[0-9a-f]{32}", uploaded.stdout).group(0)  # type: ignore[union-attr]
    assert hostile.row(document_id)["format"] == 2
    before = hostile.row(document_id)

    renamed = _cli(live_server, home, "rename", document_id, "quittance-mars.pdf")
    assert renamed.returncode == 0, renamed.stderr
    assert "quittance-mars.pdf" in _cli(live_server, home, "list").stdout

    hostile.set(
        document_id,
        binding=before["binding"],
        version=before["version"],
        encrypted_metadata=before["encrypted_metadata"],
    )
    out = tmp_path / "out"
    out.mkdir()
    target = out / "quittance.pdf"
    refused = _cli(live_server, home, "download", document_id, "-o", str(target))
    assert refused.returncode == 1
    assert "plus ancienne" in refused.stderr and "Rien n'a été écrit" in refused.stderr
    assert list(out.iterdir()) == []  # not even a partial file
