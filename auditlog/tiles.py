"""The log served as static tiles: C2SP tlog-tiles (c2sp.org/tlog-tiles), auditlog/SPEC.md §5.

This module owns:

- **tile coordinates and paths**: ``tile/<L>/<N>[.p/<W>]`` and
  ``tile/entries/<N>[.p/<W>]``; ``<N>`` in zero-padded 3-digit path elements, all but
  the last prefixed with ``x`` (1234067 is ``x001/x234/067``); ``.p/<W>`` only for a
  partial tile of width 1..255. Parsing accepts only the canonical form, so one
  resource has one path;
- **which tiles a tree has**: the tile at level *l*, index *n* holds, for *i* in
  0..255, ``MTH(D[(n*256 + i) * 256**l : (n*256 + i + 1) * 256**l])``; the partial tile
  at level *l* of a tree of size *s* has ``floor(s / 256**l) mod 256`` hashes, and an
  empty tile does not exist (``tile_width``, ``tiles_of``);
- **tile bytes**: the hashes concatenated, 32 bytes each (8,192 for a full tile);
- **entry bundles**: each entry as a big-endian uint16 length then its bytes; entry
  *i* of bundle *n* hashes (RFC 9162 §2.1.1, ``leaf_hash``) to hash *i* of level-0
  tile *n*. Coffre's entries are the 48-byte leaf data of ``auditlog.events``;
- **the level sequences**: a ``LevelSource`` gives the level-*l* hashes
  (level 0: the leaf hashes); ``TiledSource`` turns one into the ``HashSource`` that
  ``auditlog.proofs`` needs (any perfect subtree is the MTH of at most 256 hashes of
  one tile), so the server (from its database) and a client (from fetched tiles)
  make the same proofs;
- **reading a tree back**: ``TileReader`` is a ``LevelSource`` over fetched tiles
  (each tile checked for its exact length); ``read_tree`` fetches every tile of a
  tree, checks every upper hash against the tile below it and the root against the
  checkpoint's, and returns the leaf hashes; ``read_bundle`` checks a bundle
  against its level-0 tile.

Served data that does not verify raises ``ProofError`` with code ``tile_invalid`` or
``bundle_invalid``; a path that is not a tile path raises ``TileError`` (a ValueError,
code ``tile_path_invalid``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from auditlog.merkle import HASH_SIZE, ProofError, leaf_hash, node_hash, root

TILE_HEIGHT = 8
"""Tree levels one tile spans (c2sp.org/tlog-tiles: 256 hashes a tile)."""

TILE_WIDTH = 1 << TILE_HEIGHT
"""Hashes in a full tile."""

MAX_LEVEL = 63
"""The highest tile level a path may name."""

MAX_ENTRY_SIZE = 0xFFFF
"""The longest entry a bundle can carry (its length is a uint16)."""

_ELEMENT = re.compile(r"[0-9]{3}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class TileError(ValueError):
    """A path that is not a canonical tile or entry bundle path."""

    code = "tile_path_invalid"


@dataclass(frozen=True)
class Tile:
    """A tile (``level`` >= 0) or an entry bundle (``level`` is None) of ``width`` entries."""

    level: int | None
    index: int
    width: int

    def __post_init__(self) -> None:
        if self.level is not None and not 0 <= self.level <= MAX_LEVEL:
            raise TileError("tile: level must be in [0, 63]")
        if self.index < 0:
            raise TileError("tile: the index must not be negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError("tile: the width must be in [1, 256]")

    @property
    def partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def entries(self) -> bool:
        """True for an entry bundle."""
        return self.level is None

    def path(self) -> str:
        """``tile/<L>/<N>[.p/<W>]`` or ``tile/entries/<N>[.p/<W>]``."""
        head = "entries" if self.level is None else str(self.level)
        tail = f".p/{self.width}" if self.partial else ""
        return f"tile/{head}/{encode_index(self.index)}{tail}"


def encode_index(index: int) -> str:
    """``<N>`` of a tile path: zero-padded 3-digit elements, all but the last x-prefixed."""
    if not isinstance(index, int) or index < 0:
        raise TileError("tile: the index must be a non-negative integer")
    groups: list[str] = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_tile_path(path: str) -> Tile:
    """The tile a canonical path names (with or without the leading ``tile/``).

    TileError for anything else: a level outside [0, 63] or with leading zeroes, an
    index element that is not 3 digits or lacks its ``x``, a non-canonical index
    (``x000/001``), a width outside [1, 255] or with leading zeroes."""
    if not isinstance(path, str):
        raise TileError("tile path: not a string")
    parts = path.split("/")
    if parts and parts[0] == "tile":
        parts = parts[1:]
    if len(parts) < 2:
        raise TileError("tile path: too short")
    head, rest = parts[0], parts[1:]
    width = TILE_WIDTH
    if len(rest) >= 2 and rest[-2].endswith(".p"):
        w = rest[-1]
        if _DECIMAL.fullmatch(w) is None or not 1 <= int(w) < TILE_WIDTH:
            raise TileError("tile path: the width of a partial tile must be in [1, 255]")
        width = int(w)
        rest = [*rest[:-2], rest[-2][: -len(".p")]]
    if not rest or any(_ELEMENT.fullmatch(e.removeprefix("x")) is None for e in rest):
        raise TileError("tile path: index elements are 3 digits")
    if any(not e.startswith("x") for e in rest[:-1]) or rest[-1].startswith("x"):
        raise TileError("tile path: every index element but the last starts with x")
    index = int("".join(e.removeprefix("x") for e in rest))
    level: int | None
    if head == "entries":
        level = None
    elif _DECIMAL.fullmatch(head) is not None and int(head) <= MAX_LEVEL:
        level = int(head)
    else:
        raise TileError("tile path: the level must be in [0, 63] without leading zeroes")
    if len(rest) > 7:  # 21 digits: beyond any uint64 tree size anyway
        raise TileError("tile path: index too large")
    tile = Tile(level, index, width)
    if tile.path().split("/", 2)[2] != "/".join(parts[1:]):
        raise TileError("tile path: not in canonical form")
    return tile


# --- which tiles a tree has ------------------------------------------------------------


def tile_width(level: int, index: int, size: int) -> int:
    """Hashes in tile (``level``, ``index``) of a tree of ``size`` leaves; 0 if it has none.

    Entry bundles have the width of the level-0 tile of the same index."""
    if level < 0 or index < 0 or size < 0:
        return 0
    span: int = TILE_WIDTH**level  # leaves per hash at this level
    hashes = size // span  # complete hashes at this level
    if (index + 1) * TILE_WIDTH <= hashes:
        return TILE_WIDTH
    if index * TILE_WIDTH < hashes:
        return hashes - index * TILE_WIDTH
    return 0


def tile_in_tree(tile: Tile, size: int) -> bool:
    """True when the tree of ``size`` leaves has exactly this tile (full, or this width)."""
    return tile_width(tile.level or 0, tile.index, size) == tile.width


def tiles_of(size: int) -> Iterator[Tile]:
    """Every hash tile of a tree of ``size`` leaves, level by level, left to right."""
    level = 0
    while size >= TILE_WIDTH**level and level <= MAX_LEVEL:
        hashes = size // TILE_WIDTH**level
        for index in range((hashes + TILE_WIDTH - 1) // TILE_WIDTH):
            yield Tile(level, index, tile_width(level, index, size))
        if hashes < TILE_WIDTH:
            break
        level += 1


def bundles_of(size: int) -> Iterator[Tile]:
    """Every entry bundle of a tree of ``size`` leaves, left to right."""
    for index in range((size + TILE_WIDTH - 1) // TILE_WIDTH):
        yield Tile(None, index, tile_width(0, index, size))


# --- bytes ----------------------------------------------------------------------------


def encode_tile(hashes: Sequence[bytes]) -> bytes:
    """The tile's bytes: its hashes concatenated (ValueError if not 1..256 of 32 bytes)."""
    if not 1 <= len(hashes) <= TILE_WIDTH or any(len(h) != HASH_SIZE for h in hashes):
        raise ValueError("tile: 1 to 256 hashes of 32 bytes")
    return b"".join(hashes)


