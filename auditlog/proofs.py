"""Inclusion and consistency proofs made from a source of stored hashes (RFC 9162 §2.1.3, §2.1.4).

``auditlog.merkle`` computes proofs from the full list of leaf hashes, which is right
for a test or a small tree. A log that serves proofs (the server) or a client that
rebuilds them from tiles (``auditlog.tiles``) has something else: the hash of any
*perfect* subtree — ``node(height, index) = MTH(D[index * 2**height : (index + 1) *
2**height])`` — read from storage. This module builds PATH (§2.1.3.1) and PROOF
(§2.1.4.1) from such a source, touching O(log n) nodes, and verifies them with the
step-by-step algorithms of ``auditlog.merkle`` (§2.1.3.2, §2.1.4.2).

Every range the RFC's recursion needs is ``D[a:b]`` with ``a`` a multiple of the
largest power of two not above ``b - a`` rounded up; its MTH is the fold from the
right of the perfect subtrees that cover it, largest first (the same argument as
``CompactRange.root``), so each range costs at most log2(b - a) + 1 nodes.

Failures raise ``ProofError`` (code ``proof_invalid``), never ``assert``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from auditlog.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    ProofError,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "HashSource",
    "ListSource",
    "consistency_proof",
    "inclusion_proof",
    "range_root",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]


class HashSource(Protocol):
    """Where perfect subtree hashes come from (a database, tiles, a list)."""

    def node(self, height: int, index: int) -> bytes:
        """MTH(D[index * 2**height : (index + 1) * 2**height]), 32 bytes.

        Called only for subtrees entirely inside the tree being proven."""
        ...


class ListSource:
    """A ``HashSource`` over the full list of leaf hashes (tests, small trees).

    Node hashes are computed once and kept, so a whole tree costs O(n) hashes."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        for h in leaf_hashes:
            if not isinstance(h, bytes) or len(h) != HASH_SIZE:
                raise ProofError("list source: every leaf hash must be 32 bytes")
        self._levels: list[list[bytes]] = [list(leaf_hashes)]

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def node(self, height: int, index: int) -> bytes:
        while len(self._levels) <= height:
            below = self._levels[-1]
            self._levels.append(
                [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
            )
        level = self._levels[height]
        if not 0 <= index < len(level):
            raise ProofError("list source: subtree outside the tree")
        return level[index]


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_root(source: HashSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC's recursion produces (``start`` aligned).

    Raises ProofError for an empty or misaligned range, or a wrong-sized hash."""
    if not 0 <= start < end:
        raise ProofError("range root: empty range")
    nodes: list[bytes] = []
    at = start
    while at < end:
        height = (end - at).bit_length() - 1  # the largest power of two that fits...
        while at % (1 << height):  # ...and is aligned at ``at``
            height -= 1
        h = source.node(height, at >> height)
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ProofError("range root: the source gave a hash that is not 32 bytes")
        nodes.append(h)
        at += 1 << height
    if len(nodes) > 1 and start % (1 << (end - start - 1).bit_length()):
        # Not a range RFC 9162 splits into: the fold would not be its MTH.
        raise ProofError("range root: the range is not aligned")
    r = nodes[-1]
    for h in reversed(nodes[:-1]):
        r = node_hash(h, r)
    return r


def tree_root(source: HashSource, size: int) -> bytes:
    """MTH(D[size]): the root of the first ``size`` leaves (EMPTY_ROOT for 0)."""
    if size < 0:
        raise ProofError("tree root: negative size")
    if size == 0:
        return EMPTY_ROOT
    return range_root(source, 0, size)


def inclusion_proof(source: HashSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1; ProofError unless 0 <= index < size."""
    if not 0 <= index < size:
        raise ProofError("inclusion proof: index outside the tree")
    proof: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            proof.append(range_root(source, lo + k, hi))
            hi = lo + k
        else:
            proof.append(range_root(source, lo, lo + k))
            lo = lo + k
    proof.reverse()  # PATH lists the sibling nearest the leaf first
    return proof


def consistency_proof(source: HashSource, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1.

    Empty when ``old_size`` is 0 or equals ``new_size``; ProofError unless
    0 <= old_size <= new_size."""
    if not 0 <= old_size <= new_size:
        raise ProofError("consistency proof: the old size must be in [0, new size]")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    lo, hi, m, complete = 0, new_size, old_size, True
    # SUBPROOF(m, D[lo:hi], complete), unrolled: each step adds one hash, innermost last.
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                proof.append(range_root(source, lo, hi))
            break
        k = _split(n)
        if m <= k:
            proof.append(range_root(source, lo + k, hi))
            hi = lo + k
        else:
            proof.append(range_root(source, lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    proof.reverse()
    return proof
