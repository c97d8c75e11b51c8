"""The charter officers' cosignatures of the log's checkpoints (docs/AUDIT.md, "Cosignatures").

An officer registers a cosigner key (C2SP tlog-cosignature v1, ``auditlog.cosignature``;
the key is derived in their page from their account's signing seed, so the server never
holds anything secret of it) and then, from the console, cosigns the latest checkpoint
after checking in the page that it extends the last one they cosigned. The server keeps
a cosignature only when:

- it verifies with the officer's current key over the stored checkpoint's text;
- its time is within ``CLOCK_SKEW`` of the server's and after the officer's previous one;
- the checkpoint extends the last one this officer cosigned (a consistency proof from
  the entries' hashes, RFC 9162 §2.1.4): the server refuses to store a cosignature that
  would contradict the officer's own earlier statement (``cosignature_inconsistent``).

The cosignature lines are then served with their checkpoint (``with_cosignatures``), and
``status`` says whether the latest checkpoint has a recent cosignature. Registering and
cosigning are recorded in the trail (``audit.cosigner_key``, ``audit.cosign``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session as DbSession

from auditlog import proofs
from auditlog.cosignature import (
    Cosignature,
    CosignatureError,
    CosignerKey,
    add_cosignature,
    parse_cosigner_key,
    parse_line,
    split_note,
)
from auditlog.tiles import TiledSource
from coffre.audit import trail as audit
from coffre.audit.cosign_errors import (
    CheckpointNotCosigned,
    CheckpointUnknown,
    CosignatureInconsistent,
    CosignatureInvalid,
    CosignatureTime,
    CosignerKeyInvalid,
    CosignerNotRegistered,
)
from coffre.audit.cosign_models import AuditCosignature, AuditCosignerKey
from coffre.audit.errors import AuditTrailAltered
from coffre.audit.merkle import ProofError, verify_consistency
from coffre.audit.models import AuditCheckpoint
from coffre.audit.served import DbLevels
from coffre.clock import Clock
from coffre.db.engine import Database
from coffre.ids import new_id
from coffre.policy import Action, Actor, can
from coffre.settings import Settings
from coffre.structures.errors import NotAllowed

CLOCK_SKEW = timedelta(minutes=10)
"""How far a cosignature's time may be from the server's clock: a page's clock is
rarely more than a few minutes off; a cosignature dated far from now would tell a
verifier a wrong "as of"."""

RECENT = timedelta(days=7)
"""A cosignature older than this is not "recent": the console and the person's page say
the log has not been cosigned lately (the officer is asked to cosign at least weekly)."""

ACTION_KEY = "audit.cosigner_key"
ACTION_COSIGN = "audit.cosign"


@dataclass(frozen=True)
class CosignerInfo:
    """A registered cosigner key, public."""

    account_id: str
    name: str
    vkey: str
    registered_at: datetime
    last_size: int | None
    last_time: datetime | None
    # The last checkpoint this key cosigned, with its cosignature lines: the console
    # checks its own line on it, then the consistency from it to the latest.
    last_checkpoint: str | None


@dataclass(frozen=True)
class CosignStatus:
    """What the console and the person's page show about the latest checkpoint."""

    latest_size: int
    latest_at: datetime | None
    cosigned_size: int | None
    cosigned_at: datetime | None
    cosigned_note: str | None
    covers_latest: bool
    recent: bool
    cosigners: tuple[CosignerInfo, ...]


@dataclass(frozen=True)
class Accepted:
    size: int
    timestamp: int
    note: str


def _posix(at: datetime) -> int:
    return int(at.timestamp())


