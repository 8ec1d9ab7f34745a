"""The OWL RL closure of the ontology with a register puts nothing in owl:Nothing and no individual
in two disjoint classes."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import owlrl
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF

from riskgraph.resources import example_register, ontology_file

RG = rdflib.Namespace("https://w3id.org/riskgraph#")
SAMPLE_REGISTER = Path(__file__).with_name("sample_register.ttl")


def closure(*sources: str, data: str = "") -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(ontology_file("riskgraph.ttl"), format="turtle")
    for source in sources:
        graph.parse(source, format="turtle")
    if data:
        graph.parse(data=data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def disjoint_pairs(graph: rdflib.Graph) -> Iterator[tuple[rdflib.term.Node, rdflib.term.Node]]:
    yield from graph.subject_objects(OWL.disjointWith)
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = Collection(graph, graph.value(axiom, OWL.members))
        yield from combinations(members, 2)


def inconsistencies(graph: rdflib.Graph) -> list[str]:
    """Every individual in owl:Nothing or in two disjoint classes, as readable lines."""
    problems = [f"{x} is owl:Nothing" for x in graph.subjects(RDF.type, OWL.Nothing)]
    for first, second in set(disjoint_pairs(graph)):
        both = set(graph.subjects(RDF.type, first)) & set(graph.subjects(RDF.type, second))
        problems += [f"{x} is both {first} and {second}" for x in sorted(both)]
    return sorted(problems)


def test_the_ontology_declares_disjoint_classes() -> None:
    graph = closure()
    pairs = {frozenset(pair) for pair in disjoint_pairs(graph)}
    assert frozenset((RG.Person, RG.Organisation)) in pairs
    assert frozenset((RG.Party, RG.LanguageModel)) in pairs
    assert frozenset((RG.Treatment, RG.TreatmentDraft)) in pairs


def test_sample_register_with_catalogue_is_consistent() -> None:
    graph = closure(str(ontology_file("iso42001.ttl")), str(SAMPLE_REGISTER))
    assert inconsistencies(graph) == []


@pytest.mark.slow
def test_example_register_is_consistent() -> None:
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    assert inconsistencies(closure(str(example_register()))) == []


# Three mistakes, each of which the closure must turn into a clash of disjoint classes.
INCONSISTENT_REGISTER = """
    @prefix rg: <https://w3id.org/riskgraph#> .
    @prefix ex: <https://register.example/> .
    ex:T-1 a rg:Treatment ; rg:approvedBy ex:LLM-1 .   # range of rg:approvedBy: rg:Person
    ex:LLM-1 a rg:LanguageModel .
    ex:SUP-1 a rg:Person, rg:Supplier .                # a supplier is an organisation
    ex:C-1 a rg:Control ; rg:addresses ex:R-1 .        # range of rg:addresses: rg:CatalogueItem
    ex:R-1 a rg:Risk .
"""


def test_the_check_finds_each_clash() -> None:
    problems = inconsistencies(closure(data=INCONSISTENT_REGISTER))
    for entity in ("LLM-1", "SUP-1", "R-1"):
        assert any(f"https://register.example/{entity} is both" in p for p in problems), entity
