"""The register hash: a fingerprint of the register, drafts and catalogue graphs' content.

Definition: every quad of those graphs is written as one canonical N-Quads line (pyoxigraph's
N-Quads serialization, ``<s> <p> <o> <g> .`` and a newline, UTF-8); the hash is the sum of the
lines' SHA-256 digests, each read as a big-endian 256-bit number, modulo 2^256, written as 64 hex
digits. A store holds each quad once, so this is a hash of the set of lines: the same content
gives the same hash whatever order it was added in, and ontology and bookkeeping graphs (the
revision stamps) are left out.

The sum makes it incremental: adding a line adds its digest, removing one subtracts it. So
``commit`` maintains it: it keeps ``<meta> rg:registerHash "REVISION:HEX"`` in the meta graph,
updated in the same transaction as the change, and readers (``cached_hash``) take it from there
when its revision is the register's current one. Every other writer of the store (graph
replacement, SPARQL updates, staged bulk writes) first removes that value (``invalidate``), so a
stale value is never read: without a current value readers compute ``full_hash``, which stays
the definition.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from riskgraph.vocab import (
    CATALOGUE_GRAPH_PREFIX,
    DRAFTS_GRAPH,
    ISO42001_GRAPH,
    META_GRAPH,
    REGISTER_GRAPH,
    RG,
)

if TYPE_CHECKING:
    from riskgraph.store.base import Store

MODULUS = 1 << 256
HASH_PREDICATE = ox.NamedNode(RG + "registerHash")
_META = ox.NamedNode(META_GRAPH)
INVALIDATE = f"DELETE WHERE {{ GRAPH {_META} {{ {_META} {HASH_PREDICATE} ?hash }} }}"
"""SPARQL Update text that removes the maintained value (appended to a bypassing update)."""
KEPT_CHANGE_LIMIT = 1_000_000
"""A commit changing more hashed quads than this does not keep the hash (hashing the change
would hold up the write as long as a full computation); the next commit computes it in full."""


class QuadSource(Protocol):
    """What ``full_hash`` needs of a store (every ``riskgraph.store.base.Store`` has it)."""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]: ...

    def graph_names(self) -> list[str]: ...


def is_hashed_graph(name: str) -> bool:
    return name in (REGISTER_GRAPH, DRAFTS_GRAPH) or name.startswith(CATALOGUE_GRAPH_PREFIX)


def hashed_graphs(store: QuadSource) -> list[str]:
    """The graphs the register hash covers: register, drafts and every catalogue."""
    catalogues = {ISO42001_GRAPH} | {
        name for name in store.graph_names() if name.startswith(CATALOGUE_GRAPH_PREFIX)
    }
    return [REGISTER_GRAPH, DRAFTS_GRAPH, *sorted(catalogues)]


def line_digest(quad: ox.Quad) -> int:
    """The SHA-256 of the quad's canonical N-Quads line, as a number."""
    line = f"{quad} .\n".encode()
    return int.from_bytes(hashlib.sha256(line).digest(), "big")


def digest_sum(quads: Iterable[ox.Quad]) -> int:
    """The sum of the quads' line digests (``line_digest``), without reducing it."""
    sha256, number = hashlib.sha256, int.from_bytes
    return sum(number(sha256(f"{quad} .\n".encode()).digest(), "big") for quad in quads)


def digest_lines(data: bytes) -> int:
    """``digest_sum`` of quads serialized as N-Quads by pyoxigraph (one canonical line each)."""
    sha256, number = hashlib.sha256, int.from_bytes
    return sum(number(sha256(line).digest(), "big") for line in data.splitlines(keepends=True))


def as_hex(value: int) -> str:
    return f"{value % MODULUS:064x}"


def full_hash(store: QuadSource) -> str:
    """The register hash computed from every quad of the hashed graphs (the definition)."""
    total = 0
    for graph in hashed_graphs(store):
        for quad in store.quads(graph):
            total += line_digest(quad)
    return as_hex(total)


def is_hashed(quad: ox.Quad) -> bool:
    graph = quad.graph_name
    return isinstance(graph, ox.NamedNode) and is_hashed_graph(graph.value)


def touches_hashed(quads: Iterable[ox.Quad]) -> bool:
    return any(is_hashed(quad) for quad in quads)


def carries_hash(quads: Iterable[ox.Quad]) -> bool:
    """Whether a change adds a maintained value itself (a ``commit``)."""
    return any(q.predicate == HASH_PREDICATE and q.graph_name == _META for q in quads)


def leaves_hash(remove: list[ox.Quad], add: list[ox.Quad]) -> bool:
    """Whether a change may leave the kept hash: it carries the new one, or changes no hashed
    graph."""
    return carries_hash(add) or not (touches_hashed(remove) or touches_hashed(add))


def hash_quads(store: Store) -> list[ox.Quad]:
    """The maintained-value quads the store holds (normally at most one)."""
    return [q for q in store.quads(META_GRAPH, subject=META_GRAPH) if q.predicate == HASH_PREDICATE]


def hash_quad(revision: int, value: str) -> ox.Quad:
    return ox.Quad(_META, HASH_PREDICATE, ox.Literal(f"{revision}:{value}"), _META)


def stored_value(quads: Collection[ox.Quad], revision: int) -> str | None:
    """The maintained value held for ``revision``, or None (none held, or not for it)."""
    if len(quads) != 1:
        return None
    (quad,) = quads
    if not isinstance(quad.object, ox.Literal):
        return None
    held_revision, _, value = quad.object.value.partition(":")
    if held_revision != str(revision) or len(value) != 64:
        return None
    return value


def cached_hash(store: Store) -> str | None:
    """The register hash as maintained by the last commit, or None when there is no current one
    (then compute ``full_hash``)."""
    from riskgraph.store.base import read_revision

    return stored_value(hash_quads(store), read_revision(store))


def delta(store: Store, remove: list[ox.Quad], add: list[ox.Quad]) -> int | None:
    """How the hash sum changes when ``remove`` then ``add`` are applied to ``store``; None when
    it cannot be told cheaply (blank nodes, whose labels are not stable across reads, or a
    change above ``KEPT_CHANGE_LIMIT``)."""
    removed = {q for q in remove if is_hashed(q)}
    added = {q for q in add if is_hashed(q)}
    changed = removed | added
    if not changed:
        return 0
    if len(changed) > KEPT_CHANGE_LIMIT:
        return None
    if any(_has_blank(q) for q in changed):
        return None
    present = store.present(changed)
    total = 0
    for quad in changed:
        before = quad in present
        after = quad in added or (before and quad not in removed)
        if after != before:
            total += line_digest(quad) if after else -line_digest(quad)
    return total


def _has_blank(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
