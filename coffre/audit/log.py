"""The audit log as a service: signed checkpoints, the published key, verification,
and the verifiable export.

The checkpoint key is derived from ``COFFRE_SECRET_KEY`` (one secret fewer to keep):
an Ed25519 seed = BLAKE2b-256 keyed by the secret over a fixed label. Its verifier
key (Go sumdb/note format: ``name+keyid+base64``) is public at ``GET
/api/v1/audit/key``; whoever keeps a copy can check any exported log and any
checkpoint the server shows later.

A checkpoint is signed by ``checkpoint()`` (the ``coffre jobs checkpoint`` job, run
every few minutes, and each export) when the log has grown since the last one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from coffre.audit.checkpoint import (
    Checkpoint,
    Signer,
    Verifier,
    format_verifier_key,
    parse_verifier_key,
    sign_checkpoint,
)
from coffre.audit.merkle import CompactRange
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from coffre.audit.trail import HEAD_ID, Report, Stored, stored_rows, verify
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.settings import Settings
from crypto import b64decode, b64encode

_KEY_LABEL = b"coffre/audit/checkpoint-key/v1"
EXPORT_FORMAT = "coffre-audit-log/v1"


@dataclass(frozen=True)
class SignedCheckpoint:
    size: int
    root: bytes
    note: str


class AuditLog:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.origin = settings.audit_origin
        seed = hashlib.blake2b(
            _KEY_LABEL, key=settings.secret_key.encode("utf-8")[:64], digest_size=32
        ).digest()
        self._signer = Signer(self.origin, seed)

    @property
    def verifier(self) -> Verifier:
        return self._signer.verifier

    @property
    def verifier_key(self) -> str:
        """The public key to publish (``origin+keyid+base64``, Go sumdb/note format)."""
        verifier = self._signer.verifier
        return format_verifier_key(verifier.name, verifier.public_key)

    def size(self) -> int:
        with self._db.unit_of_work() as db:
            return db.get_one(AuditHead, HEAD_ID).size

    def checkpoint(self) -> SignedCheckpoint:
        """Sign the log's current head if it grew since the last checkpoint."""
        with self._db.unit_of_work() as db:
            head = db.get_one(AuditHead, HEAD_ID)
            last = db.scalars(
                select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
            ).first()
            if last is not None and last.size == head.size:
                return SignedCheckpoint(last.size, last.root, last.note)
            root = CompactRange.decode(head.frontier).root()
            note = sign_checkpoint(Checkpoint(self.origin, head.size, root), self._signer)
            db.add(
                AuditCheckpoint(size=head.size, root=root, note=note, created_at=self._clock.now())
            )
            return SignedCheckpoint(head.size, root, note)

    def latest_checkpoint(self) -> SignedCheckpoint:
        """The last signed checkpoint; the first one is signed when none exists yet."""
        with self._db.unit_of_work() as db:
            last = db.scalars(
                select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
            ).first()
            if last is not None:
                return SignedCheckpoint(last.size, last.root, last.note)
        return self.checkpoint()

    def verify(self) -> Report:
        """Check the database's trail from its first entry to its head."""
        with self._db.unit_of_work() as db:
            expected = db.get_one(AuditHead, HEAD_ID).size
            checkpoints = _checkpoints(db)
            return verify(
                stored_rows(db), checkpoints, self.verifier, self.origin, expected_size=expected
            )

    def export_lines(self) -> Iterator[str]:
        """The verifiable log as JSON lines: a header, every entry, every checkpoint.

        Signs a fresh checkpoint first, so the export is covered to its last entry.
        """
        self.checkpoint()
        with self._db.unit_of_work() as db:
            size = db.get_one(AuditHead, HEAD_ID).size
            yield _line(
                {
                    "format": EXPORT_FORMAT,
                    "origin": self.origin,
                    "verifier_key": self.verifier_key,
                    "size": size,
                }
            )
            for stored in stored_rows(db):
                yield _line(
                    {
                        "seq": stored.seq,
                        "body": stored.body,
                        "salt": b64encode(stored.salt) if stored.salt is not None else None,
                        "leaf_hash": b64encode(stored.leaf_hash),
                        "chain": b64encode(stored.chain),
                    }
                )
            for checkpoint_size, note in sorted(_checkpoints(db).items()):
                yield _line({"checkpoint": checkpoint_size, "note": note})


def verify_export(lines: Iterable[str], verifier_key: str | None = None) -> Report:
    """Check an exported log. ``verifier_key``: the key you trust (default: the one
    written in the export — then only the export's own consistency is proven)."""
    iterator = iter(lines)
    header = json.loads(next(iterator))
    if header.get("format") != EXPORT_FORMAT:
        raise ValueError("not a Coffre audit log export")
    verifier = parse_verifier_key(verifier_key or header["verifier_key"])
    entries: list[Stored] = []
    checkpoints: dict[int, str] = {}
    for line in iterator:
        item: dict[str, Any] = json.loads(line)
        if "checkpoint" in item:
            checkpoints[int(item["checkpoint"])] = str(item["note"])
            continue
        entries.append(
            Stored(
                seq=int(item["seq"]),
                body=item["body"],
                salt=b64decode(item["salt"]) if item["salt"] is not None else None,
                leaf_hash=b64decode(item["leaf_hash"]),
                chain=b64decode(item["chain"]),
                columns={},
            )
        )
    return verify(
        entries, checkpoints, verifier, header["origin"], expected_size=int(header["size"])
    )


def _checkpoints(db: DbSession) -> dict[int, str]:
    rows = db.execute(select(AuditCheckpoint.size, AuditCheckpoint.note)).all()
    return {int(size): str(note) for size, note in rows}


def _line(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n"


def count_entries(db: DbSession) -> int:
    return int(db.scalar(select(func.count()).select_from(AuditEntry)) or 0)
