"""The log's vectors: events.json, proofs.json, tiles.json, notes.json (auditlog/SPEC.md).

    .venv/bin/python -m auditlog.vectors.log            # rewrite the four files
    .venv/bin/python -m auditlog.vectors.log --check    # compare byte for byte

Deterministic: seeds and salts are SHA-256 of fixed labels, Ed25519 is deterministic.
Bytes are lowercase hex, except tiles, bundles and notes (base64 / text as served).
Each vector names its expected outcome: ``ok`` or the stable error code a verifier
must give (``proof_invalid``, ``tile_invalid``, ``bundle_invalid``, ``note_invalid``,
``note_unknown_key``, ``checkpoint_origin``, ``key_rotation_invalid``,
``tile_path_invalid``). Checked by tests/audit/test_auditlog_vectors.py (Python) and by
the page's JavaScript verifier (web/tests-js).
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from auditlog import merkle, proofs, tiles
from auditlog.checkpoint import Checkpoint, sign_checkpoint, timestamp_extension
from auditlog.events import canonical_event, event_commitment, event_leaf_hash, leaf_data
from auditlog.keys import sign_rotation
from auditlog.note import Signer, add_signature, format_verifier_key, sign_note

HERE: Final = Path(__file__).parent
ORIGIN: Final = "coffre.example/audit"
AT: Final = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _digest(label: str) -> bytes:
    return hashlib.sha256(b"coffre auditlog vectors: " + label.encode()).digest()


LOG: Final = Signer(ORIGIN, _digest("log key"))
NEXT: Final = Signer(ORIGIN, _digest("next log key"))
STRANGER: Final = Signer(ORIGIN, _digest("a key nobody trusts"))


def _hex(b: bytes) -> str:
    return b.hex()


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _vkey(s: Signer) -> str:
    return format_verifier_key(s.name, s.verifier.public_key)


def leaf_datas(n: int) -> list[bytes]:
    """The leaf data of entry i: the Coffre prefix and a stand-in commitment."""
    return [leaf_data(_digest(f"commitment {i}")) for i in range(n)]


def events() -> dict[str, Any]:
    event = {
        "v": 1,
        "seq": 41,
        "at": "2026-12-01T09:30:00.000000Z",
        "action": "grant.pull",
        "outcome": "ok",
        "actor": "pro_7",
        "role": "professional",
        "person": "p_12",
        "structure": "s_3",
        "object": {"type": "document", "id": "doc_99"},
        "purpose": "rsa",
        "reason": "Ouverture des droits",
        "details": {"grant": "g_5"},
    }
    salt = _digest("salt 41")
    commitment = event_commitment(event, salt)
    good = {
        "name": "ok",
        "event": event,
        "salt": _hex(salt),
        "canonical": canonical_event(event).decode("utf-8"),
        "commitment": _hex(commitment),
        "leaf_data": _hex(leaf_data(commitment)),
        "leaf_hash": _hex(event_leaf_hash(event, salt)),
        "expected": "ok",
    }
    edited = dict(event, reason="Autre motif")
    return {
        "description": "leaf data = 'coffre/audit/v1' 0x00 || SHA-256(salt || JCS(event)); "
        "leaf hash = SHA-256(0x00 || leaf data)",
        "leaf_data_prefix": _hex(b"coffre/audit/v1\x00"),
        "vectors": [
            good,
            {**good, "name": "edited_event", "event": edited, "expected": "proof_invalid"},
            {
                **good,
                "name": "wrong_salt",
                "salt": _hex(_digest("salt 42")),
                "expected": "proof_invalid",
            },
        ],
    }


def proof_vectors() -> dict[str, Any]:
    n = 300
    datas = leaf_datas(n)
    hashes = [merkle.leaf_hash(d) for d in datas]
    source = proofs.ListSource(hashes)
    roots = {size: proofs.tree_root(source, size) for size in range(n + 1)}
    inclusion: list[dict[str, Any]] = []
    for size in (1, 2, 3, 7, 8, 255, 256, 257, 300):
        for index in sorted({0, size // 2, size - 1}):
            proof = proofs.inclusion_proof(source, index, size)
            case = {
                "index": index,
                "size": size,
                "leaf_hash": _hex(hashes[index]),
                "root": _hex(roots[size]),
                "proof": [_hex(p) for p in proof],
            }
            inclusion.append({"name": "ok", **case, "expected": "ok"})
    base = inclusion[-2]  # index 150 of 300
    p = [bytes.fromhex(x) for x in base["proof"]]
    tampered = [_hex(bytes([p[0][0] ^ 1]) + p[0][1:])] + base["proof"][1:]
    inclusion += [
        {**base, "name": "tampered_proof", "proof": tampered, "expected": "proof_invalid"},
        {
            **base,
            "name": "wrong_size",
            "size": 299,
            "root": _hex(roots[299]),
            "expected": "proof_invalid",
        },
        {**base, "name": "wrong_index", "index": 151, "expected": "proof_invalid"},
        {**base, "name": "other_leaf", "leaf_hash": _hex(hashes[151]), "expected": "proof_invalid"},
        {
            **base,
            "name": "truncated_proof",
            "proof": base["proof"][:-1],
            "expected": "proof_invalid",
        },
        {**base, "name": "index_outside", "index": 300, "expected": "proof_invalid"},
    ]
    consistency: list[dict[str, Any]] = []
    for old, new in (
        (1, 2),
        (3, 7),
        (4, 8),
        (6, 300),
        (8, 300),
        (256, 257),
        (255, 300),
        (0, 5),
        (300, 300),
    ):
        proof = proofs.consistency_proof(source, old, new)
        consistency.append(
            {
                "name": "ok",
                "old": old,
                "new": new,
                "old_root": _hex(roots[old]),
                "new_root": _hex(roots[new]),
                "proof": [_hex(x) for x in proof],
                "expected": "ok",
            }
        )
    base = consistency[4]  # 8 -> 300
    consistency += [
        {
            **base,
            "name": "wrong_new_size",
            "new": 299,
            "new_root": _hex(roots[299]),
            "expected": "proof_invalid",
        },
        {**base, "name": "wrong_old_root", "old_root": _hex(roots[7]), "expected": "proof_invalid"},
        {
            **base,
            "name": "tampered_proof",
            "proof": [_hex(bytes(32))] + base["proof"][1:],
            "expected": "proof_invalid",
        },
        {
            **base,
            "name": "rollback",
            "old": 300,
            "new": 8,
            "old_root": base["new_root"],
            "new_root": base["old_root"],
            "expected": "proof_invalid",
        },
        {
            **base,
            "name": "fork_same_size",
            "old": 300,
            "new": 300,
            "old_root": _hex(roots[300]),
            "new_root": _hex(roots[299]),
            "proof": [],
            "expected": "proof_invalid",
        },
    ]
    return {
        "description": "RFC 9162 §2.1: inclusion (PATH, §2.1.3) and consistency (PROOF, "
        "§2.1.4) proofs over the leaves below; roots[n] = MTH of the first n leaves",
        "leaf_data": [_hex(d) for d in datas],
        "leaf_hashes": [_hex(h) for h in hashes],
        "roots": [_hex(roots[size]) for size in range(n + 1)],
        "inclusion": inclusion,
        "consistency": consistency,
    }


class _Levels:
    def __init__(self, hashes: list[bytes]) -> None:
        self.source = proofs.ListSource(hashes)

    def hashes(self, level: int, start: int, count: int) -> list[bytes]:
        return [self.source.node(8 * level, start + i) for i in range(count)]


def tile_vectors() -> dict[str, Any]:
    size = 600
    datas = leaf_datas(size)
    hashes = [merkle.leaf_hash(d) for d in datas]
    levels = _Levels(hashes)
    root = merkle.root(hashes)
    checkpoint = Checkpoint(ORIGIN, size, root, (timestamp_extension(AT),))
    served: dict[str, str] = {}
    for tile in tiles.tiles_of(size):
        served[tile.path()] = _b64(tiles.encode_tile(tiles.tile_hashes(levels, tile)))
    for bundle in tiles.bundles_of(size):
        start = bundle.index * tiles.TILE_WIDTH
        served[bundle.path()] = _b64(tiles.encode_bundle(datas[start : start + bundle.width]))
    full0 = bytearray(base64.b64decode(served["tile/0/001"]))
    full0[100] ^= 1
    upper = bytearray(base64.b64decode(served["tile/1/000.p/2"]))
    upper[0] ^= 1
    flipped = bytearray(base64.b64decode(served["tile/entries/002.p/88"]))
    flipped[2 + 20] ^= 1
    return {
        "description": "C2SP tlog-tiles of a tree of 600 leaves (entries: Coffre leaf data); "
        "tiles and bundles base64 as served",
        "verifier_key": _vkey(LOG),
        "checkpoint": sign_checkpoint(checkpoint, LOG),
        "size": size,
        "root": _hex(root),
        "served": served,
        "tampered": [
            {
                "name": "level0_bit_flipped",
                "path": "tile/0/001",
                "data": _b64(bytes(full0)),
                "expected": "tile_invalid",
            },
            {
                "name": "level1_bit_flipped",
                "path": "tile/1/000.p/2",
                "data": _b64(bytes(upper)),
                "expected": "tile_invalid",
            },
            {
                "name": "tile_truncated",
                "path": "tile/0/002.p/88",
                "data": _b64(base64.b64decode(served["tile/0/002.p/88"])[:-1]),
                "expected": "tile_invalid",
            },
            {
                "name": "entry_bit_flipped",
                "path": "tile/entries/002.p/88",
                "data": _b64(bytes(flipped)),
                "expected": "bundle_invalid",
            },
            {
                "name": "bundle_truncated",
                "path": "tile/entries/000",
                "data": _b64(base64.b64decode(served["tile/entries/000"])[:-3]),
                "expected": "bundle_invalid",
            },
        ],
        "paths": [
            {"level": 0, "index": 1234067, "width": 256, "path": "tile/0/x001/x234/067"},
            {"level": 2, "index": 5, "width": 17, "path": "tile/2/005.p/17"},
            {"level": None, "index": 1000, "width": 256, "path": "tile/entries/x001/000"},
            {"level": None, "index": 2, "width": 88, "path": "tile/entries/002.p/88"},
        ],
        "bad_paths": [
            {"path": p, "expected": "tile_path_invalid"}
            for p in (
                "tile/0/x000/005",
                "tile/00/005",
                "tile/0/5",
                "tile/0/005.p/0",
                "tile/0/005.p/256",
                "tile/0/005.p/05",
                "tile/64/000",
                "tile/0/001/002",
                "tile/entries/x005",
                "tile/-1/000",
            )
        ],
        "widths": [
            {"size": s, "level": lv, "index": i, "width": tiles.tile_width(lv, i, s)}
            for s, lv, i in (
                (70000, 0, 273),
                (70000, 1, 1),
                (70000, 2, 0),
                (70000, 0, 274),
                (256, 0, 0),
                (256, 1, 0),
                (255, 1, 0),
                (0, 0, 0),
            )
        ],
    }


def note_vectors() -> dict[str, Any]:
    root = merkle.root([merkle.leaf_hash(d) for d in leaf_datas(5)])
    checkpoint = Checkpoint(ORIGIN, 5, root, (timestamp_extension(AT),))
    good = sign_checkpoint(checkpoint, LOG)
    text = good.split("\n\n")[0] + "\n"
    tampered = good.replace("\n5\n", "\n6\n", 1)
    by_next = sign_checkpoint(checkpoint, NEXT)
    by_stranger = sign_checkpoint(checkpoint, STRANGER)
    other_origin = sign_checkpoint(Checkpoint("other.example/audit", 5, root), LOG)
    rotation = sign_rotation(ORIGIN, LOG, NEXT, AT)
    only_new = sign_note(rotation.split("\n\n")[0] + "\n", NEXT.name, NEXT.seed)
    forged_old = add_signature(
        sign_note(rotation.split("\n\n")[0] + "\n", STRANGER.name, STRANGER.seed),
        NEXT.name,
        NEXT.seed,
    )
    return {
        "description": "C2SP signed notes (Ed25519) carrying checkpoints, and key rotation "
        "statements (auditlog/SPEC.md §3, §6); 'trusted' lists the verifier keys a verifier "
        "starts from, 'history' the rotation statements it follows",
        "origin": ORIGIN,
        "keys": {"log": _vkey(LOG), "next": _vkey(NEXT), "stranger": _vkey(STRANGER)},
        "checkpoints": [
            {
                "name": "ok",
                "note": good,
                "text": text,
                "trusted": ["log"],
                "history": [],
                "expected": "ok",
                "size": 5,
                "root": _hex(root),
            },
            {
                "name": "tampered_size",
                "note": tampered,
                "trusted": ["log"],
                "history": [],
                "expected": "note_invalid",
            },
            {
                "name": "unknown_key",
                "note": by_stranger,
                "trusted": ["log"],
                "history": [],
                "expected": "note_unknown_key",
            },
            {
                "name": "other_origin",
                "note": other_origin,
                "trusted": ["log"],
                "history": [],
                "expected": "checkpoint_origin",
            },
            {
                "name": "next_key_without_rotation",
                "note": by_next,
                "trusted": ["log"],
                "history": [],
                "expected": "note_unknown_key",
            },
            {
                "name": "old_key_trusted_from_the_new_one",
                "note": good,
                "trusted": ["next"],
                "history": [rotation],
                "expected": "ok",
                "size": 5,
                "root": _hex(root),
            },
            {
                "name": "stranger_trusted_with_a_history",
                "note": good,
                "trusted": ["stranger"],
                "history": [rotation],
                "expected": "note_unknown_key",
            },
            {
                "name": "next_key_after_rotation",
                "note": by_next,
                "trusted": ["log"],
                "history": [rotation],
                "expected": "ok",
                "size": 5,
                "root": _hex(root),
            },
        ],
        "rotations": [
            {
                "name": "ok",
                "statement": rotation,
                "trusted": "log",
                "new": "next",
                "expected": "ok",
            },
            {
                "name": "signed_by_new_key_only",
                "statement": only_new,
                "trusted": "log",
                "expected": "key_rotation_invalid",
            },
            {
                "name": "old_key_forged",
                "statement": forged_old,
                "trusted": "log",
                "expected": "key_rotation_invalid",
            },
        ],
    }


FILES: Final = {
    "events.json": events,
    "proofs.json": proof_vectors,
    "tiles.json": tile_vectors,
    "notes.json": note_vectors,
}


def render(make: Any) -> str:
    return json.dumps(make(), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, make in FILES.items():
        path = HERE / name
        text = render(make)
        if check:
            if not path.exists() or path.read_text("utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, "utf-8")
    if stale:
        print("stale vectors:", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
