"""Attack: ``coffre restore`` fed a hostile backup (issue 21).

Anyone holding the operator's PUBLIC age recipient can make files the restore decrypts
(age gives no authenticity: coffre/backup/streams.py), so a manifest may name anything.
Whatever it says, nothing is written outside the target database and store, and each
refusal is the stable code backup_manifest_invalid or backup_hash_mismatch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyrage import x25519

from coffre.backup.errors import BackupHashMismatch, BackupManifestInvalid
from coffre.backup.manifest import DATABASE_FILE, MANIFEST_FILE, FileEntry, Manifest
from coffre.backup.places import DirectoryPlace
from coffre.backup.service import _checked, restore
from coffre.backup.streams import encrypted
from coffre.storage.local import LocalObjectStore

KEY = "doc/" + "a" * 32
SHA = hashlib.sha256(b"x").hexdigest()


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "format": "coffre-backup",
        "version": 1,
        "name": "coffre-20261207T013000Z",
        "created_at": "2026-12-07T01:30:00Z",
        "database": {
            "kind": "sqlite",
            "alembic_head": "c3e7a2f4d9b6",
            "file": DATABASE_FILE,
            "sha256": SHA,
            "size": 1,
        },
        "objects": [{"key": KEY, "file": f"objects/{KEY}.age", "sha256": SHA, "size": 1}],
        "deleted_after_snapshot": [],
        "replaced_after_snapshot": [],
        "missing": [],
        "damaged": [],
    }
    body.update(changes)
    objects = body["objects"]
    sizes = [o.get("size", 0) for o in objects if isinstance(o, dict)]
    body.setdefault(
        "counts",
        {
            "documents": 1,
            "objects": len(objects),
            "object_bytes": sum(s for s in sizes if isinstance(s, int)),
            "database_bytes": 1,
            **{
                part: len(body[part]) if isinstance(body[part], list) else 0
                for part in ("deleted_after_snapshot", "replaced_after_snapshot", "missing")
            },
            "damaged": len(body["damaged"]) if isinstance(body["damaged"], list) else 0,
        },
    )
    return body


def _object(key: str, file: str | None = None, size: int = 1) -> dict[str, Any]:
    return {"key": key, "file": file or f"objects/{key}.age", "sha256": SHA, "size": size}


HOSTILE: dict[str, dict[str, Any]] = {
    "dotdot key": _body(objects=[_object("doc/../../etc/passwd")]),
    "dotdot file": _body(objects=[_object(KEY, file="objects/../../../tmp/x.age")]),
    "absolute key": _body(objects=[_object("/etc/" + "a" * 32)]),
    "absolute file": _body(objects=[_object(KEY, file="/tmp/evil.age")]),
    "nul in key": _body(objects=[_object("doc/" + "a" * 16 + "\x00" + "a" * 15)]),
    "newline in key": _body(objects=[_object("doc/" + "a" * 31 + "\n")]),
    "control in file": _body(objects=[_object(KEY, file=f"objects/{KEY}\r.age")]),
    "unicode key": _body(objects=[_object("doc/" + "а" * 32)]),  # Cyrillic a
    "negative size": _body(objects=[_object(KEY, size=-1)]),
    "size not int": _body(objects=[_object(KEY, size=1.5)]),  # type: ignore[arg-type]
    "size bool": _body(objects=[_object(KEY, size=True)]),
    "duplicate key": _body(objects=[_object(KEY), _object(KEY)]),
    "other database file": _body(
        database={
            "kind": "sqlite",
            "alembic_head": "c3e7a2f4d9b6",
            "file": "../database.age",
            "sha256": SHA,
            "size": 1,
        }
    ),
    "counts lie": _body(
        counts={
            "documents": 1,
            "objects": 0,
            "object_bytes": 0,
            "database_bytes": 1,
            "deleted_after_snapshot": 0,
            "replaced_after_snapshot": 0,
            "missing": 0,
            "damaged": 0,
        }
    ),
    "objects not a list": _body(objects={"a": 1}),
    # Printed to the operator's terminal by coffre restore (the name, the date, the
    # revision in an error, the keys and ids): no escape sequence, no line of its own.
    "escape in name": _body(name="coffre-20261207T013000Z\x1b[2J"),
    "newline in date": _body(created_at="2026-12-07T01:30:00Z\nRestauration réussie"),
    "escape in revision": _body(
        database={
            "kind": "sqlite",
            "alembic_head": "\x1b]0;coffre\x07",
            "file": DATABASE_FILE,
            "sha256": SHA,
            "size": 1,
        }
    ),
    "escape in missing": _body(missing=[KEY + "\x1b[31m"]),
    "damaged not a key": _body(damaged=["../" + "a" * 32]),
    "deleted not an id": _body(deleted_after_snapshot=["a" * 31 + "\n"]),
    "replaced not an id": _body(replaced_after_snapshot=["x" * 2000]),
    "unknown kind": _body(
        database={
            "kind": "mysql",
            "alembic_head": "x",
            "file": DATABASE_FILE,
            "sha256": SHA,
            "size": 1,
        }
    ),
}


@pytest.fixture(scope="module")
def identity() -> x25519.Identity:
    return x25519.Identity.generate()


def _write_backup(folder: Path, identity: x25519.Identity, manifest: bytes) -> DirectoryPlace:
    place = DirectoryPlace(folder)
    place.create()
    place.write(MANIFEST_FILE, encrypted([manifest], [identity.to_public()]))
    return place


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_manifest_is_refused_before_anything_is_written(
    case: str, identity: x25519.Identity, tmp_path: Path
) -> None:
    place = _write_backup(tmp_path / "backup", identity, json.dumps(HOSTILE[case]).encode())
    target = tmp_path / "target"
    target.mkdir()
    store = LocalObjectStore(target / "objects")
    before = _tree(tmp_path)
    with pytest.raises(BackupManifestInvalid) as refused:
        restore(
            place=place,
            identities=[identity],
            database_url=f"sqlite:///{target / 'coffre.db'}",
            store=store,
        )
    assert refused.value.code == "backup_manifest_invalid"
    assert not any(ord(c) < 32 or ord(c) == 127 for c in refused.value.message_fr)
    assert _tree(tmp_path) == before
    assert next(iter(store.list_objects()), None) is None


def test_the_untouched_manifest_of_these_tests_is_accepted() -> None:
    # So that each refusal above is for its own change, not for a base that never parses.
    manifest = Manifest.from_json(json.dumps(_body()).encode())
    assert [o.key for o in manifest.objects] == [KEY]


def test_a_file_longer_than_its_manifest_says_is_refused_as_soon_as_it_is_longer() -> None:
    """A manifest saying 1 byte for an endless (or 100 GiB) database file: the restore
    must stop reading at the first byte too many, not stage the whole file on the
    target's disk (next to the SQLite database) and compare sizes at the end."""
    read = 0

    def endless() -> Iterator[bytes]:
        nonlocal read
        while read < 4096:  # bounded here so that the test ends even when it fails
            read += 1
            yield b"\0" * 65536

    entry = FileEntry(DATABASE_FILE, SHA, 1)
    with pytest.raises(BackupHashMismatch) as refused:
        for _ in _checked(endless(), entry):
            pass
    assert refused.value.code == "backup_hash_mismatch"
    assert read <= 2, f"{read} chunks of 64 KiB read past a size of 1 byte"


