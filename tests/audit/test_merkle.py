"""The Merkle tree of the audit log against the transparency-dev/merkle reference vectors.

Vectors: tests/audit/vectors/rfc6962.json (sources cited in the file). The
corruption probes are those of transparency-dev/merkle proof/verify_test.go.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from coffre.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc6962.json").read_text("utf-8"))
LEAVES = [leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaf_inputs"]]
ROOTS = [bytes.fromhex(x) for x in VECTORS["root_hashes"]]
NODES = [[bytes.fromhex(x) for x in level] for level in VECTORS["node_hashes"]]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _hexes(xs: list[str]) -> list[bytes]:
    return [bytes.fromhex(x) for x in xs]


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(f"event {i}".encode()) for i in range(n)]


# --- reference vectors ----------------------------------------------------------


def test_leaf_and_node_hashes_use_the_rfc_6962_prefixes() -> None:
    assert leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


def test_the_empty_tree_root_is_the_sha256_of_nothing() -> None:
    assert root([]) == EMPTY_ROOT == ROOTS[0]


@pytest.mark.parametrize("size", range(9))
def test_root_matches_the_reference_root_for_each_size(size: int) -> None:
    assert root(LEAVES[:size]) == ROOTS[size]


@pytest.mark.parametrize(
    ("level", "index"),
    [(lv, i) for lv, hashes in enumerate(VECTORS["node_hashes"]) for i in range(len(hashes))],
)
def test_every_complete_subtree_matches_the_reference_node_hash(level: int, index: int) -> None:
    width = 1 << level
    assert root(LEAVES[index * width : (index + 1) * width]) == NODES[level][index]


@pytest.mark.parametrize("vector", VECTORS["inclusion_proofs"][1:], ids=lambda v: str(v))
def test_reference_inclusion_proof_is_generated_and_verifies(vector: dict[str, object]) -> None:
    index, size = int(str(vector["index"])), int(str(vector["size"]))
    proof = _hexes(vector["proof"])  # type: ignore[arg-type]
    assert inclusion_proof(LEAVES[:size], index) == proof
    verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])


def test_reference_inclusion_in_the_empty_tree_is_refused() -> None:
    vector = VECTORS["inclusion_proofs"][0]
    assert vector["expected"] == "invalid"
    with pytest.raises(ProofError):
        verify_inclusion(SOME_HASH, 0, vector["size"], [], EMPTY_ROOT)


@pytest.mark.parametrize("vector", VECTORS["consistency_proofs"], ids=lambda v: str(v))
def test_reference_consistency_proof_is_generated_and_verifies(vector: dict[str, object]) -> None:
    m, n = int(str(vector["size1"])), int(str(vector["size2"]))
    proof = _hexes(vector["proof"])  # type: ignore[arg-type]
    assert consistency_proof(LEAVES[:n], m) == proof
    verify_consistency(m, n, ROOTS[m], ROOTS[n], proof)


@pytest.mark.parametrize("size", range(9))
def test_compact_range_holds_the_reference_frontier(size: int) -> None:
    frontier = CompactRange()
    for h in LEAVES[:size]:
        frontier.append(h)
    expected = [NODES[level][index] for level, index in VECTORS["compact_trees"][size]]
    assert list(frontier.hashes) == expected
    assert frontier.root() == ROOTS[size]


# --- corruption probes (transparency-dev/merkle proof/verify_test.go) -----------


def _inclusion_probes(
    index: int, size: int, proof: list[bytes], root_: bytes, leaf: bytes
) -> list[tuple[str, int, int, list[bytes], bytes, bytes]]:
    probes = [
        ("index - 1", index - 1, size, proof, root_, leaf),
        ("index + 1", index + 1, size, proof, root_, leaf),
        ("index ^ 2", index ^ 2, size, proof, root_, leaf),
        ("size * 2", index, size * 2, proof, root_, leaf),
        ("size // 2", index, size // 2, proof, root_, leaf),
        ("wrong leaf", index, size, proof, root_, b"WrongLeaf"),
        ("empty root", index, size, proof, EMPTY_ROOT, leaf),
        ("random root", index, size, proof, SOME_HASH, leaf),
        ("trailing garbage", index, size, [*proof, b""], root_, leaf),
        ("trailing root", index, size, [*proof, root_], root_, leaf),
        ("preceding garbage", index, size, [b"", *proof], root_, leaf),
        ("preceding root", index, size, [root_, *proof], root_, leaf),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 8]) + wrong[i][1:]
        probes.append((f"modified proof[{i}] bit 3", index, size, wrong, root_, leaf))
    if proof:
        probes.append(("removed component", index, size, proof[:-1], root_, leaf))
    if len(proof) > 1:
        probes.append(
            ("inserted component", index, size, [proof[0], SOME_HASH, *proof[1:]], root_, leaf)
        )
    return probes


def _reference_inclusion_probes() -> list[tuple[str, int, int, list[bytes], bytes, bytes]]:
    out = []
    for v in VECTORS["inclusion_proofs"][1:]:
        out += _inclusion_probes(
            v["index"], v["size"], _hexes(v["proof"]), ROOTS[v["size"]], LEAVES[v["index"]]
        )
    return out


@pytest.mark.parametrize("probe", _reference_inclusion_probes(), ids=lambda p: p[0])
def test_a_corrupted_inclusion_proof_raises_proof_error(
    probe: tuple[str, int, int, list[bytes], bytes, bytes],
) -> None:
    _, index, size, proof, root_, leaf = probe
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root_)


def _consistency_probes() -> list[tuple[str, int, int, bytes, bytes, list[bytes]]]:
    out = []
    for v in VECTORS["consistency_proofs"]:
        m, n, proof = v["size1"], v["size2"], _hexes(v["proof"])
        if not proof:
            continue  # as in the source: only non-trivial proofs are corrupted
        r1, r2 = ROOTS[m], ROOTS[n]
        probes = [
            ("size1 - 1", m - 1, n, r1, r2, proof),
            ("size1 + 1", m + 1, n, r1, r2, proof),
            ("size1 ^ 2", m ^ 2, n, r1, r2, proof),
            ("size2 * 2", m, n * 2, r1, r2, proof),
            ("size2 // 2", m, n // 2, r1, r2, proof),
            ("wrong root1", m, n, b"WrongRoot", r2, proof),
            ("wrong root2", m, n, r1, b"WrongRoot", proof),
            ("swapped roots", m, n, r2, r1, proof),
            ("empty proof", m, n, r1, r2, []),
            ("trailing garbage", m, n, r1, r2, [*proof, b""]),
            ("trailing root1", m, n, r1, r2, [*proof, r1]),
            ("trailing root2", m, n, r1, r2, [*proof, r2]),
            ("preceding garbage", m, n, r1, r2, [b"", *proof]),
            ("preceding root1", m, n, r1, r2, [r1, *proof]),
            ("preceding root2", m, n, r1, r2, [r2, *proof]),
            ("preceding proof[0]", m, n, r1, r2, [proof[0], *proof]),
            ("truncated proof", m, n, r1, r2, proof[:-1]),
        ]
        for i in range(len(proof)):
            wrong = list(proof)
            wrong[i] = bytes([wrong[i][0] ^ 16]) + wrong[i][1:]
            probes.append((f"modified proof[{i}] bit 4", m, n, r1, r2, wrong))
        out += [(f"{m}->{n} {p[0]}", *p[1:]) for p in probes]
    return out


@pytest.mark.parametrize("probe", _consistency_probes(), ids=lambda p: p[0])
def test_a_corrupted_consistency_proof_raises_proof_error(
    probe: tuple[str, int, int, bytes, bytes, list[bytes]],
) -> None:
    _, m, n, r1, r2, proof = probe
    with pytest.raises(ProofError):
        verify_consistency(m, n, r1, r2, proof)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_inclusion_with_an_empty_proof_and_wrong_root_or_size_is_refused(
    index: int, size: int
) -> None:
    for leaf, root_ in [(SOME_HASH, EMPTY_ROOT), (SOME_HASH, b""), (b"", EMPTY_ROOT)]:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index, size, [], root_)


def test_a_single_leaf_tree_proves_its_leaf_with_an_empty_proof() -> None:
    h = leaf_hash(b"data")
    verify_inclusion(h, 0, 1, [], h)
    with pytest.raises(ProofError):
        verify_inclusion(h, 0, 1, [], b"")


# Edge cases of TestVerifyConsistency; unlike the Go code, roots must be 32 bytes.
R1, R2 = b"\x11" * 32, b"\x22" * 32


@pytest.mark.parametrize(
    ("m", "n", "r1", "r2", "proof"),
    [(0, 0, R1, R1, []), (0, 1, R1, R2, []), (1, 1, R2, R2, [])],
    ids=["empty to empty", "empty to one", "same size same root"],
)
def test_trivially_consistent_sizes_need_no_proof(
    m: int, n: int, r1: bytes, r2: bytes, proof: list[bytes]
) -> None:
    verify_consistency(m, n, r1, r2, proof)


@pytest.mark.parametrize(
    ("m", "n", "r1", "r2", "proof"),
    [
        (0, 0, R1, R2, []),
        (1, 1, R1, R2, []),
        (1, 0, R1, R2, []),
        (2, 1, R1, R2, []),
        (1, 2, R1, R2, []),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]),
    ],
    ids=[
        "same size different roots",
        "size one different roots",
        "time travel to empty",
        "time travel",
        "empty proof",
        "empty trees with a proof",
        "from empty with a proof",
        "same size with a proof",
    ],
)
def test_inconsistent_edge_cases_raise_proof_error(
    m: int, n: int, r1: bytes, r2: bytes, proof: list[bytes]
) -> None:
    with pytest.raises(ProofError):
        verify_consistency(m, n, r1, r2, proof)


# --- every shape of tree --------------------------------------------------------


def test_every_leaf_of_every_tree_up_to_40_proves_its_inclusion() -> None:
    leaves = _leaves(40)
    for n in range(1, 41):
        r = root(leaves[:n])
        for i in range(n):
            verify_inclusion(leaves[i], i, n, inclusion_proof(leaves[:n], i), r)


def test_every_prefix_of_every_tree_up_to_40_proves_its_consistency() -> None:
    leaves = _leaves(40)
    roots = [root(leaves[:n]) for n in range(41)]
    for n in range(41):
        for m in range(n + 1):
            verify_consistency(m, n, roots[m], roots[n], consistency_proof(leaves[:n], m))


def test_compact_range_root_equals_the_tree_root_for_every_size_up_to_200() -> None:
    leaves = _leaves(200)
    frontier = CompactRange()
    assert frontier.root() == root([])
    for n in range(1, 201):
        frontier.append(leaves[n - 1])
        assert frontier.size == n
        assert len(frontier.hashes) == n.bit_count()
        assert frontier.root() == root(leaves[:n])


def test_compact_range_survives_its_database_encoding() -> None:
    frontier = CompactRange()
    for h in _leaves(77):
        frontier.append(h)
    stored = CompactRange.decode(frontier.encode())
    assert stored == frontier
    stored.append(leaf_hash(b"next"))
    assert stored.root() == root([*_leaves(77), leaf_hash(b"next")])


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00" * 7,
        (3).to_bytes(8, "big") + b"\x00" * 32,
        (1).to_bytes(8, "big") + b"\x00" * 31,
    ],
    ids=["empty", "short size", "hash count not matching size", "truncated hash"],
)
def test_a_malformed_compact_range_encoding_raises_proof_error(data: bytes) -> None:
    with pytest.raises(ProofError):
        CompactRange.decode(data)


def test_indices_outside_the_tree_get_no_proof() -> None:
    with pytest.raises(ProofError):
        inclusion_proof(_leaves(3), 3)
    with pytest.raises(ProofError):
        consistency_proof(_leaves(3), 4)


# --- what an altered log looks like to a verifier -------------------------------


def _published(leaves: list[bytes]) -> tuple[int, bytes]:
    return len(leaves), root(leaves)


def test_a_tampered_leaf_no_longer_proves_its_inclusion() -> None:
    leaves = _leaves(10)
    size, signed_root = _published(leaves)
    tampered = list(leaves)
    tampered[3] = leaf_hash(b"another event")
    with pytest.raises(ProofError):
        verify_inclusion(tampered[3], 3, size, inclusion_proof(tampered, 3), signed_root)


def test_a_deleted_leaf_breaks_consistency_with_the_published_checkpoint() -> None:
    leaves = _leaves(10)
    old_size, old_root = _published(leaves)
    shortened = leaves[:4] + leaves[5:] + _leaves(12)[10:12]  # one deleted, two appended
    new_size, new_root = _published(shortened)
    with pytest.raises(ProofError):
        verify_consistency(
            old_size, new_size, old_root, new_root, consistency_proof(shortened, old_size)
        )


def test_two_reordered_leaves_break_inclusion_and_consistency() -> None:
    leaves = _leaves(10)
    old_size, old_root = _published(leaves)
    swapped = list(leaves)
    swapped[2], swapped[7] = swapped[7], swapped[2]
    with pytest.raises(ProofError):
        verify_inclusion(leaves[2], 2, old_size, inclusion_proof(swapped, 2), old_root)
    grown = [*swapped, leaf_hash(b"later")]
    with pytest.raises(ProofError):
        verify_consistency(
            old_size, len(grown), old_root, root(grown), consistency_proof(grown, old_size)
        )


def test_a_proof_for_the_wrong_size_raises_proof_error() -> None:
    # The size is bound by the signed checkpoint (size, root): a proof made in
    # the tree of 10 leaves does not verify against the checkpoint of 11.
    leaves = _leaves(11)
    proof = inclusion_proof(leaves[:10], 4)
    with pytest.raises(ProofError):
        verify_inclusion(leaves[4], 4, 11, proof, root(leaves))
    with pytest.raises(ProofError):
        verify_inclusion(leaves[4], 4, 5, proof, root(leaves[:10]))


def test_a_proof_from_another_leaf_raises_proof_error() -> None:
    leaves = _leaves(10)
    with pytest.raises(ProofError):
        verify_inclusion(leaves[4], 4, 10, inclusion_proof(leaves, 5), root(leaves))
