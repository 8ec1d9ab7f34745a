"""A small real store with awkward values, and helpers that run queries on it.

Query answers from pyoxigraph are wrapped into the store-neutral result types by tiny local
helpers (the embedded backend does the same job in production).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyoxigraph as ox
import pytest

from riskgraph.store.base import AskResult, GraphResult, SelectResult, Term
from riskgraph.vocab import REGISTER_GRAPH, sparql_prefix_block

# Values chosen to break naive writers: separators, quotes, CR/LF, tabs, pipes, Markdown and
# rich markup, a spreadsheet formula, non-ASCII, a huge integer, typed and tagged literals.
DATA = r"""
@prefix rg: <https://w3id.org/riskgraph#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix reg: <https://riskgraph.example/register/> .
@prefix t: <https://riskgraph.example/test#> .

reg:R-001 a rg:Risk ;
    dcterms:identifier "R-001" ;
    dcterms:title "Biased screening outcomes"@en ;
    rg:likelihood 3 ;
    rg:reviewDue "2025-03-31"^^xsd:date ;
    t:score 0.75 ;
    t:aboveAppetite true ;
    rg:owner reg:P-001 ;
    dcterms:description
        "Owner said \"review\", then | left,\ta tab\r\nand a new line; café *bold* [b]x[/b]" .

reg:R-002 a rg:Risk ;
    dcterms:identifier "R-002" ;
    dcterms:title "Modèle opaque"@fr-CA ;
    rg:likelihood 12345678901234567890 ;
    rg:reviewDue "2026-01-15"^^xsd:date ;
    t:score "1.5E3"^^xsd:double ;
    t:aboveAppetite false ;
    dcterms:description "=SUM(A1:A2)" .

reg:R-003 a rg:Risk ;
    dcterms:identifier "R-003" ;
    dcterms:title "Untitled <risk> & more" ;
    t:score 0.1000000000000000000000000001 .
"""

SELECT_QUERY = """
SELECT ?risk ?id ?title ?likelihood ?due ?score ?flag ?owner ?note WHERE {
  ?risk a rg:Risk ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?risk rg:likelihood ?likelihood }
  OPTIONAL { ?risk rg:reviewDue ?due }
  OPTIONAL { ?risk <https://riskgraph.example/test#score> ?score }
  OPTIONAL { ?risk <https://riskgraph.example/test#aboveAppetite> ?flag }
  OPTIONAL { ?risk rg:owner ?owner }
  OPTIONAL { ?risk dcterms:description ?note }
} ORDER BY ?id
"""

CONSTRUCT_QUERY = """
CONSTRUCT {
  ?risk a rg:Risk ; dcterms:title ?title ; rg:likelihood ?likelihood ; dcterms:description ?note .
} WHERE {
  ?risk a rg:Risk ; dcterms:title ?title .
  OPTIONAL { ?risk rg:likelihood ?likelihood }
  OPTIONAL { ?risk dcterms:description ?note }
}
"""

# Blank nodes in the template: a fresh one per solution.
CONSTRUCT_WITH_BLANK_NODES = """
CONSTRUCT {
  ?risk a rg:Risk ; dcterms:title ?title ; dcterms:description ?note ;
        rg:assessment [ rg:score ?score ] .
} WHERE {
  ?risk a rg:Risk ; dcterms:title ?title .
  OPTIONAL { ?risk dcterms:description ?note }
  OPTIONAL { ?risk <https://riskgraph.example/test#score> ?score }
}
"""


def load_store(turtle: str = DATA) -> ox.Store:
    store = ox.Store()
    store.load(turtle, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(REGISTER_GRAPH))
    return store


def _rows(solutions: ox.QuerySolutions, names: list[str]) -> Iterator[dict[str, Term | None]]:
    for solution in solutions:
        yield {name: solution[name] for name in names}


def run_query(store: ox.Store, sparql: str) -> SelectResult | GraphResult | AskResult:
    """Run ``sparql`` (standard prefixes added) on the union of all graphs."""
    raw = store.query(sparql_prefix_block() + sparql, use_default_graph_as_union=True)
    if isinstance(raw, ox.QuerySolutions):
        names = [variable.value for variable in raw.variables]
        return SelectResult(names, _rows(raw, names))
    if isinstance(raw, ox.QueryBoolean):
        return AskResult(bool(raw))
    return GraphResult(iter(raw))


class QuadView:
    """The two read methods ``register_hash`` needs, over a raw pyoxigraph store."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        named = ox.NamedNode(graph) if graph is not None else None
        return iter(self._store.quads_for_pattern(None, None, None, named))

    def graph_names(self) -> list[str]:
        return [graph.value for graph in self._store.named_graphs()]


@pytest.fixture
def store() -> ox.Store:
    return load_store()


@pytest.fixture
def select(store: ox.Store) -> Callable[[], SelectResult]:
    """A fresh result of SELECT_QUERY each call (results are one-pass iterators)."""

    def make() -> SelectResult:
        result = run_query(store, SELECT_QUERY)
        assert isinstance(result, SelectResult)
        return result

    return make


@pytest.fixture
def construct(store: ox.Store) -> Callable[[], GraphResult]:
    """A fresh CONSTRUCT result, triples in a fixed order so serialisations are reproducible."""

    def make() -> GraphResult:
        result = run_query(store, CONSTRUCT_QUERY)
        assert isinstance(result, GraphResult)
        return GraphResult(iter(sorted(result.triples, key=str)))

    return make


@pytest.fixture
def construct_with_blank_nodes(store: ox.Store) -> Callable[[], GraphResult]:
    def make() -> GraphResult:
        result = run_query(store, CONSTRUCT_WITH_BLANK_NODES)
        assert isinstance(result, GraphResult)
        return result

    return make


@pytest.fixture
def run() -> Callable[[ox.Store, str], SelectResult | GraphResult | AskResult]:
    return run_query


@pytest.fixture
def make_store() -> Callable[[str], ox.Store]:
    return load_store


@pytest.fixture
def quad_view() -> Callable[[ox.Store], QuadView]:
    return QuadView
