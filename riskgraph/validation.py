"""SHACL validation of a register against ontology/shapes.ttl, with a report for people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from riskgraph.resources import ontology_file
from riskgraph.store.base import Store
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, ISO42001_GRAPH, ONTOLOGY_GRAPH, REGISTER_GRAPH

SEVERITIES = ("Violation", "Warning", "Info")
VALIDATED_GRAPHS = (REGISTER_GRAPH, DRAFTS_GRAPH, ONTOLOGY_GRAPH, ISO42001_GRAPH)


class ShapesError(RuntimeError):
    """ontology/shapes.ttl itself is broken: a bug in riskgraph, not the user's mistake."""


@dataclass(frozen=True)
class Issue:
    severity: str  # Violation, Warning or Info
    focus: str  # entity ID when it has one, else the IRI
    path: str | None
    value: str | None
    message: str
    shape: str | None


@dataclass(frozen=True)
class ValidationReport:
    issues: list[Issue]

    @property
    def conforms(self) -> bool:
        """No violations (warnings and info are allowed)."""
        return not self.by_severity("Violation")

    def by_severity(self, severity: str) -> list[Issue]:
        return [i for i in self.issues if i.severity == severity]

    def counts(self) -> dict[str, int]:
        return {s: len(self.by_severity(s)) for s in SEVERITIES}


@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")


def _to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError("RDF-star triples are not supported in a register")


def data_graph(quads: Iterable[ox.Quad]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for q in quads:
        graph.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return graph


def validate_quads(quads: Iterable[ox.Quad]) -> ValidationReport:
    """Validate the union of the given quads (register data plus ontology and catalogue)."""
    import pyshacl  # slow to import; only validation needs it

    graph = data_graph(quads)
    _conforms, results, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    if not isinstance(results, rdflib.Graph):  # pyshacl reports a broken shape this way
        raise ShapesError(f"the SHACL shapes could not be evaluated: {_text}")
    return _read_report(results, graph)


def validate_store(store: Store) -> ValidationReport:
    quads = [q for g in VALIDATED_GRAPHS for q in store.quads(g)]
    return validate_quads(quads)


def _read_report(results: rdflib.Graph, data: rdflib.Graph) -> ValidationReport:
    identifier = rdflib.URIRef(DCTERMS + "identifier")
    issues = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        entity_id = data.value(focus, identifier) if focus is not None else None
        severity = results.value(result, SH.resultSeverity)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        issues.append(
            Issue(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=str(entity_id or focus),
                path=_short(path),
                value=_short(value),
                message=str(results.value(result, SH.resultMessage) or "does not conform"),
                shape=_short(results.value(result, SH.sourceShape)),
            )
        )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    issues.sort(key=lambda i: (order.get(i.severity, 9), i.focus, i.message))
    return ValidationReport(issues)


def _short(node: rdflib.term.Node | None) -> str | None:
    if node is None or isinstance(node, rdflib.BNode):
        return None
    text = str(node)
    for prefix, ns in (
        ("rg:", "https://w3id.org/riskgraph#"),
        ("iso42001:", "https://w3id.org/riskgraph/iso42001/"),
    ):
        if text.startswith(ns):
            return prefix + text.removeprefix(ns)
    return text