def decode_tile(data: bytes, width: int) -> list[bytes]:
    """The hashes of a tile of ``width``; ProofError (tile_invalid) if the length is not
    exactly ``width`` * 32 bytes."""
    if not isinstance(data, bytes) or len(data) != width * HASH_SIZE:
        raise ProofError(f"tile: expected {width * HASH_SIZE} bytes", "tile_invalid")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def encode_bundle(entries: Sequence[bytes]) -> bytes:
    """An entry bundle: each entry as a big-endian uint16 length, then its bytes."""
    if not 1 <= len(entries) <= TILE_WIDTH:
        raise ValueError("entry bundle: 1 to 256 entries")
    out = bytearray()
    for entry in entries:
        if not isinstance(entry, bytes) or len(entry) > MAX_ENTRY_SIZE:
            raise ValueError("entry bundle: an entry is at most 65,535 bytes")
        out += len(entry).to_bytes(2, "big") + entry
    return bytes(out)


def decode_bundle(data: bytes, width: int) -> list[bytes]:
    """The ``width`` entries of a bundle; ProofError (bundle_invalid) if it does not hold
    exactly that many whole entries."""
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise ProofError("entry bundle: truncated length", "bundle_invalid")
        length = int.from_bytes(data[at : at + 2], "big")
        at += 2
        if at + length > len(data):
            raise ProofError("entry bundle: truncated entry", "bundle_invalid")
        entries.append(data[at : at + length])
        at += length
    if len(entries) != width:
        raise ProofError(f"entry bundle: expected {width} entries", "bundle_invalid")
    return entries


