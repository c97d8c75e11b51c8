"""The auditlog package's vectors (auditlog/vectors/*.json): each names its expected outcome,
and auditlog gives exactly that — ok, or the stable error code."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from auditlog import merkle, tiles
from auditlog.checkpoint import verify_checkpoint
from auditlog.events import event_leaf_hash, verify_event
from auditlog.keys import follow, verify_rotation
from auditlog.merkle import ProofError
from auditlog.note import NoteError, parse_verifier_key
from auditlog.vectors import log as generator

VECTORS = Path(generator.__file__).parent


def load(name: str) -> dict[str, Any]:
    return json.loads((VECTORS / name).read_text("utf-8"))


def outcome(check: Any) -> str:
    try:
        check()
    except (ProofError, NoteError, tiles.TileError) as exc:
        return str(exc.code)
    return "ok"


def test_the_vector_files_are_what_their_generator_writes() -> None:
    assert generator.main(["--check"]) == 0


@pytest.mark.parametrize("vector", load("events.json")["vectors"], ids=lambda v: v["name"])
def test_event_vectors(vector: dict[str, Any]) -> None:
    salt = bytes.fromhex(vector["salt"])
    leaf = bytes.fromhex(vector["leaf_hash"])
    assert outcome(lambda: verify_event(vector["event"], salt, leaf)) == vector["expected"]
    if vector["expected"] == "ok":
        assert event_leaf_hash(vector["event"], salt) == leaf
        assert merkle.leaf_hash(bytes.fromhex(vector["leaf_data"])) == leaf


PROOFS = load("proofs.json")


def test_proof_vector_roots_are_the_roots_of_their_leaves() -> None:
    hashes = [merkle.leaf_hash(bytes.fromhex(d)) for d in PROOFS["leaf_data"]]
    assert [h.hex() for h in hashes] == PROOFS["leaf_hashes"]
    for size in (0, 1, 2, 3, 255, 256, 257, 300):
        assert merkle.root(hashes[:size]).hex() == PROOFS["roots"][size]


@pytest.mark.parametrize(
    "case", PROOFS["inclusion"], ids=lambda c: f"{c['name']}-{c['index']}-{c['size']}"
)
def test_inclusion_vectors(case: dict[str, Any]) -> None:
    def check() -> None:
        merkle.verify_inclusion(
            bytes.fromhex(case["leaf_hash"]),
            case["index"],
            case["size"],
            [bytes.fromhex(p) for p in case["proof"]],
            bytes.fromhex(case["root"]),
        )

    assert outcome(check) == case["expected"]


@pytest.mark.parametrize(
    "case", PROOFS["consistency"], ids=lambda c: f"{c['name']}-{c['old']}-{c['new']}"
)
def test_consistency_vectors(case: dict[str, Any]) -> None:
    def check() -> None:
        merkle.verify_consistency(
            case["old"],
            case["new"],
            bytes.fromhex(case["old_root"]),
            bytes.fromhex(case["new_root"]),
            [bytes.fromhex(p) for p in case["proof"]],
        )

    assert outcome(check) == case["expected"]


TILES = load("tiles.json")


def served(overrides: dict[str, str] | None = None) -> Any:
    data = {**TILES["served"], **(overrides or {})}
    return lambda path: base64.b64decode(data[path])


def test_tile_vectors_rebuild_the_signed_tree_and_every_bundle() -> None:
    verifier = parse_verifier_key(TILES["verifier_key"])
    checkpoint = verify_checkpoint(TILES["checkpoint"], verifier, origin=generator.ORIGIN)
    assert checkpoint.size == TILES["size"] and checkpoint.root.hex() == TILES["root"]
    leaves = tiles.read_tree(served(), checkpoint.size, checkpoint.root)
    for bundle in tiles.bundles_of(checkpoint.size):
        start = bundle.index * tiles.TILE_WIDTH
        entries = tiles.read_bundle(
            served()(bundle.path()), bundle, leaves[start : start + bundle.width]
        )
        assert all(len(e) == 48 and e.startswith(b"coffre/audit/v1\x00") for e in entries)
    assert sorted(TILES["served"]) == sorted(
        [t.path() for t in tiles.tiles_of(600)] + [b.path() for b in tiles.bundles_of(600)]
    )


@pytest.mark.parametrize("case", TILES["tampered"], ids=lambda c: c["name"])
def test_tampered_tile_vectors_are_refused(case: dict[str, Any]) -> None:
    fetch = served({case["path"]: case["data"]})
    root = bytes.fromhex(TILES["root"])

    def check() -> None:
        leaves = tiles.read_tree(fetch, TILES["size"], root)
        for bundle in tiles.bundles_of(TILES["size"]):
            start = bundle.index * tiles.TILE_WIDTH
            tiles.read_bundle(fetch(bundle.path()), bundle, leaves[start : start + bundle.width])

    assert outcome(check) == case["expected"]


@pytest.mark.parametrize("case", TILES["paths"], ids=lambda c: c["path"])
def test_tile_path_vectors(case: dict[str, Any]) -> None:
    tile = tiles.Tile(case["level"], case["index"], case["width"])
    assert tile.path() == case["path"]
    assert tiles.parse_tile_path(case["path"]) == tile


@pytest.mark.parametrize("case", TILES["bad_paths"], ids=lambda c: c["path"])
def test_bad_tile_path_vectors(case: dict[str, Any]) -> None:
    assert outcome(lambda: tiles.parse_tile_path(case["path"])) == case["expected"]


@pytest.mark.parametrize("case", TILES["widths"], ids=lambda c: f"{c['size']}-{c['level']}")
def test_tile_width_vectors(case: dict[str, Any]) -> None:
    assert tiles.tile_width(case["level"], case["index"], case["size"]) == case["width"]


NOTES = load("notes.json")


@pytest.mark.parametrize("case", NOTES["checkpoints"], ids=lambda c: c["name"])
def test_checkpoint_vectors(case: dict[str, Any]) -> None:
    keys = {name: parse_verifier_key(k) for name, k in NOTES["keys"].items()}
    origin = NOTES["origin"]

    def check() -> None:
        trusted = follow(keys[case["trusted"][0]], case["history"], origin=origin)
        # The newest key first, then the older ones (a checkpoint is signed by one of them).
        for n, verifier in enumerate(reversed(trusted)):
            try:
                checkpoint = verify_checkpoint(case["note"], verifier, origin=origin)
            except NoteError as exc:
                if exc.code == "note_unknown_key" and n + 1 < len(trusted):
                    continue
                raise
            assert checkpoint.size == case["size"]
            assert checkpoint.root.hex() == case["root"]
            return

    assert outcome(check) == case["expected"]


@pytest.mark.parametrize("case", NOTES["rotations"], ids=lambda c: c["name"])
def test_key_rotation_vectors(case: dict[str, Any]) -> None:
    keys = {name: parse_verifier_key(k) for name, k in NOTES["keys"].items()}

    def check() -> None:
        rotation = verify_rotation(case["statement"], keys[case["trusted"]], origin=NOTES["origin"])
        assert rotation.new == keys[case["new"]]

    assert outcome(check) == case["expected"]
