"""An append-only Merkle tree as RFC 9162 (Certificate Transparency 2.0) defines it.

Leaf hash ``SHA-256(0x00 || data)``, node hash ``SHA-256(0x01 || left || right)``, the tree
head of ``n`` leaves (section 2.1.1), inclusion proofs (2.1.3) and consistency proofs (2.1.4),
and their verification. ``Tree`` keeps every complete subtree's hash, so a root or a proof of
a tree of any size up to its own costs O(log² n) hashes, and appending a leaf O(1) amortised.
"""

from __future__ import annotations

import hashlib

HASH_SIZE = 32
#: The tree head of the empty tree: SHA-256 of nothing.
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or asked for an index or size the tree does not have."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of a leaf's data: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


class Tree:
    """The Merkle tree of a sequence of leaf hashes, appended one at a time."""

    def __init__(self, leaf_hashes: list[bytes] | None = None) -> None:
        #: levels[j][i]: the hash of the complete subtree of 2**j leaves starting at i * 2**j.
        self._levels: list[list[bytes]] = [[]]
        for hashed in leaf_hashes or []:
            self.append(hashed)

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self._levels[0])

    def leaf(self, index: int) -> bytes:
        """The hash of leaf ``index``."""
        return self._levels[0][index]

    def append(self, hashed: bytes) -> int:
        """Add a leaf hash; return its index."""
        index = self.size
        self._levels[0].append(hashed)
        level, position = 0, index
        while position % 2 == 1:  # this leaf closed a pair: its parent is now complete
            row = self._levels[level]
            if len(self._levels) == level + 1:
                self._levels.append([])
            self._levels[level + 1].append(node_hash(row[position - 1], row[position]))
            level, position = level + 1, position // 2
        return index

    def _hash(self, start: int, end: int) -> bytes:
        """MTH of the leaves ``start`` to ``end`` (exclusive; a range of the RFC's recursion)."""
        size = end - start
        if size == 0:
            return EMPTY_ROOT
        level = size.bit_length() - 1
        if size == 1 << level and start % size == 0:
            return self._levels[level][start >> level]
        k = _split(size)
        return node_hash(self._hash(start, start + k), self._hash(start + k, end))

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ProofError(f"tree size {size} is outside 0..{self.size}")

    def root(self, size: int | None = None) -> bytes:
        """The tree head of the first ``size`` leaves (all of them by default)."""
        size = self.size if size is None else size
        self._check_size(size)
        return self._hash(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[size]): the audit path of leaf ``index`` in the tree of ``size`` leaves."""
        self._check_size(size)
        if not 0 <= index < size:
            raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self._hash(start + k, end))
                end = start + k
            else:
                path.append(self._hash(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """PROOF(old_size, D[new_size]): that the smaller tree is a prefix of the larger."""
        self._check_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ProofError(f"tree size {old_size} is not within 0..{new_size}")
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        start, end, complete = 0, new_size, True
        m = old_size
        while m != end - start:
            k = _split(end - start)
            if m <= k:
                proof.append(self._hash(start + k, end))
                end = start + k
            else:
                proof.append(self._hash(start, start + k))
                start, m, complete = start + k, m - k, False
        if not complete:
            proof.append(self._hash(start, end))
        proof.reverse()
        return proof


def root_from_inclusion(index: int, size: int, hashed: bytes, proof: list[bytes]) -> bytes:
    """The root that an inclusion proof leads to (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    if len(hashed) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("a hash is not 32 bytes long")
    fn, sn, r = index, size - 1, hashed
    for p in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    return r


def verify_inclusion(index: int, size: int, hashed: bytes, proof: list[bytes], root: bytes) -> None:
    """Raise ``ProofError`` unless the proof shows leaf ``hashed`` at ``index`` under ``root``."""
    if root_from_inclusion(index, size, hashed, proof) != root:
        raise ProofError("the inclusion proof leads to a different root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> None:
    """Raise ``ProofError`` unless the tree ``old_root`` is a prefix of ``new_root`` (2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"tree size {old_size} is larger than {new_size}")
    if any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("a hash is not 32 bytes long")
    if old_size == new_size:
        if proof or old_root != new_root:
            raise ProofError("trees of one size must have one root and an empty proof")
        return
    if old_size == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    if fr != old_root or sr != new_root:
        raise ProofError("the consistency proof leads to different roots")
