"""A professional's keys on the partner's side: the key file and its passphrase.

An integration (a CAF agent's script, a SIAO's batch) acts with a personal access
token, which opens nothing: every document key is sealed to the professional's box
key and every receipt names the professional. The professional's private keys stay
on the partner's machine, in a **key file** protected by a passphrase; the server
never sees the file, its passphrase or the keys.

Format (docs/PARTNERS.md, "Key file"): one JSON object, mode 0600,

    {"format": "coffre-partner-key", "v": 1, "account_id": ID, "login": LOGIN,
     "territory": T, "kdf": <KDF v2 parameters, SPEC §19.1>,
     "wrapped_master": B64, "wrapped_keyring": B64,
     "box_public_key": B64, "sign_public_key": B64}

built only from the account's own constructions: a fresh master key (SPEC §5)
wraps the key ring (SPEC §6), and is itself wrapped under the file passphrase's
wrap key (KDF v2, SPEC §19: Argon2id, salt from territory, login and a fresh
random part). Opening it checks the secrets against the public keys (SPEC §6), so
a wrong passphrase or an altered file is a ``DecryptionError``. The account's
master key is never written: the file gives the key pairs and nothing else.

The passphrase may be kept in the OS keyring (``keyring`` package: Secret Service,
macOS Keychain, Windows Credential Locker) under the service ``coffre-partner-key``
and the account id, so an unattended script needs neither a prompt nor an
environment variable. Nothing here logs or prints a passphrase or a key.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from client.api import ApiError
from client.kdf import derive, read_kdf
from crypto import (
    AccountKeys,
    KdfParamsV2,
    b64decode,
    b64encode,
    new_kdf_params_v2,
    new_master_key,
    unwrap_keyring,
    unwrap_master_key,
    wrap_keyring,
    wrap_master_key,
)
from crypto.errors import InvalidInputError

FORMAT: Final = "coffre-partner-key"
VERSION: Final = 1
KEYRING_SERVICE: Final = "coffre-partner-key"
_MEMBERS: Final = frozenset(
    {
        "format",
        "v",
        "account_id",
        "login",
        "territory",
        "kdf",
        "wrapped_master",
        "wrapped_keyring",
        "box_public_key",
        "sign_public_key",
    }
)


class KeyFileError(ApiError):
    """The key file cannot be used: a stable ``code`` and a French message (raised
    here, status 0: nothing was sent)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(0, code, message)


KEY_FILE_LOCKED_FR = (
    "Aucune phrase secrète pour ce fichier de clés : donnez-la (option --key-passphrase "
    "ou variable COFFRE_KEY_PASSPHRASE) ou gardez-la dans le trousseau du système "
    "(coffre key remember)."
)
BAD_FILE_FR = (
    "Ce fichier n'est pas un fichier de clés Coffre lisible : refaites-le avec "
    "« coffre key export »."
)


@dataclass(frozen=True)
class PartnerKeys:
    """The professional's key pairs, opened from a key file, and whose they are."""

    account_id: str
    login: str
    keys: AccountKeys = field(repr=False)


def write_key_file(
    path: Path,
    keys: AccountKeys,
    *,
    account_id: str,
    login: str,
    territory: str,
    passphrase: str,
) -> None:
    """Write ``keys`` to ``path`` (0600, atomically), protected by ``passphrase``."""
    params = new_kdf_params_v2()
    wrap_key = derive(passphrase, params, territory=territory, login=login).wrap_key
    master = new_master_key()
    body = {
        "format": FORMAT,
        "v": VERSION,
        "account_id": account_id,
        "login": login,
        "territory": territory,
        "kdf": params.to_json(),
        "wrapped_master": b64encode(wrap_master_key(master, wrap_key, "passphrase")),
        "wrapped_keyring": b64encode(wrap_keyring(keys, master)),
        "box_public_key": b64encode(keys.box_public),
        "sign_public_key": b64encode(keys.sign_public),
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_key_file(path: Path) -> dict[str, Any]:
    """The key file's members, checked for shape (not opened)."""
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KeyFileError("key_file_unreadable", BAD_FILE_FR) from exc
    if (
        not isinstance(body, dict)
        or set(body) != _MEMBERS
        or body["format"] != FORMAT
        or body["v"] != VERSION
        or not all(isinstance(body[k], str) for k in _MEMBERS - {"v", "kdf"})
    ):
        raise KeyFileError("key_file_unreadable", BAD_FILE_FR)
    return body


def key_file_account(path: Path) -> str:
    """The account id a key file is for (no passphrase needed)."""
    return str(read_key_file(path)["account_id"])


def open_key_file(path: Path, passphrase: str | None = None) -> PartnerKeys:
    """Open the key file with ``passphrase``, or with the one kept in the OS keyring.

    A wrong passphrase or an altered file: ``crypto.errors.DecryptionError``; no
    passphrase anywhere: ``KeyFileError("key_passphrase_missing")``."""
    body = read_key_file(path)
    if passphrase is None:
        passphrase = kept_passphrase(str(body["account_id"]))
        if passphrase is None:
            raise KeyFileError("key_passphrase_missing", KEY_FILE_LOCKED_FR)
    try:
        params = read_kdf(body["kdf"])
        wrapped_master = b64decode(body["wrapped_master"])
        wrapped_keyring = b64decode(body["wrapped_keyring"])
        box_public = b64decode(body["box_public_key"])
        sign_public = b64decode(body["sign_public_key"])
    except InvalidInputError as exc:
        raise KeyFileError("key_file_unreadable", BAD_FILE_FR) from exc
    if not isinstance(params, KdfParamsV2):
        raise KeyFileError("key_file_unreadable", BAD_FILE_FR)
    wrap_key = derive(
        passphrase, params, territory=str(body["territory"]), login=str(body["login"])
    ).wrap_key
    master = unwrap_master_key(wrapped_master, wrap_key, "passphrase")
    keys = unwrap_keyring(wrapped_keyring, master, box_public, sign_public)
    return PartnerKeys(account_id=str(body["account_id"]), login=str(body["login"]), keys=keys)


# -- the OS keyring -------------------------------------------------------------------
def keep_passphrase(account_id: str, passphrase: str) -> None:
    """Keep the key file's passphrase in the OS keyring (raises ``KeyFileError`` when
    this machine has no usable keyring)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, account_id, passphrase)
    except KeyringError as exc:
        raise KeyFileError(
            "keyring_unavailable",
            "Le trousseau du système n'est pas disponible sur cette machine : donnez la "
            "phrase secrète par COFFRE_KEY_PASSPHRASE.",
        ) from exc


def kept_passphrase(account_id: str) -> str | None:
    """The passphrase kept in the OS keyring for this account, if any."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, account_id)
    except KeyringError:
        return None  # no usable keyring here: the caller asks for the passphrase


def forget_passphrase(account_id: str) -> bool:
    """Remove the kept passphrase; False when there was none."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(KEYRING_SERVICE, account_id)
    except PasswordDeleteError:
        return False
    except KeyringError:
        return False
    return True