def _time(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def cosigner_name(origin: str, account_id: str) -> str:
    """The name of an officer's cosigner key: the log's origin, ``/cosigner/``, the account."""
    return f"{origin}/cosigner/{account_id}"


def _key_of(row: AuditCosignerKey) -> CosignerKey:
    return CosignerKey(row.name, row.public_key)


def _line_of(row: AuditCosignature, key: AuditCosignerKey) -> str:
    cosigner = _key_of(key)
    return Cosignature(cosigner.name, cosigner.key_id, row.timestamp, row.signature).line


def with_cosignatures(db: DbSession, size: int, note: str) -> str:
    """``note`` (the signed checkpoint of ``size`` entries) with the newest cosignature
    line of each key that cosigned it. For the route serving the checkpoint."""
    rows = db.execute(
        select(AuditCosignature, AuditCosignerKey)
        .join(AuditCosignerKey, AuditCosignerKey.id == AuditCosignature.key_id)
        .where(AuditCosignature.size == size)
        .order_by(AuditCosignature.timestamp)
    ).all()
    for row, key in rows:
        cosigner = _key_of(key)
        note = add_cosignature(
            note, Cosignature(cosigner.name, cosigner.key_id, row.timestamp, row.signature)
        )
    return note


def _extends(db: DbSession, old: AuditCosignature, size: int, root: bytes) -> bool:
    """True when the tree of ``size`` entries (root ``root``) extends ``old``'s tree.

    The consistency proof is made from the stored hashes the served tiles read
    (``coffre.audit.served.DbLevels``: O(log n) subtree hashes, the levels above 0
    cached by ``fill_nodes``) and verified against the two signed roots (RFC 9162
    §2.1.4.2): a rewritten entry under either checkpoint makes it fail."""
    try:
        proof = proofs.consistency_proof(TiledSource(DbLevels(db)), old.size, size)
        verify_consistency(old.size, size, old.root, root, proof)
    except (ProofError, AuditTrailAltered):
        return False
    return True


class Cosigning:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self.origin = settings.audit_origin

    def check(self, actor: Actor) -> None:
        """NotAllowed unless ``actor`` may cosign (a charter officer)."""
        if not can(actor, Action.AUDIT_COSIGN, None):
            raise NotAllowed()

    def register(self, actor: Actor, vkey: str) -> CosignerInfo:
        """Register (or replace) the officer's cosigner key; the same key again is a no-op."""
        self.check(actor)
        try:
            key = parse_cosigner_key(vkey)
        except CosignatureError as exc:
            raise CosignerKeyInvalid() from exc
        if key.name != cosigner_name(self.origin, actor.account_id):
            raise CosignerKeyInvalid()
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            current = self._current(db, actor.account_id)
            if current is None or current.public_key != key.public_key:
                if current is not None:
                    current.retired_at = now
                current = AuditCosignerKey(
                    id=new_id(),
                    account_id=actor.account_id,
                    name=key.name,
                    public_key=key.public_key,
                    created_at=now,
                )
                db.add(current)
                db.flush()
                audit.append(
                    db,
                    audit.by(
                        actor,
                        ACTION_KEY,
                        object_type="cosigner_key",
                        object_id=current.id,
                        details={"cosigner": key.vkey},
                    ),
                    now,
                )
            return self._info(db, current)

    def cosign(self, actor: Actor, size: int, line: str) -> Accepted:
        """Keep the officer's cosignature of the checkpoint of ``size`` entries."""
        self.check(actor)
        try:
            cosignature = parse_line(line)
        except CosignatureError as exc:
            raise CosignatureInvalid() from exc
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            # One cosignature at a time per officer: the check against the previous one
            # and the insert must not interleave with another of theirs.
            db.execute(
                update(AuditCosignerKey)
                .where(
                    AuditCosignerKey.account_id == actor.account_id,
                    AuditCosignerKey.retired_at.is_(None),
                )
                .values(name=AuditCosignerKey.name)
            )
            key_row = self._current(db, actor.account_id)
            if key_row is None:
                raise CosignerNotRegistered()
            checkpoint = db.get(AuditCheckpoint, size)
            if checkpoint is None:
                raise CheckpointUnknown()
            key = _key_of(key_row)
            body, _ = split_note(checkpoint.note)
            try:
                timestamp = key.verify(body, cosignature)
            except CosignatureError as exc:
                raise CosignatureInvalid() from exc
            if abs(_time(timestamp) - now) > CLOCK_SKEW:
                raise CosignatureTime()
            previous = db.scalars(
                select(AuditCosignature)
                .where(AuditCosignature.account_id == actor.account_id)
                .order_by(AuditCosignature.timestamp.desc())
                .limit(1)
            ).first()
            if previous is not None:
                if timestamp <= previous.timestamp:
                    raise CosignatureTime()
                if not _extends(db, previous, size, checkpoint.root):
                    raise CosignatureInconsistent()
            db.add(
                AuditCosignature(
                    key_id=key_row.id,
                    account_id=actor.account_id,
                    size=size,
                    root=checkpoint.root,
                    timestamp=timestamp,
                    signature=cosignature.signature,
                    created_at=now,
                )
            )
            audit.append(
                db,
                audit.by(actor, ACTION_COSIGN, details={"size": size, "time": timestamp}),
                now,
            )
            db.flush()
            return Accepted(size, timestamp, with_cosignatures(db, size, checkpoint.note))

    def status(self) -> CosignStatus:
        """The latest checkpoint, the latest cosigned one and whether it is recent."""
        now = self._clock.now()
        with self._db.unit_of_work() as db:
            latest = db.scalars(
                select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1)
            ).first()
            cosigned = self._latest_cosigned(db)
            keys = db.scalars(
                select(AuditCosignerKey)
                .where(AuditCosignerKey.retired_at.is_(None))
                .order_by(AuditCosignerKey.created_at)
            ).all()
            cosigners = tuple(self._info(db, k) for k in keys)
            cosigned_at = None
            note = None
            if cosigned is not None:
                cosigned_at = _time(cosigned[1])
                note = with_cosignatures(db, cosigned[0].size, cosigned[0].note)
            latest_size = latest.size if latest is not None else 0
            return CosignStatus(
                latest_size=latest_size,
                latest_at=latest.created_at if latest is not None else None,
                cosigned_size=cosigned[0].size if cosigned else None,
                cosigned_at=cosigned_at,
                cosigned_note=note,
                covers_latest=cosigned is not None and cosigned[0].size == latest_size,
                recent=cosigned_at is not None and now - cosigned_at <= RECENT,
                cosigners=cosigners,
            )

    def served(self, size: int, note: str) -> str:
        """The signed checkpoint ``note`` of ``size`` entries with its cosignature lines,
        as ``GET /api/v1/audit/log/checkpoint`` serves it."""
        with self._db.unit_of_work() as db:
            return with_cosignatures(db, size, note)

    def cosigned_note(self) -> str:
        """The largest cosigned checkpoint, with every cosignature of it."""
        with self._db.unit_of_work() as db:
            cosigned = self._latest_cosigned(db)
            if cosigned is None:
                raise CheckpointNotCosigned()
            return with_cosignatures(db, cosigned[0].size, cosigned[0].note)

    # -- queries --------------------------------------------------------------------

    @staticmethod
    def _current(db: DbSession, account_id: str) -> AuditCosignerKey | None:
        return db.scalars(
            select(AuditCosignerKey).where(
                AuditCosignerKey.account_id == account_id, AuditCosignerKey.retired_at.is_(None)
            )
        ).first()

    @staticmethod
    def _latest_cosigned(db: DbSession) -> tuple[AuditCheckpoint, int] | None:
        row = db.execute(
            select(AuditCheckpoint, AuditCosignature.timestamp)
            .join(AuditCosignature, AuditCosignature.size == AuditCheckpoint.size)
            .order_by(AuditCheckpoint.size.desc(), AuditCosignature.timestamp.desc())
            .limit(1)
        ).first()
        return (row[0], int(row[1])) if row is not None else None

    @staticmethod
    def _info(db: DbSession, key: AuditCosignerKey) -> CosignerInfo:
        last = db.scalars(
            select(AuditCosignature)
            .where(AuditCosignature.key_id == key.id)
            .order_by(AuditCosignature.timestamp.desc())
            .limit(1)
        ).first()
        note = None
        if last is not None:
            checkpoint = db.get(AuditCheckpoint, last.size)
            note = with_cosignatures(db, last.size, checkpoint.note) if checkpoint else None
        return CosignerInfo(
            account_id=key.account_id,
            name=key.name,
            vkey=_key_of(key).vkey,
            registered_at=key.created_at,
            last_size=last.size if last is not None else None,
            last_time=_time(last.timestamp) if last is not None else None,
            last_checkpoint=note,
        )


def registered_keys(db: DbSession) -> Sequence[CosignerKey]:
    """Every cosigner key ever registered (retired ones too: their cosignatures stand)."""
    return [_key_of(row) for row in db.scalars(select(AuditCosignerKey))]