# --- level sequences and the proofs' hash source ------------------------------------------


class LevelSource(Protocol):
    """The hashes of one level: level 0 the leaf hashes, level *l* the MTH of each
    aligned run of 256**l leaves."""

    def hashes(self, level: int, start: int, count: int) -> list[bytes]:
        """``count`` hashes of ``level`` from position ``start`` (all complete)."""
        ...


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """MTH of a power-of-two number of hashes, as a perfect subtree over them."""
    layer = list(hashes)
    if not layer or len(layer) & (len(layer) - 1):
        raise ProofError("perfect subtree: a power of two of hashes is needed")
    while len(layer) > 1:
        layer = [node_hash(layer[i], layer[i + 1]) for i in range(0, len(layer), 2)]
    return layer[0]


class TiledSource:
    """The ``auditlog.proofs.HashSource`` of a ``LevelSource``: the perfect subtree of
    height h at index k is the MTH of 2**(h mod 8) hashes of level floor(h / 8), all in
    one tile."""

    def __init__(self, levels: LevelSource) -> None:
        self._levels = levels

    def node(self, height: int, index: int) -> bytes:
        level, rest = divmod(height, TILE_HEIGHT)
        count = 1 << rest
        return perfect_root(self._levels.hashes(level, index * count, count))


def tile_hashes(levels: LevelSource, tile: Tile) -> list[bytes]:
    """The hashes tile ``tile`` holds (level 0 for a bundle's tile)."""
    return levels.hashes(tile.level or 0, tile.index * TILE_WIDTH, tile.width)


# --- reading a tree back from tiles --------------------------------------------------------


class TileReader:
    """A ``LevelSource`` over the tiles of a tree of ``size`` leaves, fetched with
    ``fetch(path) -> bytes`` (each fetched once, its length checked). It trusts what it
    reads: a proof made from it and verified against a signed checkpoint's root, or
    ``read_tree``, is what makes it trustworthy."""

    def __init__(self, fetch: Callable[[str], bytes], size: int) -> None:
        self._fetch = fetch
        self.size = size
        self._tiles: dict[tuple[int, int], list[bytes]] = {}

    def tile(self, level: int, index: int) -> list[bytes]:
        key = (level, index)
        if key not in self._tiles:
            width = tile_width(level, index, self.size)
            if width == 0:
                raise ProofError("tile: outside the tree", "tile_invalid")
            tile = Tile(level, index, width)
            self._tiles[key] = decode_tile(self._fetch(tile.path()), width)
        return self._tiles[key]

    def hashes(self, level: int, start: int, count: int) -> list[bytes]:
        out: list[bytes] = []
        at = start
        while at < start + count:
            index, offset = divmod(at, TILE_WIDTH)
            tile = self.tile(level, index)
            take = min(start + count - at, TILE_WIDTH - offset)
            if offset + take > len(tile):
                raise ProofError("tile: too narrow for this tree", "tile_invalid")
            out.extend(tile[offset : offset + take])
            at += take
        return out


def read_tree(fetch: Callable[[str], bytes], size: int, expected_root: bytes) -> list[bytes]:
    """Fetch every tile of a tree of ``size`` leaves and return its leaf hashes.

    Checks every hash of every tile above level 0 against the full tile below it, and
    the root against ``expected_root`` (the checkpoint's, verified first):
    ProofError (tile_invalid) at the first difference."""
    reader = TileReader(fetch, size)
    tiles = list(tiles_of(size))
    for tile in tiles:
        if tile.level is None or tile.level == 0:
            continue
        upper = reader.tile(tile.level, tile.index)
        for i, h in enumerate(upper):
            below = reader.tile(tile.level - 1, tile.index * TILE_WIDTH + i)
            if perfect_root(below) != h:
                raise ProofError(
                    f"tile {tile.path()}: hash {i} is not the root of the tile below",
                    "tile_invalid",
                )
    leaves = reader.hashes(0, 0, size) if size else []
    if root(leaves) != expected_root:
        raise ProofError("tiles: the tree does not have the checkpoint's root", "tile_invalid")
    return leaves


def read_bundle(data: bytes, bundle: Tile, level0: Sequence[bytes]) -> list[bytes]:
    """The entries of ``bundle``, each checked to hash to its level-0 tile's hash.

    ``level0``: the hashes of the level-0 tile of the same index (already verified).
    ProofError (bundle_invalid) otherwise."""
    entries = decode_bundle(data, bundle.width)
    if len(level0) < bundle.width:
        raise ProofError("entry bundle: wider than its tile", "bundle_invalid")
    for i, entry in enumerate(entries):
        if leaf_hash(entry) != level0[i]:
            raise ProofError(
                f"entry bundle {bundle.path()}: entry {i} does not hash to its tile",
                "bundle_invalid",
            )
    return entries