@pytest.mark.parametrize("missing", [DATABASE_FILE, f"objects/{KEY}.age"])
def test_a_file_the_manifest_names_but_the_backup_lacks_is_a_backup_refusal(
    missing: str, identity: x25519.Identity, tmp_path: Path
) -> None:
    """A backup folder copied in part (its database file, or one object's, left behind):
    the restore says the backup is damaged (backup_hash_mismatch, naming the file), not
    object_not_found ("this content is not in the store", about the target), and leaves
    the target as it found it."""
    place = _write_backup(tmp_path / "backup", identity, json.dumps(_body()).encode())
    recipient = [identity.to_public()]
    for name in (DATABASE_FILE, f"objects/{KEY}.age"):
        if name != missing:
            place.write(name, encrypted([b"x"], recipient))
    target = tmp_path / "target"
    target.mkdir()
    store = LocalObjectStore(target / "objects")
    before = _tree(tmp_path)
    with pytest.raises(BackupHashMismatch) as refused:
        restore(
            place=place,
            identities=[identity],
            database_url=f"sqlite:///{target / 'coffre.db'}",
            store=store,
        )
    assert refused.value.code == "backup_hash_mismatch"
    assert getattr(refused.value, "file", None) == missing
    assert _tree(tmp_path) == before
    assert next(iter(store.list_objects()), None) is None
