"""The audit tree's hashing and proofs against the RFC 6962 / RFC 9162 test vectors of
transparency-dev/merkle, and against a tree computed by the RFC's recursive definition."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.audit.merkle import (
    Lookup,
    Node,
    ProofError,
    RightEdge,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "rfc9162_vectors.json").read_text())
LEAVES = [bytes.fromhex(leaf) for leaf in VECTORS["leaves"]]
ROOTS = [bytes.fromhex(root) for root in VECTORS["roots"]]


def reference_root(hashes: list[bytes]) -> bytes:
    """MTH of RFC 9162 2.1.1, literally."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(reference_root(hashes[:k]), reference_root(hashes[k:]))


def grown(hashes: list[bytes]) -> tuple[RightEdge, dict[Node, bytes]]:
    edge, stored = RightEdge(), {}
    for index, hashed in enumerate(hashes):
        stored[(0, index)] = hashed
        for level, at, node in edge.append(hashed):
            stored[(level, at)] = node
    return edge, stored


def lookup_in(stored: dict[Node, bytes]) -> Lookup:
    def lookup(nodes: Iterable[Node]) -> dict[Node, bytes]:
        return {node: stored[node] for node in nodes}

    return lookup


def test_the_root_of_every_prefix_of_the_vectors_leaves_is_the_published_one() -> None:
    edge = RightEdge()
    assert edge.root() == ROOTS[0]
    for size, leaf in enumerate(LEAVES, start=1):
        edge.append(leaf_hash(leaf))
        assert edge.root() == ROOTS[size], size


def test_the_stored_subtrees_are_the_published_node_hashes() -> None:
    _, stored = grown([leaf_hash(leaf) for leaf in LEAVES])
    for level, row in enumerate(VECTORS["nodes"]):
        for index, expected in enumerate(row):
            assert stored[(level, index)].hex() == expected


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: f"{c['leaf']}-of-{c['size']}")
def test_inclusion_proofs_equal_the_published_ones_and_verify(case: dict[str, object]) -> None:
    index, size = int(case["leaf"]), int(case["size"])  # type: ignore[call-overload]
    _, stored = grown([leaf_hash(leaf) for leaf in LEAVES[:size]])
    proof = inclusion_proof(index, size, lookup_in(stored))
    assert [p.hex() for p in proof] == case["proof"]
    verify_inclusion(index, size, leaf_hash(LEAVES[index]), proof, ROOTS[size])
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(b"forged"), proof, ROOTS[size])


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: f"{c['old']}-to-{c['new']}")
def test_consistency_proofs_equal_the_published_ones_and_verify(case: dict[str, object]) -> None:
    old, new = int(case["old"]), int(case["new"])  # type: ignore[call-overload]
    _, stored = grown([leaf_hash(leaf) for leaf in LEAVES[:new]])
    proof = consistency_proof(old, new, lookup_in(stored))
    assert [p.hex() for p in proof] == case["proof"]
    verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)
    with pytest.raises(ProofError):
        verify_consistency(old, new, ROOTS[old - 1], ROOTS[new], proof)
    with pytest.raises(ProofError):
        verify_consistency(old, new, ROOTS[old], ROOTS[new], proof[:-1])


@given(st.integers(min_value=1, max_value=300), st.data())
def test_any_tree_has_the_rfc_root_and_every_proof_verifies(size: int, data: st.DataObject) -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    edge, stored = grown(hashes)
    root = reference_root(hashes)
    assert edge.root() == root
    restored = RightEdge(size, [stored[node] for node in RightEdge.nodes(size)])
    assert restored.root() == root
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proven = inclusion_proof(index, size, lookup_in(stored))
    verify_inclusion(index, size, hashes[index], proven, root)
    old = data.draw(st.integers(min_value=1, max_value=size))
    proof = consistency_proof(old, size, lookup_in(stored))
    verify_consistency(old, size, reference_root(hashes[:old]), root, proof)


def test_a_proof_for_a_leaf_outside_the_tree_is_refused() -> None:
    with pytest.raises(ProofError, match="not in a tree of 3"):
        verify_inclusion(3, 3, leaf_hash(b""), [], ROOTS[3])
