"""ontology/iso42001.ttl holds exactly the ISO/IEC 42001 outline of the reference CSV."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from riskgraph.resources import ontology_file
from riskgraph.vocab import ISO42001, ISO42001_SCHEME, RG

_BESIDE_CLONE = Path(__file__).resolve().parents[3] / "shared" / "reference"
REFERENCE = Path(os.environ.get("RISKGRAPH_REFERENCE", _BESIDE_CLONE))
OUTLINE = REFERENCE / "iso42001_outline.csv"
SCHEME = rdflib.URIRef(ISO42001_SCHEME)
CLASS_OF_KIND = {
    "clause": RG + "Clause",
    "annex-a-objective": RG + "AnnexAObjective",
    "annex-a-control": RG + "AnnexAControl",
    "annex-c-group": RG + "AnnexCGroup",
    "annex-c-objective": RG + "AnnexCObjective",
    "annex-c-risk-source": RG + "AnnexCRiskSource",
}


@dataclass(frozen=True)
class Node:
    """One item of the outline, as the CSV gives it or as the catalogue states it."""

    ref_id: str
    title: str
    parent: str  # "" for a top concept
    kind: str


@cache
def outline() -> dict[str, Node]:
    if not OUTLINE.is_file():
        pytest.skip(f"{OUTLINE} not found (set RISKGRAPH_REFERENCE)")
    with OUTLINE.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {
        row["ref_id"]: Node(row["ref_id"], row["title"], row["parent_ref_id"], row["kind"])
        for row in rows
    }


@cache
def catalogue() -> dict[str, Node]:
    graph = rdflib.Graph().parse(ontology_file("iso42001.ttl"), format="turtle")
    kind_of_class = {rdflib.URIRef(iri): kind for kind, iri in CLASS_OF_KIND.items()}
    nodes = {}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        ref_id = str(graph.value(concept, SKOS.notation))
        assert str(concept) == ISO42001 + ref_id, f"{concept} has notation {ref_id}"
        assert (concept, SKOS.inScheme, SCHEME) in graph, f"{ref_id} is not in the scheme"
        kinds = [kind_of_class[c] for c in graph.objects(concept, RDF.type) if c in kind_of_class]
        assert len(kinds) == 1, f"{ref_id} has kinds {kinds}"
        parents = [str(graph.value(p, SKOS.notation)) for p in graph.objects(concept, SKOS.broader)]
        assert len(parents) <= 1, f"{ref_id} has several parents {parents}"
        is_top = (concept, SKOS.topConceptOf, SCHEME) in graph
        assert is_top == (not parents), f"{ref_id}: top concept exactly when it has no parent"
        label = graph.value(concept, SKOS.prefLabel)
        nodes[ref_id] = Node(ref_id, str(label), parents[0] if parents else "", kinds[0])
    return nodes


def test_catalogue_has_exactly_the_outline_concepts() -> None:
    missing = sorted(outline().keys() - catalogue().keys())
    extra = sorted(catalogue().keys() - outline().keys())
    assert (missing, extra) == ([], [])


def test_every_concept_matches_its_outline_row() -> None:
    differing = {
        ref_id: (catalogue()[ref_id], row)
        for ref_id, row in outline().items()
        if ref_id in catalogue() and catalogue()[ref_id] != row
    }
    assert not differing


def count_kind(kind: str) -> int:
    return sum(1 for node in catalogue().values() if node.kind == kind)


def test_all_38_annex_a_controls() -> None:
    assert count_kind("annex-a-control") == 38


def test_annex_c_objectives_and_risk_sources() -> None:
    assert (count_kind("annex-c-objective"), count_kind("annex-c-risk-source")) == (11, 7)


def test_risk_planning_subclauses_6_1_1_to_6_1_4() -> None:
    subclauses = sorted(ref_id for ref_id, node in catalogue().items() if node.parent == "6.1")
    assert subclauses == ["6.1.1", "6.1.2", "6.1.3", "6.1.4"]


def test_annex_c_risk_sources_are_risk_sources() -> None:
    graph = rdflib.Graph().parse(ontology_file("riskgraph.ttl"), format="turtle")
    assert (
        rdflib.URIRef(RG + "AnnexCRiskSource"),
        rdflib.RDFS.subClassOf,
        rdflib.URIRef(RG + "RiskSource"),
    ) in graph
