"""The Merkle tree of the audit log: hashes, roots, proofs and the growing frontier.

This module owns the tree arithmetic of RFC 6962 §2.1, restated by RFC 9162
§2.1 (Certificate Transparency v2), over SHA-256 and raw bytes only:

- ``leaf_hash(d) = SHA-256(0x00 || d)`` and ``node_hash(l, r) = SHA-256(0x01 || l || r)``
  (RFC 9162 §2.1.1; the prefixes keep a leaf from passing for a node);
- ``root`` is MTH(D[n]) of RFC 9162 §2.1.1, splitting at the largest power of
  two smaller than n; the empty tree's root is SHA-256 of the empty string;
- inclusion proofs: PATH (§2.1.3.1) and the verification algorithm of
  §2.1.3.2, step by step;
- consistency proofs: PROOF/SUBPROOF (§2.1.4.1) and the verification
  algorithm of §2.1.4.2, step by step;
- ``CompactRange``: the O(log n) right-edge subtree hashes (the "frontier")
  of a tree of n leaves, so that appending one leaf and recomputing the root
  costs O(log n) hashes whatever the size of the trail; the database stores
  its ``encode()`` form.

Every verification failure raises ``ProofError`` (never ``assert``): a wrong
proof, a wrong size, a wrong index, a tampered, deleted or reordered leaf
all look the same to the caller, "this does not verify". Pinned by the
reference vectors of transparency-dev/merkle (tests/audit/vectors/rfc6962.json).
Proofs made from stored hashes rather than the full list of leaves: ``auditlog.proofs``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_SIZE = 32
"""Size in bytes of every hash in the tree (SHA-256)."""

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() — RFC 9162 §2.1.1."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class ProofError(Exception):
    """A proof, root, size, index, tile or bundle does not verify. One type for every failure.

    ``code`` is stable (auditlog/SPEC.md §7): ``proof_invalid`` for a proof, an event or a
    root that does not verify; ``tile_invalid`` and ``bundle_invalid`` for served data
    that does not hash to what the checkpoint signs (``auditlog.tiles``).
    """

    def __init__(self, message: str, code: str = "proof_invalid") -> None:
        super().__init__(message)
        self.code = code


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d) — RFC 9162 §2.1.1."""
    return hashlib.sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right) — RFC 9162 §2.1.1."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1): k with k < n <= 2k."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(hashes: Sequence[bytes], what: str) -> None:
    for h in hashes:
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ProofError(f"{what}: every hash must be {HASH_SIZE} bytes")


def _mth(hashes: Sequence[bytes]) -> bytes:
    """MTH over leaf hashes (already hashed leaves), n >= 1."""
    n = len(hashes)
    if n == 1:
        return hashes[0]
    k = _split(n)
    return node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1, given the n leaf hashes in log order.

    Raises ProofError if a leaf hash is not 32 bytes.
    """
    _check_hashes(leaf_hashes, "root")
    if not leaf_hashes:
        return EMPTY_ROOT
    return _mth(leaf_hashes)


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf ``index``.

    Raises ProofError when ``index`` is not in [0, n).
    """
    _check_hashes(leaf_hashes, "inclusion_proof")
    if not 0 <= index < len(leaf_hashes):
        raise ProofError("inclusion_proof: index outside the tree")
    return _path(index, leaf_hashes)


