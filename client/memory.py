"""What this device remembers between runs so a server cannot roll it back (SPEC §24.4, §25).

A reader of format v2 checks a document's binding against ``min_version``, the
highest version *this device* has seen: the server cannot be asked for it. The
same goes for whether the account has migrated to v2 (after which an unbound v1
document is a binding failure, SPEC §14.7), for the persons' sign keys a
professional trusted on first use (a changed key opens nothing until confirmed,
SPEC §25.3, §14.6) and for the territory's root fingerprint when none is pinned.

One small JSON file, mode 0600, written atomically; nothing secret in it (ids,
version numbers, public keys). The page keeps the same in localStorage
(``coffre.v2.versions.<account_id>``). Without a path, the memory lasts as long as
the object (a script, a test).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from crypto import b64decode, b64encode


class ReaderMemory:
    """Per account: versions seen, migration done, person keys, root fingerprint."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._data: dict[str, Any] = {"accounts": {}}
        if path is not None and path.exists():
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and isinstance(loaded.get("accounts"), dict):
                self._data = loaded

    def _account(self, account_id: str) -> dict[str, Any]:
        accounts: dict[str, Any] = self._data["accounts"]
        entry: dict[str, Any] = accounts.setdefault(
            account_id, {"migrated": False, "versions": {}, "person_keys": {}, "root": None}
        )
        return entry

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self._path.with_name(self._path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._data, handle, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self._path)

    # -- versions (SPEC §24.4 step 3) ---------------------------------------------
    def min_version(self, account_id: str, document_id: str) -> int:
        """The highest version of this document this device has seen (1 if none)."""
        return int(self._account(account_id)["versions"].get(document_id, 1))

    def saw(self, account_id: str, document_id: str, version: int) -> None:
        """Remember ``version`` if it is higher than what was seen."""
        versions = self._account(account_id)["versions"]
        if int(versions.get(document_id, 0)) < version:
            versions[document_id] = version
            self._save()

    # -- migration (SPEC §14.7) ---------------------------------------------------
    def migrated(self, account_id: str) -> bool:
        return bool(self._account(account_id)["migrated"])

    def mark_migrated(self, account_id: str) -> None:
        entry = self._account(account_id)
        if not entry["migrated"]:
            entry["migrated"] = True
            self._save()

    # -- persons' sign keys, trusted on first use (SPEC §24.5, §25) ----------------
    def person_key(self, account_id: str, person_id: str) -> bytes | None:
        known = self._account(account_id)["person_keys"].get(person_id)
        return None if known is None else b64decode(str(known))

    def trust_person_key(self, account_id: str, person_id: str, sign_public_key: bytes) -> None:
        """Remember (or, once the pin was compared, replace) a person's sign key."""
        self._account(account_id)["person_keys"][person_id] = b64encode(sign_public_key)
        self._save()

    # -- the territory's root, when the caller pins none ----------------------------
    def root(self, account_id: str) -> str | None:
        root = self._account(account_id)["root"]
        return None if root is None else str(root)

    def trust_root(self, account_id: str, fingerprint: str) -> None:
        self._account(account_id)["root"] = fingerprint
        self._save()
