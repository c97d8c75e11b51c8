"""auditlog.proofs against the brute-force reference (auditlog.merkle over every leaf), and
auditlog.tiles: a tree served as tiles and read back, whatever its size."""

from __future__ import annotations

import random

import pytest

from auditlog import merkle, proofs, tiles
from auditlog.merkle import ProofError

LEAVES = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(70_000)]


class Levels:
    """Level sequences computed from the leaves (what the server's database gives)."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.source = proofs.ListSource(leaves)

    def hashes(self, level: int, start: int, count: int) -> list[bytes]:
        return [self.source.node(8 * level, start + i) for i in range(count)]


def serve(size: int) -> dict[str, bytes]:
    levels = Levels(LEAVES[:size])
    return {
        tile.path(): tiles.encode_tile(tiles.tile_hashes(levels, tile))
        for tile in tiles.tiles_of(size)
    }


SMALL = [*range(1, 40), 63, 64, 65, 127, 128, 129, 255, 256, 257, 511, 513]


@pytest.mark.parametrize("size", SMALL)
def test_proofs_from_a_hash_source_equal_the_brute_force_reference(size: int) -> None:
    leaves = LEAVES[:size]
    source = proofs.ListSource(leaves)
    assert proofs.tree_root(source, size) == merkle.root(leaves)
    for index in range(size):
        proof = proofs.inclusion_proof(source, index, size)
        assert proof == merkle.inclusion_proof(leaves, index)
        merkle.verify_inclusion(leaves[index], index, size, proof, merkle.root(leaves))
    for old in range(size + 1):
        proof = proofs.consistency_proof(source, old, size)
        assert proof == merkle.consistency_proof(leaves, old)
        merkle.verify_consistency(old, size, merkle.root(leaves[:old]), merkle.root(leaves), proof)


def test_proofs_from_tiles_equal_the_reference_on_a_three_level_tree() -> None:
    size = 70_000
    store = serve(size)
    assert [p for p in store if ".p/" in p] == [
        "tile/0/273.p/112",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    ]
    source = tiles.TiledSource(tiles.TileReader(store.__getitem__, size))
    ref = proofs.ListSource(LEAVES)
    rng = random.Random(7)
    for _ in range(30):
        index = rng.randrange(size)
        assert proofs.inclusion_proof(source, index, size) == proofs.inclusion_proof(
            ref, index, size
        )
        old = rng.randrange(size + 1)
        assert proofs.consistency_proof(source, old, size) == proofs.consistency_proof(
            ref, old, size
        )
    assert proofs.tree_root(source, size) == merkle.root(LEAVES)
    assert proofs.inclusion_proof(ref, 1234, 5000) == merkle.inclusion_proof(LEAVES[:5000], 1234)


@pytest.mark.parametrize("size", [1, 255, 256, 257, 600, 65_536, 65_537])
def test_a_tree_served_as_tiles_reads_back_to_its_leaves(size: int) -> None:
    store = serve(size)
    assert tiles.read_tree(store.__getitem__, size, merkle.root(LEAVES[:size])) == LEAVES[:size]


def test_a_tile_whose_hashes_were_recomputed_is_caught_by_the_tile_above() -> None:
    size = 600
    store = serve(size)
    forged = list(LEAVES[:size])
    forged[300] = merkle.leaf_hash(b"forged")
    store["tile/0/001"] = b"".join(forged[256:512])
    with pytest.raises(ProofError) as caught:
        tiles.read_tree(store.__getitem__, size, merkle.root(LEAVES[:size]))
    assert caught.value.code == "tile_invalid"


def test_tiles_of_another_tree_do_not_match_the_checkpoint_root() -> None:
    store = serve(600)
    with pytest.raises(ProofError) as caught:
        tiles.read_tree(store.__getitem__, 600, merkle.root(LEAVES[:599]))
    assert caught.value.code == "tile_invalid"


def test_a_partial_tile_of_the_wrong_width_is_refused() -> None:
    store = serve(600)
    store["tile/0/002.p/88"] = store["tile/0/002.p/88"] + bytes(32)
    with pytest.raises(ProofError) as caught:
        tiles.read_tree(store.__getitem__, 600, merkle.root(LEAVES[:600]))
    assert caught.value.code == "tile_invalid"


def test_entry_bundles_round_trip_and_refuse_trailing_or_missing_bytes() -> None:
    entries = [b"coffre/audit/v1\x00" + bytes([i]) * 32 for i in range(5)] + [b""]
    data = tiles.encode_bundle(entries)
    assert data[:2] == (48).to_bytes(2, "big")
    assert tiles.decode_bundle(data, 6) == entries
    for bad, width in ((data + b"\x00", 6), (data[:-1], 6), (data, 5), (data, 7)):
        with pytest.raises(ProofError) as caught:
            tiles.decode_bundle(bad, width)
        assert caught.value.code == "bundle_invalid"
    with pytest.raises(ValueError):
        tiles.encode_bundle([bytes(65_536)])


def test_tile_widths_follow_the_spec_example() -> None:
    # c2sp.org/tlog-tiles: a tree of 70,000 leaves has 273 full level-0 tiles, a partial
    # one of 112, one full level-1 tile, a partial one of 17, a partial level-2 tile of 1.
    listed = list(tiles.tiles_of(70_000))
    assert sum(1 for t in listed if t.level == 0 and not t.partial) == 273
    assert [(t.level, t.index, t.width) for t in listed if t.partial] == [
        (0, 273, 112),
        (1, 1, 17),
        (2, 0, 1),
    ]
    # and a tree of 256: one full level-0 tile and a level-1 tile of width 1.
    assert [(t.level, t.width) for t in tiles.tiles_of(256)] == [(0, 256), (1, 1)]
    assert list(tiles.tiles_of(0)) == []
