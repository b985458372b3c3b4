"""The Merkle tree of RFC 9162 (Certificate Transparency 2.0), section 2.1: hashes, the
tree's growing right edge, and inclusion and consistency proofs.

Proofs are computed from the tree's stored perfect subtrees (`Node`s): a subtree of 2**level
leaves starting at leaf `index * 2**level`. Any range the proofs need decomposes into such
subtrees, so a proof costs one read of a few dozen stored hashes, whatever the tree's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

Node = tuple[int, int]  # (level, index): the perfect subtree over leaves [index << level, ...)
Range = tuple[int, int]  # leaves [start, end)
Lookup = Callable[[Iterable[Node]], dict[Node, bytes]]

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not lead to the root it claims, or sizes that cannot be."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (at least 2)."""
    return 1 << ((size - 1).bit_length() - 1)


class RightEdge:
    """The roots of the perfect subtrees that make up a tree of `size` leaves, largest
    first: enough to append leaves and to compute the root (a compact range)."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} edge subtrees")
        self.size = size
        self.hashes = list(hashes)

    @staticmethod
    def nodes(size: int) -> list[Node]:
        """Which stored subtrees a tree of `size` leaves is made of, largest first."""
        return _subtrees(0, size)

    def append(self, hashed: bytes) -> list[tuple[int, int, bytes]]:
        """Add a leaf's hash; returns the subtrees it completed as (level, index, hash)."""
        completed = []
        self.hashes.append(hashed)
        self.size += 1
        level = 0
        while not self.size >> level & 1:  # each trailing zero bit merged two subtrees
            right, left = self.hashes.pop(), self.hashes.pop()
            self.hashes.append(node_hash(left, right))
            level += 1
            completed.append((level, (self.size >> level) - 1, self.hashes[-1]))
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root


def _subtrees(start: int, end: int) -> list[Node]:
    """The perfect subtrees a range of the proofs decomposes into, left to right."""
    found = []
    while start < end:
        level = (end - start).bit_length() - 1  # the largest power of two that fits
        found.append((level, start >> level))
        start += 1 << level
    return found


def _range_hash(span: Range, known: dict[Node, bytes]) -> bytes:
    hashes = [known[node] for node in _subtrees(*span)]
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def _inclusion_ranges(index: int, start: int, end: int) -> list[Range]:
    """RFC 9162 PATH(m, D[n]) as the ranges whose hashes it lists, leaf to root."""
    if end - start <= 1:
        return []
    k = _split(end - start)
    if index < k:
        return [*_inclusion_ranges(index, start, start + k), (start + k, end)]
    return [*_inclusion_ranges(index - k, start + k, end), (start, start + k)]


def _consistency_ranges(old: int, start: int, end: int, whole: bool) -> list[Range]:
    """RFC 9162 SUBPROOF(m, D[n], b) as ranges."""
    size = end - start
    if old == size:
        return [] if whole else [(start, end)]
    k = _split(size)
    if old <= k:
        return [*_consistency_ranges(old, start, start + k, whole), (start + k, end)]
    return [*_consistency_ranges(old - k, start + k, end, False), (start, start + k)]


def _hashes_of(ranges: list[Range], lookup: Lookup) -> list[bytes]:
    known = lookup({node for span in ranges for node in _subtrees(*span)})
    return [_range_hash(span, known) for span in ranges]


def inclusion_proof(index: int, size: int, lookup: Lookup) -> list[bytes]:
    return inclusion_proofs([index], size, lookup)[0]


def inclusion_proofs(indexes: Sequence[int], size: int, lookup: Lookup) -> list[list[bytes]]:
    """The proof of each leaf, from one lookup of every stored subtree they need."""
    for index in indexes:
        if not 0 <= index < size:
            raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    paths = [_inclusion_ranges(index, 0, size) for index in indexes]
    known = lookup({node for path in paths for span in path for node in _subtrees(*span)})
    return [[_range_hash(span, known) for span in path] for path in paths]


def consistency_proof(old: int, new: int, lookup: Lookup) -> list[bytes]:
    if not 0 < old <= new:
        raise ProofError(f"no consistency proof from {old} to {new} leaves")
    return _hashes_of(_consistency_ranges(old, 0, new, True), lookup)


def root_from_inclusion(index: int, size: int, hashed: bytes, proof: Sequence[bytes]) -> bytes:
    """RFC 9162 2.1.3.2: the root that `proof` leads to from leaf `index`'s hash."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, root = index, size - 1, hashed
    for sibling in proof:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is high")
    return root


def verify_inclusion(
    index: int, size: int, hashed: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    if root_from_inclusion(index, size, hashed, proof) != root:
        raise ProofError(f"leaf {index} is not in the tree of {size} leaves with that root")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 2.1.4.2: the tree of `new` leaves extends the one of `old` leaves."""
    if old > new:
        raise ProofError(f"a tree of {new} leaves cannot extend one of {old}")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError(f"two different trees of {old} leaves")
        return
    if old == 0:
        if proof:
            raise ProofError("an empty tree needs an empty consistency proof")
        return
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    if not path:
        raise ProofError("the consistency proof is empty")
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for sibling in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(sibling, fr), node_hash(sibling, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofError(f"the tree of {new} leaves does not extend the one of {old}")
