"""The ontology files parse, and every IRI they use exists: upstream, in a closed W3C namespace,
or in the riskgraph ontology itself."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, VANN, XSD, DefinedNamespace

from riskgraph.resources import data_dir, ontology_file

_BESIDE_CLONE = Path(__file__).resolve().parents[3] / "shared" / "reference"
REFERENCE = Path(os.environ.get("RISKGRAPH_REFERENCE", _BESIDE_CLONE))
UPSTREAM_FILES = (
    "airo/airo.ttl",
    "vair/vair.ttl",
    "dpv/dpv.ttl",
    "dpv/risk.ttl",
    "dpv/ai.ttl",
    "dpv/eu-aiact.ttl",
)
UPSTREAM_NAMESPACES = (
    "https://w3id.org/airo#",
    "https://w3id.org/vair#",
    "https://w3id.org/dpv#",
    "https://w3id.org/dpv/risk#",
    "https://w3id.org/dpv/ai#",
    "https://w3id.org/dpv/legal/eu/aiact#",
)
W3C_NAMESPACES: tuple[type[DefinedNamespace], ...] = (
    PROV,
    SKOS,
    DCTERMS,
    OWL,
    RDF,
    RDFS,
    XSD,
    SH,
    VANN,
)
RG = "https://w3id.org/riskgraph#"
OWN_IRIS = (
    "https://w3id.org/riskgraph",  # the ontology itself
    "https://w3id.org/riskgraph/iso42001",  # the catalogue scheme
    "https://w3id.org/riskgraph/shapes",  # the shapes graph
    "https://www.apache.org/licenses/LICENSE-2.0",  # dcterms:license of our files
)
OWN_NAMESPACES = ("https://w3id.org/riskgraph/iso42001/", "https://w3id.org/riskgraph/shapes#")
CHECKED_FILES = ("riskgraph.ttl", "shapes.ttl", "matrices.ttl", "iso42001.ttl", "ai-act.ttl")

ONTOLOGY_FILES = sorted(path.name for path in data_dir("ontology").glob("*.ttl"))


@pytest.mark.parametrize("name", ONTOLOGY_FILES)
def test_ontology_file_parses(name: str) -> None:
    graph = rdflib.Graph().parse(ontology_file(name), format="turtle")
    assert len(graph) > 0


def test_every_checked_file_is_shipped() -> None:
    assert set(CHECKED_FILES) <= set(ONTOLOGY_FILES)


@cache
def upstream_terms() -> frozenset[str]:
    """Every IRI that upstream AIRO, VAIR and DPV describe (as a subject)."""
    folder = REFERENCE / "ontologies"
    if not folder.is_dir():
        pytest.skip(f"upstream ontologies not found in {folder} (set RISKGRAPH_REFERENCE)")
    terms = set()
    for name in UPSTREAM_FILES:
        for triple in ox.parse(path=str(folder / name), format=ox.RdfFormat.TURTLE):
            if isinstance(triple.subject, ox.NamedNode):
                terms.add(triple.subject.value)
    return frozenset(terms)


@cache
def riskgraph_terms() -> frozenset[str]:
    """Terms the riskgraph ontology defines: classes, properties and individuals."""
    graph = rdflib.Graph().parse(ontology_file("riskgraph.ttl"), format="turtle")
    return frozenset(str(s) for s in graph.subjects() if str(s).startswith(RG))


def in_closed_w3c_namespace(iri: str) -> bool:
    for namespace in W3C_NAMESPACES:
        base = str(namespace)
        if iri.startswith(base):
            try:
                namespace[iri.removeprefix(base)]
            except AttributeError:
                return False
            return True
    return False


def iri_problem(iri: str) -> str | None:
    """Why ``iri`` may not be used in our ontology files, or None when it may."""
    if iri.startswith(UPSTREAM_NAMESPACES):
        return None if iri in upstream_terms() else "not defined upstream (AIRO, VAIR, DPV)"
    if iri.startswith(RG):
        return None if iri in riskgraph_terms() else "not defined in riskgraph.ttl"
    if iri in OWN_IRIS or iri.startswith(OWN_NAMESPACES):
        return None
    if any(iri.startswith(str(ns)) for ns in W3C_NAMESPACES):
        return None if in_closed_w3c_namespace(iri) else "not a term of its W3C vocabulary"
    return "in no namespace riskgraph may use"


def iris_in_graph(graph: rdflib.Graph) -> Iterator[str]:
    for triple in graph:
        for term in triple:
            if isinstance(term, rdflib.URIRef):
                yield str(term)
            elif isinstance(term, rdflib.Literal) and term.datatype is not None:
                yield str(term.datatype)


PREFIXED_NAME = re.compile(r"(?<![\w\"'])([a-z][a-z0-9]*):([A-Za-z_][\w.\-]*[\w\-])")
FULL_IRI = re.compile(r"<(https?://[^>\s]+)>")


def iris_in_sparql(graph: rdflib.Graph) -> Iterator[str]:
    """IRIs written inside the SPARQL of sh:select, expanded with the sh:declare prefixes."""
    prefixes = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(None, SH.declare)
    }
    for query in graph.objects(None, SH.select):
        text = str(query)
        for prefix, local in PREFIXED_NAME.findall(text):
            assert prefix in prefixes, f"undeclared prefix {prefix}: in {text}"
            yield prefixes[prefix] + local
        yield from FULL_IRI.findall(text)


@pytest.mark.parametrize("name", CHECKED_FILES)
def test_every_iri_exists(name: str) -> None:
    graph = rdflib.Graph().parse(ontology_file(name), format="turtle")
    used = set(iris_in_graph(graph)) | set(iris_in_sparql(graph))
    problems = {iri: why for iri in sorted(used) if (why := iri_problem(iri))}
    assert not problems, f"{name} uses IRIs that do not exist: {problems}"


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("https://w3id.org/dpv/risk#HighRisk", None),
        ("https://w3id.org/dpv/risk#HighRiskk", "not defined upstream (AIRO, VAIR, DPV)"),
        ("http://www.w3.org/ns/prov#wasDerivedFrom", None),
        ("http://www.w3.org/ns/prov#wasApprovedBy", "not a term of its W3C vocabulary"),
        ("https://w3id.org/riskgraph#Risk", None),
        ("https://w3id.org/riskgraph#Risks", "not defined in riskgraph.ttl"),
        ("http://schema.org/name", "in no namespace riskgraph may use"),
    ],
)
def test_the_iri_check_tells_known_from_unknown(iri: str, expected: str | None) -> None:
    assert iri_problem(iri) == expected


def test_sparql_iris_are_found() -> None:
    shapes = rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")
    found = set(iris_in_sparql(shapes))
    assert {RG + "matrixSize", "https://w3id.org/dpv#hasRiskLevel", str(RDFS.subClassOf)} <= found
