"""On an Oxigraph server too, ``commit`` keeps the register hash equal to the full computation,
its write lease leaves it, and writes that do not keep it remove it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from remote_support import Server

from riskgraph.results import register_hash
from riskgraph.store.base import ChangeSet, commit
from riskgraph.store.fingerprint import cached_hash, full_hash, hash_quads
from riskgraph.store.remote import RemoteStore
from riskgraph.store.remote_http import SparqlEndpoint
from riskgraph.vocab import DRAFTS_GRAPH, ISO42001_GRAPH, ONTOLOGY_GRAPH, REGISTER_GRAPH, RG

TITLE = ox.NamedNode(RG + "title")


def _quad(subject: int, value: str, graph: str = REGISTER_GRAPH) -> ox.Quad:
    node = ox.NamedNode(f"https://example.org/risk/R-{subject:03d}")
    return ox.Quad(node, TITLE, ox.Literal(value), ox.NamedNode(graph))


@pytest.mark.parametrize("with_store", [True, False])
def test_commits_keep_the_hash_and_other_writes_remove_it(server: Server, with_store: bool) -> None:
    store = RemoteStore(SparqlEndpoint(server.settings(with_store=with_store)))
    commit(store, ChangeSet(add=[_quad(1, "a"), _quad(2, "b", DRAFTS_GRAPH)]))
    commit(store, ChangeSet(remove=[_quad(1, "a"), _quad(7, "absent")], add=[_quad(1, "c")]))
    kept = cached_hash(store)
    assert kept is not None
    assert kept == full_hash(store) == register_hash(store)
    store.apply(ChangeSet(add=[_quad(9, "not hashed", ONTOLOGY_GRAPH)]))  # leaves it
    assert cached_hash(store) == kept

    store.replace_graph(ISO42001_GRAPH, [_quad(3, "clause", ISO42001_GRAPH)])
    assert hash_quads(store) == []
    commit(store, ChangeSet(add=[_quad(4, "d")]))
    assert cached_hash(store) == full_hash(store)

    store.load_graph(DRAFTS_GRAPH, iter([_quad(5, "e", DRAFTS_GRAPH)]))
    assert hash_quads(store) == []
    assert register_hash(store) == full_hash(store)
