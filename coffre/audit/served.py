"""The audit log served the way transparency logs are: tiles, entry bundles and proofs
(auditlog/SPEC.md §4, §5; C2SP tlog-tiles).

This module owns what the public routes under ``/api/v1/audit/log/`` and
``/api/v1/audit/proof/`` answer, computed from the stored leaf hashes:

- the served tree is the **latest signed checkpoint**'s: a tile or bundle beyond it,
  or a partial tile of another width, does not exist (``audit_tile_not_found``), so
  every tile served is one a verifier can check against a signed root;
- level-0 tiles are the entries' ``leaf_hash`` columns; a hash of level l >= 1 is the
  MTH of 256**l leaves, read from ``audit_tree_nodes`` (filled after each checkpoint,
  ``fill_nodes``) or computed from the level below when it is not there yet;
- an entry bundle holds each entry's leaf data, ``"coffre/audit/v1" 0x00 ||
  commitment`` — never a body, an id or a salt. Entries purged before commitments were
  kept cannot be served (``audit_entries_pruned``);
- inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) from those same hashes
  (``auditlog.proofs``), for sizes up to the latest checkpoint's.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from auditlog import proofs, tiles
from auditlog.events import leaf_data
from auditlog.tiles import TILE_WIDTH, Tile, TileError, perfect_root
from coffre.audit.errors import (
    AuditEntriesPruned,
    AuditTileNotFound,
    AuditTrailAltered,
    AuditTreeSizeUnknown,
    InvalidProofRequest,
)
from coffre.audit.models import AuditCheckpoint, AuditEntry, AuditTreeNode
from coffre.db.engine import Database
from coffre.db.statements import upsert_insert

MAX_INDEX = 2**63 - 1
"""The largest index or size a proof request may name (a signed 64-bit integer)."""


class DbLevels:
    """``auditlog.tiles.LevelSource`` over the database, inside the caller's unit of work.

    Reads a tile's worth of hashes at a time and keeps them for the unit of work, so a
    proof (a few dozen subtree hashes) costs a few indexed reads, not one per hash."""

    def __init__(self, db: DbSession) -> None:
        self._db = db
        self._tiles: dict[tuple[int, int], dict[int, bytes]] = {}

    def hashes(self, level: int, start: int, count: int) -> list[bytes]:
        out: list[bytes] = []
        for idx in range(start, start + count):
            tile = self._tile(level, idx // TILE_WIDTH)
            h = tile.get(idx)
            if h is None:
                if level == 0:
                    raise AuditTrailAltered()  # a gap: `coffre audit verify` names it
                h = perfect_root(self.hashes(level - 1, idx * TILE_WIDTH, TILE_WIDTH))
                tile[idx] = h
            out.append(h)
        return out

    def _tile(self, level: int, index: int) -> dict[int, bytes]:
        key = (level, index)
        if key not in self._tiles:
            first, last = index * TILE_WIDTH, (index + 1) * TILE_WIDTH
            if level == 0:
                query = select(AuditEntry.seq, AuditEntry.leaf_hash).where(
                    AuditEntry.seq >= first, AuditEntry.seq < last
                )
            else:
                query = select(AuditTreeNode.idx, AuditTreeNode.hash).where(
                    AuditTreeNode.level == level,
                    AuditTreeNode.idx >= first,
                    AuditTreeNode.idx < last,
                )
            self._tiles[key] = {int(i): bytes(h) for i, h in self._db.execute(query).all()}
        return self._tiles[key]


def fill_nodes(db: DbSession, size: int) -> int:
    """Store every hash of level >= 1 that the tree of ``size`` leaves completes and that
    is not stored yet; returns how many were added. Idempotent, safe to run twice at once
    (a row another process added first is kept)."""
    levels = DbLevels(db)
    added = 0
    level = 1
    while size // TILE_WIDTH**level:
        complete = size // TILE_WIDTH**level
        known = db.scalar(select(func.max(AuditTreeNode.idx)).where(AuditTreeNode.level == level))
        for idx in range(0 if known is None else known + 1, complete):
            h = perfect_root(levels.hashes(level - 1, idx * TILE_WIDTH, TILE_WIDTH))
            db.execute(
                upsert_insert(db, AuditTreeNode)
                .values(level=level, idx=idx, hash=h)
                .on_conflict_do_nothing()
            )
            added += 1
        level += 1
    return added


@dataclass(frozen=True)
class ServedTile:
    data: bytes
    full: bool  # immutable: cache it for ever


@dataclass(frozen=True)
class InclusionProof:
    index: int
    size: int
    leaf_hash: bytes
    proof: list[bytes]
    checkpoint: str | None  # the signed checkpoint of ``size``, when there is one


@dataclass(frozen=True)
class ConsistencyProof:
    old: int
    new: int
    proof: list[bytes]
    checkpoint: str | None  # the signed checkpoint of ``new``, when there is one


class ServedLog:
    """Tiles, bundles and proofs of the latest signed tree."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _signed_size(db: DbSession) -> int:
        return int(db.scalar(select(func.max(AuditCheckpoint.size))) or 0)

    @staticmethod
    def _note_of(db: DbSession, size: int) -> str | None:
        return db.scalar(select(AuditCheckpoint.note).where(AuditCheckpoint.size == size))

    def tile(self, path: str) -> ServedTile:
        """The tile or entry bundle at ``path`` (``tile/...``, as served under the prefix).

        AuditTileNotFound when it is not a canonical path of the signed tree."""
        try:
            tile = tiles.parse_tile_path(path)
        except TileError:
            raise AuditTileNotFound() from None
        with self._db.unit_of_work() as db:
            size = self._signed_size(db)
            if not tiles.tile_in_tree(tile, size):
                raise AuditTileNotFound()
            if tile.entries:
                return ServedTile(self._bundle(db, tile), not tile.partial)
            data = tiles.encode_tile(tiles.tile_hashes(DbLevels(db), tile))
            return ServedTile(data, not tile.partial)

    @staticmethod
    def _bundle(db: DbSession, bundle: Tile) -> bytes:
        start = bundle.index * TILE_WIDTH
        rows = db.execute(
            select(AuditEntry.seq, AuditEntry.commitment)
            .where(AuditEntry.seq >= start, AuditEntry.seq < start + bundle.width)
            .order_by(AuditEntry.seq)
        ).all()
        if [seq for seq, _ in rows] != list(range(start, start + bundle.width)):
            raise AuditTrailAltered()
        commitments = [c for _, c in rows if c is not None]
        if len(commitments) != len(rows):
            raise AuditEntriesPruned()
        return tiles.encode_bundle([leaf_data(bytes(c)) for c in commitments])

    def inclusion(self, index: int, size: int) -> InclusionProof:
        """The inclusion proof of entry ``index`` in the tree of ``size`` entries."""
        if not 0 <= index < size <= MAX_INDEX:
            raise InvalidProofRequest()
        with self._db.unit_of_work() as db:
            if size > self._signed_size(db):
                raise AuditTreeSizeUnknown()
            levels = DbLevels(db)
            source = tiles.TiledSource(levels)
            return InclusionProof(
                index=index,
                size=size,
                leaf_hash=levels.hashes(0, index, 1)[0],
                proof=proofs.inclusion_proof(source, index, size),
                checkpoint=self._note_of(db, size),
            )

    def consistency(self, old: int, new: int) -> ConsistencyProof:
        """The consistency proof from the tree of ``old`` entries to the tree of ``new``."""
        if not 0 <= old <= new <= MAX_INDEX:
            raise InvalidProofRequest()
        with self._db.unit_of_work() as db:
            if new > self._signed_size(db):
                raise AuditTreeSizeUnknown()
            source = tiles.TiledSource(DbLevels(db))
            return ConsistencyProof(
                old=old,
                new=new,
                proof=proofs.consistency_proof(source, old, new),
                checkpoint=self._note_of(db, new),
            )
