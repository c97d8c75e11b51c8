"""The backup's manifest: what a whole backup holds, written last (``manifest.age``).

JSON, encrypted to the same recipients as every other file::

    {"format": "coffre-backup", "version": 1, "name": "coffre-20261207T013000Z",
     "created_at": "2026-12-07T01:30:00Z",
     "database": {"kind": "postgresql" | "sqlite", "alembic_head": "c3e7a2f4d9b6",
                  "file": "database.age", "sha256": "…", "size": 123},
     "objects": [{"key": "doc/…", "file": "objects/doc/….age", "sha256": "…", "size": 1}],
     "deleted_after_snapshot": ["<document id>", …],
     "replaced_after_snapshot": ["<document id>", …],
     "missing": ["doc/…"], "damaged": ["doc/…"],
     "counts": {"documents": 2, "objects": 2, "object_bytes": 3, …}}

Every ``sha256``/``size`` is of the file's PLAINTEXT (the dump, the object's ciphertext
exactly as the store holds it), measured while it was written; the restore measures
it again before anything counts as restored. ``deleted_after_snapshot``: documents
live in the snapshot whose object was gone when the copy reached it because the person
deleted them meanwhile (the restore deletes them again: keys dropped, like the person
did). ``replaced_after_snapshot``: documents re-encrypted meanwhile (a revocation, a
move to format 2): their old object is gone and their new one is after the snapshot,
so this backup lacks them (``coffre backup`` exits 3 and says to run it again).
``missing``: live documents whose object was already lost in the store;
``damaged``: objects whose bytes no longer match their row's hash (both are reported
by ``coffre backup``, and restored as they are, so ``coffre doctor`` shows them).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from coffre.backup.errors import BackupManifestInvalid

FORMAT = "coffre-backup"
VERSION = 1
MANIFEST_FILE = "manifest.age"
DATABASE_FILE = "database.age"
_HEX64 = re.compile(r"[0-9a-f]{64}")
NAME_RE = re.compile(r"coffre-\d{8}T\d{6}Z")
# What coffre restore prints or looks up, from a manifest anyone with the public
# recipient can write: each of a fixed shape (no escape sequence reaches the terminal).
_AT_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_REVISION_RE = re.compile(r"[0-9a-z_]{1,64}")
_ID_RE = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class FileEntry:
    file: str
    sha256: str
    size: int
    key: str | None = None  # an object's key in the store


@dataclass
class Manifest:
    name: str
    created_at: str
    database_kind: str
    alembic_head: str | None
    database: FileEntry
    objects: list[FileEntry] = field(default_factory=list)
    deleted_after_snapshot: list[str] = field(default_factory=list)
    replaced_after_snapshot: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)
    documents: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "objects": len(self.objects),
            "object_bytes": sum(o.size for o in self.objects),
            "database_bytes": self.database.size,
            "deleted_after_snapshot": len(self.deleted_after_snapshot),
            "replaced_after_snapshot": len(self.replaced_after_snapshot),
            "missing": len(self.missing),
            "damaged": len(self.damaged),
        }

    def to_json(self) -> bytes:
        body: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "created_at": self.created_at,
            "database": {
                "kind": self.database_kind,
                "alembic_head": self.alembic_head,
                "file": self.database.file,
                "sha256": self.database.sha256,
                "size": self.database.size,
            },
            "objects": [asdict(o) for o in self.objects],
            "deleted_after_snapshot": self.deleted_after_snapshot,
            "replaced_after_snapshot": self.replaced_after_snapshot,
            "missing": self.missing,
            "damaged": self.damaged,
            "counts": self.counts(),
        }
        return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Parse and check a manifest; BackupManifestInvalid on anything unexpected."""
        try:
            body = json.loads(raw)
            if body.get("format") != FORMAT or body.get("version") != VERSION:
                raise ValueError("not a coffre backup manifest of a known version")
            database = body["database"]
            from coffre.storage import validate_key

            manifest = cls(
                name=_shaped(body["name"], NAME_RE),
                created_at=_shaped(body["created_at"], _AT_RE),
                database_kind=_text(database["kind"]),
                alembic_head=None
                if database["alembic_head"] is None
                else _shaped(database["alembic_head"], _REVISION_RE),
                database=_entry(database),
                objects=[_entry(o, with_key=True) for o in body["objects"]],
                deleted_after_snapshot=[_shaped(i, _ID_RE) for i in body["deleted_after_snapshot"]],
                replaced_after_snapshot=[
                    _shaped(i, _ID_RE) for i in body["replaced_after_snapshot"]
                ],
                missing=[validate_key(_text(k)) for k in body["missing"]],
                damaged=[validate_key(_text(k)) for k in body["damaged"]],
                documents=int(body["counts"]["documents"]),
            )
            if manifest.database_kind not in ("postgresql", "sqlite"):
                raise ValueError("unknown database kind")
            if manifest.database.file != DATABASE_FILE:
                raise ValueError("unexpected database file")
            if len({o.key for o in manifest.objects}) != len(manifest.objects):
                raise ValueError("an object listed twice")
            if body["counts"] != manifest.counts():
                raise ValueError("counts do not add up")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupManifestInvalid(MANIFEST_FILE, f"({exc})") from None
        return manifest


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("a text member is missing")
    return value


def _shaped(value: object, shape: re.Pattern[str]) -> str:
    if shape.fullmatch(_text(value)) is None:
        raise ValueError("a member is not of its shape")
    return str(value)


def _entry(item: dict[str, Any], *, with_key: bool = False) -> FileEntry:
    sha = _text(item["sha256"])
    size = item["size"]
    if not _HEX64.fullmatch(sha) or type(size) is not int or size < 0:  # bool: not a size
        raise ValueError("a file's hash or size is malformed")
    if not with_key:
        return FileEntry(_text(item["file"]), sha, size)
    from coffre.storage import validate_key

    key = validate_key(_text(item["key"]))
    if item["file"] != object_file(key):
        raise ValueError("an object's file is not named after its key")
    return FileEntry(_text(item["file"]), sha, size, key)


def object_file(key: str) -> str:
    return f"objects/{key}.age"
