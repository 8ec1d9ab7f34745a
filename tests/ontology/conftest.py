"""Fixtures for the ontology tests: load the ontology files and run the SHACL shapes.

Validation here follows the rules at the top of ontology/shapes.ttl: pyshacl with advanced=True
and inference="none", on a pyoxigraph store that holds the register data together with the
ontology, the risk matrices and the ISO/IEC 42001 catalogue. Two settings keep it fast: the store
is validated in place (the shapes have no rules, so nothing is written and no copy is needed), and
``StoreDataGraph`` answers pyshacl's truth-value test without counting every triple.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib.namespace import SH

from riskgraph.resources import ontology_file
from riskgraph.vocab import ISO42001_GRAPH, ONTOLOGY_GRAPH

SAMPLE_REGISTER = Path(__file__).with_name("sample_register.ttl")
SHAPES_NS = "https://w3id.org/riskgraph/shapes#"
SCHEMA_FILES = {
    "riskgraph.ttl": ONTOLOGY_GRAPH,
    "matrices.ttl": ONTOLOGY_GRAPH,
    "iso42001.ttl": ISO42001_GRAPH,
}
"""The files every validation needs in its data graph, and the named graph each goes to."""


@dataclass(frozen=True, order=True)
class Finding:
    """One SHACL result, reduced to what the tests compare."""

    rule: str  # local name of the shape in rgsh:, e.g. "RiskOwner"
    severity: str  # "Violation", "Warning" or "Info"
    focus: str  # IRI of the focus node
    message: str


class StoreDataGraph(OxigraphDataGraph):
    """pyshacl's view of a pyoxigraph store.

    pyshacl tests the data graph's truth value for every result it reports, which by default
    counts all triples with a SPARQL query: seconds for a few hundred results.
    """

    def __bool__(self) -> bool:
        return True


@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")


def schema_store() -> ox.Store:
    """An in-memory store with the ontology, matrices and catalogue in their named graphs."""
    store = ox.Store()
    for name, graph in SCHEMA_FILES.items():
        store.load(
            path=str(ontology_file(name)), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph)
        )
    return store


def register_store(turtle: str) -> ox.Store:
    """The schema store plus ``turtle`` as register data (in the default graph, so that SPARQL
    updates in the tests reach it without naming a graph)."""
    store = schema_store()
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return store


def validate(store: ox.Store) -> list[Finding]:
    """Run every shape over the union of the store's graphs; return the results, sorted."""
    _conforms, report, _text = pyshacl.validate(
        StoreDataGraph(store),
        shacl_graph=shapes_graph(),
        advanced=True,
        inference="none",
        allow_warnings=True,
        inplace=True,
    )
    assert isinstance(report, rdflib.Graph)
    return sorted(_finding(report, result) for result in report.subjects(SH.resultSeverity))


def _finding(report: rdflib.Graph, result: rdflib.term.Node) -> Finding:
    shape = report.value(result, SH.sourceShape)
    severity = report.value(result, SH.resultSeverity)
    return Finding(
        rule=str(shape).removeprefix(SHAPES_NS),
        severity=str(severity).rsplit("#", 1)[-1],
        focus=str(report.value(result, SH.focusNode)),
        message=str(report.value(result, SH.resultMessage)),
    )


Validator = Callable[[ox.Store], list[Finding]]
StoreFactory = Callable[[str], ox.Store]


@pytest.fixture(scope="session")
def sample_register() -> str:
    """Turtle of a small sound register that uses every register class."""
    return SAMPLE_REGISTER.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def shapes() -> rdflib.Graph:
    return shapes_graph()


@pytest.fixture(scope="session")
def make_register() -> StoreFactory:
    """Build a store from register Turtle plus ontology, matrices and catalogue."""
    return register_store


@pytest.fixture(scope="session")
def run_shapes() -> Validator:
    """Validate a store with ontology/shapes.ttl; returns the sorted findings."""
    return validate