def _path(m: int, d: Sequence[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _split(n)
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify an inclusion proof — the algorithm of RFC 9162 §2.1.3.2, step by step.

    Returns None when ``leaf_hash`` is the leaf at ``index`` of the tree of
    ``size`` leaves whose root is ``root``; raises ProofError otherwise.
    """
    _check_hashes([leaf_hash, root], "verify_inclusion")
    _check_hashes(proof, "verify_inclusion proof")
    # 1. index must be < size.
    if not 0 <= index < size:
        raise ProofError("inclusion: index outside the tree")
    # 2. fn = leaf_index, sn = tree_size - 1.   3. r = hash.
    fn, sn = index, size - 1
    r = leaf_hash
    # 4. for each p in the path:
    for p in proof:
        # a. if sn is 0, stop and fail.
        if sn == 0:
            raise ProofError("inclusion: proof too long")
        # b. if LSB(fn) is set, or fn == sn:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # ii. if LSB(fn) is not set, right-shift fn and sn until LSB(fn) is set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        # c. right-shift fn and sn once.
        fn >>= 1
        sn >>= 1
    # 5. sn must be 0 and r must equal the root.
    if sn != 0:
        raise ProofError("inclusion: proof too short")
    if r != root:
        raise ProofError("inclusion: root mismatch")


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1, from the tree of ``old_size`` leaves.

    Empty when ``old_size`` is 0 or n (nothing to prove). Raises ProofError
    when ``old_size`` is not in [0, n].
    """
    _check_hashes(leaf_hashes, "consistency_proof")
    if not 0 <= old_size <= len(leaf_hashes):
        raise ProofError("consistency_proof: old size outside the tree")
    if old_size == 0:
        return []
    return _subproof(old_size, leaf_hashes, True)


def _subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [_mth(d)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, d[:k], b), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Verify that the tree of ``new_size`` leaves extends the tree of ``old_size`` leaves.

    The algorithm of RFC 9162 §2.1.4.2, step by step, for 0 < old < new. The
    edge cases the RFC leaves to the caller are settled as transparency-dev/merkle
    does: old == new needs an empty proof and equal roots; old == 0 needs an
    empty proof (the empty tree is a prefix of every tree); old > new fails.
    Returns None on success; raises ProofError otherwise.
    """
    _check_hashes([old_root, new_root], "verify_consistency")
    _check_hashes(proof, "verify_consistency proof")
    if old_size < 0 or new_size < old_size:
        raise ProofError("consistency: the new tree is smaller than the old one")
    if old_size == new_size:
        if proof:
            raise ProofError("consistency: same size needs an empty proof")
        if old_root != new_root:
            raise ProofError("consistency: same size, different roots")
        return
    if old_size == 0:
        if proof:
            raise ProofError("consistency: from the empty tree needs an empty proof")
        return
    # 1. an empty path fails.
    if not proof:
        raise ProofError("consistency: empty proof")
    path = list(proof)
    # 2. if first is an exact power of 2, prepend first_hash to the path.
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = old_size - 1, new_size - 1
    # 4. if LSB(fn) is set, right-shift fn and sn until LSB(fn) is not set.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = the first value of the path.
    fr = sr = path[0]
    # 6. for each subsequent value c:
    for c in path[1:]:
        # a. if sn is 0, stop and fail.
        if sn == 0:
            raise ProofError("consistency: proof too long")
        # b. if LSB(fn) is set, or fn == sn:
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # iii. if LSB(fn) is not set, right-shift until LSB(fn) is set or fn is 0.
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        # c. right-shift fn and sn once.
        fn >>= 1
        sn >>= 1
    # 7. fr == first_hash, sr == second_hash, sn == 0.
    if sn != 0:
        raise ProofError("consistency: proof too short")
    if fr != old_root:
        raise ProofError("consistency: old root mismatch")
    if sr != new_root:
        raise ProofError("consistency: new root mismatch")


class CompactRange:
    """The frontier of a log of ``size`` leaves: one subtree hash per set bit of size.

    ``hashes`` lists the roots of the perfect subtrees that cover [0, size),
    largest (leftmost) first — the compact range [0, size) of
    transparency-dev/merkle ``compact.Range`` (``docs/compact_ranges.md``).
    ``append`` merges equal-sized subtrees as a binary counter carries, so it
    costs at most log2(size) + 1 hashes; ``root`` folds the frontier from the
    right, which is MTH(D[size]) because RFC 9162's split is exactly at
    the largest perfect subtree.

    Mutable on purpose (the log appends to it); ``encode``/``decode`` give the
    bytes a database row keeps.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if not isinstance(size, int) or size < 0:
            raise ProofError("compact range: size must be a non-negative integer")
        _check_hashes(hashes, "compact range")
        if len(hashes) != size.bit_count():
            raise ProofError("compact range: one hash per set bit of the size")
        self._size = size
        self._hashes = list(hashes)

    @property
    def size(self) -> int:
        """Number of leaves covered."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The frontier's subtree hashes, largest subtree first."""
        return tuple(self._hashes)

    def append(self, leaf_hash: bytes) -> None:
        """Add the next leaf (its hash: ``leaf_hash(data)``) at index ``size``."""
        _check_hashes([leaf_hash], "compact range append")
        h = leaf_hash
        n = self._size
        while n & 1:  # every trailing 1 bit is a subtree of the new one's size: merge
            h = node_hash(self._hashes.pop(), h)
            n >>= 1
        self._hashes.append(h)
        self._size += 1

    def root(self) -> bytes:
        """MTH of the leaves covered (SHA-256 of the empty string for none)."""
        if not self._hashes:
            return EMPTY_ROOT
        r = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            r = node_hash(h, r)
        return r

    def copy(self) -> CompactRange:
        """An independent copy (to compute a root without touching the original)."""
        return CompactRange(self._size, self._hashes)

    def encode(self) -> bytes:
        """size as 8 bytes big-endian, then the hashes, largest subtree first."""
        return self._size.to_bytes(8, "big") + b"".join(self._hashes)

    @classmethod
    def decode(cls, data: bytes) -> CompactRange:
        """Inverse of ``encode``; raises ProofError on any inconsistency."""
        if len(data) < 8 or (len(data) - 8) % HASH_SIZE:
            raise ProofError("compact range: malformed encoding")
        size = int.from_bytes(data[:8], "big")
        body = data[8:]
        hashes = [body[i : i + HASH_SIZE] for i in range(0, len(body), HASH_SIZE)]
        return cls(size, hashes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CompactRange):
            return NotImplemented
        return self._size == other._size and self._hashes == other._hashes

    def __hash__(self) -> int:
        return hash((self._size, tuple(self._hashes)))

    def __repr__(self) -> str:
        return f"CompactRange(size={self._size}, root={self.root().hex()[:16]}…)"
