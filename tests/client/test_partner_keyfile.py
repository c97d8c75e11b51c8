"""The professional's key file on the partner's side (client/keyfile.py): it opens
with its passphrase only, gives the same key pairs, holds no secret in clear, and
its passphrase can live in the OS keyring instead of the environment."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from client.keyfile import (
    KeyFileError,
    forget_passphrase,
    keep_passphrase,
    key_file_account,
    open_key_file,
    write_key_file,
)
from client.partner import safe_name
from client.partner_sync import remove_partial_files
from crypto import b64decode, b64encode, generate_account_keys
from crypto.errors import DecryptionError

PASSPHRASE = "cartable lumière hibou vingt"


class MemoryKeyring(KeyringBackend):
    """The OS keyring stands in for a service this machine does not run (no D-Bus
    Secret Service in the tests); the code under test goes through ``keyring``'s API."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("none")


@pytest.fixture
def os_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


def _write(path: Path) -> bytes:
    keys = generate_account_keys()
    write_key_file(
        path, keys, account_id="a" * 32, login="pro-caf", territory="63", passphrase=PASSPHRASE
    )
    return keys.box_secret + keys.sign_seed


def test_the_key_file_opens_with_its_passphrase_and_gives_the_same_keys(tmp_path: Path) -> None:
    path = tmp_path / "pro.key"
    secrets = _write(path)
    opened = open_key_file(path, PASSPHRASE)
    assert opened.account_id == "a" * 32 and opened.login == "pro-caf"
    assert opened.keys.box_secret + opened.keys.sign_seed == secrets
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = path.read_bytes()
    assert secrets[:32] not in raw and secrets[32:] not in raw
    assert b64encode(secrets[:32]).encode() not in raw
    assert "PartnerKeys(account_id=" in repr(opened) and "box_secret" not in repr(opened)


def test_a_wrong_passphrase_or_an_altered_file_opens_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pro.key"
    _write(path)
    with pytest.raises(DecryptionError):
        open_key_file(path, "pas la bonne phrase du tout")
    body = json.loads(path.read_text())
    blob = bytearray(b64decode(body["wrapped_keyring"]))
    blob[-1] ^= 1
    body["wrapped_keyring"] = b64encode(bytes(blob))
    path.write_text(json.dumps(body))
    with pytest.raises(DecryptionError):
        open_key_file(path, PASSPHRASE)
    path.write_text('{"format": "autre chose"}')
    with pytest.raises(KeyFileError) as refused:
        open_key_file(path, PASSPHRASE)
    assert refused.value.code == "key_file_unreadable"


def test_the_passphrase_kept_in_the_os_keyring_opens_the_file(
    tmp_path: Path, os_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "pro.key"
    secrets = _write(path)
    with pytest.raises(KeyFileError) as missing:
        open_key_file(path)
    assert missing.value.code == "key_passphrase_missing"
    keep_passphrase(key_file_account(path), PASSPHRASE)
    assert open_key_file(path).keys.sign_seed == secrets[32:]
    assert forget_passphrase(key_file_account(path)) is True
    assert forget_passphrase(key_file_account(path)) is False
    with pytest.raises(KeyFileError):
        open_key_file(path)


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\win.ini", "win.ini"),
        (".bashrc", "bashrc"),
        ("a\x00b\nc.pdf", "a_b_c.pdf"),
        ("", "document"),
        ("..", "document"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_a_name_chosen_by_someone_else_cannot_leave_the_folder(given: str, written: str) -> None:
    assert safe_name(given) == written


def test_only_the_temporary_files_of_an_interrupted_run_are_removed(tmp_path: Path) -> None:
    grant = tmp_path / "g1"
    grant.mkdir()
    (grant / ".coffre-abc.part").write_bytes(b"half")
    (grant / "d1-cni.pdf").write_bytes(b"whole")
    assert remove_partial_files(tmp_path) == 1
    assert [p.name for p in grant.iterdir()] == ["d1-cni.pdf"]
