"""SHACL validation of a register against ontology/shapes.ttl, with a report for people.

pyshacl runs over a pyoxigraph store (its SPARQL engine is far faster than rdflib's for the
shapes' SPARQL constraints). The graphs to check are copied into an in-memory store, so any
backend can be validated and the register itself is never touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from riskgraph.errors import RiskgraphError
from riskgraph.resources import ontology_file
from riskgraph.store.base import Store
from riskgraph.vocab import (
    DCTERMS,
    DRAFTS_GRAPH,
    ISO42001_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTER_GRAPH,
    class_closure,
)

SEVERITIES = ("Violation", "Warning", "Info")
VALIDATED_GRAPHS = (REGISTER_GRAPH, DRAFTS_GRAPH, ONTOLOGY_GRAPH, ISO42001_GRAPH)
_SHORT = (
    ("rg:", "https://w3id.org/riskgraph#"),
    ("rgsh:", "https://w3id.org/riskgraph/shapes#"),
    ("iso42001:", "https://w3id.org/riskgraph/iso42001/"),
)


class ShapesError(RiskgraphError):
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

    def for_entity(self, entity_id: str) -> list[Issue]:
        return [i for i in self.issues if i.focus == entity_id]


@cache
def shapes_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_file("shapes.ttl"), format="turtle")


_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


@cache
def shapes_of_severity(severities: frozenset[str]) -> tuple[str, ...]:
    """The IRIs of the top-level shapes whose severity (Violation when unstated) is one of
    ``severities``, in file order; shapes nested in them go with them."""
    graph = shapes_graph()
    candidates = [
        *(s for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind)),
        *(s for target in _TARGETS for s in graph.subjects(target, None)),
    ]
    named = dict.fromkeys(s for s in candidates if isinstance(s, rdflib.URIRef))
    return tuple(str(shape) for shape in named if _severity(graph, shape) in severities)


@cache
def _class_only_targets() -> dict[str, frozenset[str]]:
    """Shape IRI -> the classes it targets, for the top-level shapes whose only targets are
    ``sh:targetClass`` (a shape that is itself a class, or has any other target, is not here)."""
    graph = shapes_graph()
    found: dict[str, frozenset[str]] = {}
    for shape in set(graph.subjects(SH.targetClass, None)):
        if not isinstance(shape, rdflib.URIRef):
            continue
        if any(graph.value(shape, other) is not None for other in _TARGETS[1:]):
            continue
        if (shape, RDF.type, RDFS.Class) in graph or (shape, RDF.type, OWL.Class) in graph:
            continue
        found[str(shape)] = frozenset(str(c) for c in graph.objects(shape, SH.targetClass))
    return found


def shapes_for_classes(shapes: Iterable[str], classes: frozenset[str]) -> tuple[str, ...]:
    """Those of ``shapes`` that can have a focus node of one of ``classes`` (each class given
    with its superclasses): a shape whose only targets are classes outside ``classes`` targets
    no such node, so it cannot find anything about one."""
    only = _class_only_targets()
    return tuple(s for s in shapes if s not in only or only[s] & classes)


def superclasses(classes: Iterable[str], quads: Iterable[ox.Quad]) -> frozenset[str]:
    """``classes`` and every class they are, through the ``rdfs:subClassOf`` quads given."""
    parents: dict[str, set[str]] = {}
    for quad in quads:
        if (
            quad.predicate == _SUBCLASS_OF
            and isinstance(quad.subject, ox.NamedNode)
            and isinstance(quad.object, ox.NamedNode)
        ):
            parents.setdefault(quad.subject.value, set()).add(quad.object.value)
    closure = class_closure(parents)
    return frozenset().union(*(closure.get(c, {c}) for c in classes))


_SUBCLASS_OF = ox.NamedNode(str(RDFS.subClassOf))


def _severity(graph: rdflib.Graph, shape: rdflib.URIRef) -> str:
    severity = graph.value(shape, SH.severity)
    return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"


def validate_quads(
    quads: Iterable[ox.Quad],
    *,
    severities: Iterable[str] = SEVERITIES,
    focus_classes: frozenset[str] | None = None,
) -> ValidationReport:
    """Validate the union of the given quads (register data plus ontology and catalogue).

    ``severities`` leaves out the shapes of other severities, for a caller that would drop
    their findings anyway (an import lists violations and warnings; notes are left to
    ``validate``): the 10,000 notes "risk has no treatment yet" of a 10,000-row import cost
    about 30 % of its time. ``focus_classes`` (classes with their superclasses) leaves out the
    shapes that only target other classes, for a caller that keeps only the findings about
    instances of those (the write pipeline, about the entities written: the AI systems a
    batch of risks links to are there for the risks' rules, not to be checked)."""
    import pyshacl  # slow to import; only validation needs it
    from pyshacl.graph_abstraction import OxigraphDataGraph

    class _DataGraph(OxigraphDataGraph):
        # pyshacl tests the graph's truth value for every result, which otherwise counts triples.
        def __bool__(self) -> bool:
            return True

    wanted = frozenset(severities)
    unknown = wanted - set(SEVERITIES)
    if unknown:
        raise ValueError(f"unknown severities {sorted(unknown)}; expected some of {SEVERITIES}")
    use_shapes: list[str] | None = None
    if wanted != set(SEVERITIES) or focus_classes is not None:
        use_shapes = list(shapes_of_severity(wanted))
        if focus_classes is not None:
            use_shapes = list(shapes_for_classes(use_shapes, focus_classes))
        if not use_shapes:  # pyshacl would take an empty list for "every shape"
            return ValidationReport([])
    store = ox.Store()
    store.extend(quads)
    _conforms, results, text = pyshacl.validate(
        _DataGraph(store),
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
        inplace=True,  # the shapes hold no rules, so nothing is written
        use_shapes=use_shapes,
    )
    if not isinstance(results, rdflib.Graph):  # pyshacl reports a broken shape this way
        raise ShapesError(f"the SHACL shapes could not be evaluated: {text}")
    return _read_report(results, _identifiers(store))


def validate_store(store: Store) -> ValidationReport:
    return validate_quads(q for g in VALIDATED_GRAPHS for q in store.quads(g))


def _identifiers(store: ox.Store) -> dict[str, str]:
    ident = ox.NamedNode(DCTERMS + "identifier")
    return {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, ident, None, None)
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
    }


def _read_report(results: rdflib.Graph, ids: dict[str, str]) -> ValidationReport:
    issues = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        issues.append(
            Issue(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=ids.get(str(focus), str(focus)),
                path=_short(results.value(result, SH.resultPath)),
                value=_short(results.value(result, SH.value)),
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
    for prefix, ns in _SHORT:
        if text.startswith(ns):
            return prefix + text.removeprefix(ns)
    return text
