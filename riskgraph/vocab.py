"""Namespaces and named-graph IRIs used throughout riskgraph, and the closure of a class
hierarchy (``class_closure``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RG = "https://w3id.org/riskgraph#"
ISO42001 = "https://w3id.org/riskgraph/iso42001/"
ISO42001_SCHEME = "https://w3id.org/riskgraph/iso42001"
DPV = "https://w3id.org/dpv#"
RISK = "https://w3id.org/dpv/risk#"
DPV_AI = "https://w3id.org/dpv/ai#"
AIRO = "https://w3id.org/airo#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "rg": RG,
    "iso42001": ISO42001,
    "dpv": DPV,
    "risk": RISK,
    "ai": DPV_AI,
    "airo": AIRO,
    "prov": PROV,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

_GRAPH = "https://w3id.org/riskgraph/graph/"
ONTOLOGY_GRAPH = _GRAPH + "ontology"
"""The riskgraph ontology and the DPV risk matrices."""
CATALOGUE_GRAPH_PREFIX = _GRAPH + "catalogue/"
ISO42001_GRAPH = CATALOGUE_GRAPH_PREFIX + "iso42001"
"""The ISO/IEC 42001 catalogue."""
REGISTER_GRAPH = _GRAPH + "register"
"""The organisation's own data: everything users add, import and edit."""
DRAFTS_GRAPH = _GRAPH + "drafts"
"""LLM drafts and their provenance; nothing here counts until a person accepts it."""
META_GRAPH = _GRAPH + "meta"
"""Bookkeeping: register revision, catalogue versions."""
SETTINGS_GRAPH = _GRAPH + "settings"
"""Settings that change what the register means (name, base IRI, matrix, appetite), kept with
the register so that everyone who opens a shared register reads the same ones."""
AUDIT_GRAPH = _GRAPH + "audit"
"""The audit trail of calls made by agents (MCP): bookkeeping, not register content."""

DEFAULT_BASE_IRI = "https://riskgraph.example/register/"
"""Base of entity IRIs when a register sets none (``.example`` is reserved for examples)."""


def sparql_prefix_block(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX lines for the standard prefixes, to prepend to a query."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or PREFIXES).items())


def class_closure(parents: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Every class of ``parents`` (class IRI -> its direct superclasses, from
    ``rdfs:subClassOf``) -> all the classes it falls under, itself included."""
    closure: dict[str, frozenset[str]] = {}
    for cls in parents:
        seen, todo = {cls}, [cls]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        closure[cls] = frozenset(seen)
    return closure
