"""The register hash that ``commit`` keeps equals the one computed from the content, after any
sequence of writes through the store's real write paths, and a value that is not current is
never served."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskgraph.register import Register
from riskgraph.results import register_hash, register_hash_full
from riskgraph.store import fingerprint
from riskgraph.store.base import REVISION, ChangeSet, commit, read_revision
from riskgraph.store.embedded import STAGED_WRITE_THRESHOLD, EmbeddedStore
from riskgraph.store.fingerprint import cached_hash, full_hash, hash_quads
from riskgraph.vocab import (
    DRAFTS_GRAPH,
    ISO42001_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTER_GRAPH,
    RG,
    XSD,
)

GRAPHS = [REGISTER_GRAPH, DRAFTS_GRAPH, ISO42001_GRAPH, ONTOLOGY_GRAPH, META_GRAPH]
TITLE = ox.NamedNode(RG + "title")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")


def _quad(subject: int, value: str, graph: str, predicate: ox.NamedNode = TITLE) -> ox.Quad:
    node = ox.NamedNode(f"https://example.org/risk/R-{subject:03d}")
    return ox.Quad(node, predicate, ox.Literal(value), ox.NamedNode(graph))


quads = st.builds(
    _quad,
    st.integers(0, 5),
    st.sampled_from(["a", "b", 'with "quotes"\tand tab', "é"]),
    st.sampled_from(GRAPHS),
    st.sampled_from([TITLE, IDENTIFIER]),
)
change_sets = st.builds(
    ChangeSet,
    remove=st.lists(quads, max_size=6),
    add=st.lists(quads, max_size=6),
)
operations = st.one_of(
    st.tuples(st.just("commit"), change_sets),
    st.tuples(st.just("apply"), change_sets),
    st.tuples(st.just("apply_staged"), change_sets),
    st.tuples(st.just("replace_graph"), st.sampled_from(GRAPHS), st.lists(quads, max_size=4)),
    st.tuples(st.just("update"), quads),
)


def _run(store: EmbeddedStore, operation: tuple[object, ...]) -> None:
    match operation:
        case ("commit", ChangeSet() as changes):
            commit(store, changes)
        case ("apply", ChangeSet() as changes):
            store.apply(changes)
        case ("apply_staged", ChangeSet() as changes):
            store.apply_staged(changes)
        case ("replace_graph", str(graph), list(content)):
            store.replace_graph(
                graph,
                [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in content],
            )
        case ("update", ox.Quad() as quad):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            store.update(f"INSERT DATA {{ GRAPH {quad.graph_name} {{ {triple} . }} }}")
        case _:
            raise AssertionError(operation)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, max_size=12))
def test_the_kept_hash_equals_the_full_one_after_any_writes(
    sequence: list[tuple[object, ...]],
) -> None:
    store = EmbeddedStore()
    for operation in sequence:
        _run(store, operation)
        kept = cached_hash(store)
        if operation[0] == "commit":
            assert kept is not None  # a commit always leaves a current value
        if kept is not None:
            assert kept == full_hash(store)
        assert register_hash(store) == register_hash_full(store) == full_hash(store)


def test_a_commit_keeps_the_hash_and_readers_use_it() -> None:
    store = EmbeddedStore()
    commit(store, ChangeSet(add=[_quad(1, "a", REGISTER_GRAPH)]))
    commit(
        store, ChangeSet(add=[_quad(2, "b", DRAFTS_GRAPH)], remove=[_quad(1, "a", REGISTER_GRAPH)])
    )
    kept = cached_hash(store)
    assert kept == full_hash(store)
    # Readers take the kept value: plant a different one for the current revision and see it.
    planted = "0" * 63 + "1"
    revision = read_revision(store)
    store.raw.remove(hash_quads(store)[0])
    store.raw.add(
        ox.Quad(
            ox.NamedNode(META_GRAPH),
            hash_quads_predicate(),
            ox.Literal(f"{revision}:{planted}"),
            ox.NamedNode(META_GRAPH),
        )
    )
    assert register_hash(store) == planted
    assert register_hash_full(store) == kept


def hash_quads_predicate() -> ox.NamedNode:
    return ox.NamedNode(RG + "registerHash")


def test_a_value_kept_for_another_revision_is_not_served() -> None:
    """A writer that moves the revision on without keeping the hash (an older riskgraph)."""
    store = EmbeddedStore()
    commit(store, ChangeSet(add=[_quad(1, "a", REGISTER_GRAPH)]))
    assert cached_hash(store) is not None
    meta = ox.NamedNode(META_GRAPH)
    store.raw.add(
        ox.Quad(meta, REVISION, ox.Literal("9", datatype=ox.NamedNode(XSD + "integer")), meta)
    )
    store.raw.add(_quad(3, "c", REGISTER_GRAPH))
    assert cached_hash(store) is None
    assert register_hash(store) == full_hash(store)
    commit(store, ChangeSet(add=[_quad(4, "d", REGISTER_GRAPH)]))  # recomputed in full once
    assert cached_hash(store) == full_hash(store)


def test_writes_that_do_not_keep_the_hash_remove_it() -> None:
    store = EmbeddedStore()
    commit(store, ChangeSet(add=[_quad(1, "a", REGISTER_GRAPH)]))
    store.replace_graph(ISO42001_GRAPH, [_quad(2, "b", ISO42001_GRAPH)])
    assert hash_quads(store) == []
    commit(store, ChangeSet(add=[_quad(1, "b", REGISTER_GRAPH)]))
    assert cached_hash(store) == full_hash(store)
    store.update(
        f"DELETE DATA {{ GRAPH <{REGISTER_GRAPH}> {{ {ox.Triple(*_triple(1, 'b'))} . }} }}"
    )
    assert hash_quads(store) == []
    # Writes to bookkeeping graphs only leave it.
    commit(store, ChangeSet())
    store.apply(ChangeSet(add=[_quad(5, "x", ONTOLOGY_GRAPH)]))
    assert cached_hash(store) == full_hash(store)


def _triple(subject: int, value: str) -> tuple[ox.NamedNode, ox.NamedNode, ox.Literal]:
    quad = _quad(subject, value, REGISTER_GRAPH)
    assert isinstance(quad.subject, ox.NamedNode)
    assert isinstance(quad.object, ox.Literal)
    return quad.subject, quad.predicate, quad.object


def test_a_large_staged_commit_keeps_the_hash(disk_register: Register) -> None:
    many = [_quad(i % 999, f"v{i}", REGISTER_GRAPH) for i in range(STAGED_WRITE_THRESHOLD + 5)]
    disk_register.commit(ChangeSet(add=many))
    disk_register.commit(
        ChangeSet(remove=many[:STAGED_WRITE_THRESHOLD], add=[_quad(1, "z", DRAFTS_GRAPH)])
    )
    with disk_register.reader() as store:
        kept = cached_hash(store)
        assert kept is not None
        assert kept == full_hash(store)


def test_a_change_above_the_limit_is_not_kept_and_the_next_commit_recomputes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fingerprint, "KEPT_CHANGE_LIMIT", 3)
    store = EmbeddedStore()
    commit(store, ChangeSet(add=[_quad(1, "a", REGISTER_GRAPH)]))
    assert cached_hash(store) is not None
    commit(store, ChangeSet(add=[_quad(i, "big", REGISTER_GRAPH) for i in range(5)]))
    assert hash_quads(store) == []
    assert register_hash(store) == full_hash(store)
    commit(store, ChangeSet(add=[_quad(2, "small", DRAFTS_GRAPH)]))
    assert cached_hash(store) == full_hash(store)
