"""SHACL on the entities a write touches, before it is committed.

The shapes run on a small graph: the entities as they will be written, the types and names of the
entities they link to (what the rules on a written entity read of its targets), the links that
point at them (with the linkers' types and names), the dependency chains and applicability
statements when the write sets such links (rules that look further than one link), the ontology
and the catalogue. Linked entities are context, not checked: their findings are dropped, so their
other properties would only cost time (an import of risks into a large register would otherwise
check every AI system the risks affect, once per batch). For the same reason only the shapes
that can target a written entity run (``validation.shapes_for_classes``): one whose only targets
are other classes could only find something about the context. A violation on a written entity
refuses the write; warnings and notes are returned.

Part of the core: every write from any face runs this (``editing.write``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.editing.derivation import staged_provenance
from riskgraph.editing.input import FieldError, Origin
from riskgraph.model.entities import Entity
from riskgraph.model.rdf import entity_iri, field_specs, to_quads
from riskgraph.store.base import ChangeSet, SelectResult, Store, Term
from riskgraph.validation import SEVERITIES, Issue, superclasses, validate_quads
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, ONTOLOGY_GRAPH, RDF, REGISTER_GRAPH, RG

_NAMING = {RDF + "type", DCTERMS + "identifier", DCTERMS + "title"}
_TYPE = ox.NamedNode(RDF + "type")
_CHAINS = (RG + "dependsOn", RG + "annexAControl")
"""Predicates of rules that look further than one link (dependency cycles, one applicability
statement per Annex A control): when the written entities set such a link, all its quads in the
register go in, with their subjects' types. (Writes that set none cannot break these rules, and
leaving the chains out keeps the checked graph small: an import of risks into a large register
would otherwise check thousands of applicability statements per batch.)"""


@dataclass(frozen=True)
class ShapesOutcome:
    violations: list[FieldError]
    notes: list[Issue]
    """Warnings and notes about the written entities; they do not stop a write."""


def check_shapes(
    store: Store,
    base_iri: str,
    entities: Sequence[Entity],
    origins: Mapping[str, Origin],
    *,
    staged: ChangeSet | None = None,
) -> ShapesOutcome:
    """Run the shapes on ``entities`` as they would be written (IDs -> where each came from),
    with the drafts-graph quads ``staged`` in the same write (an accepted draft's review)."""
    if not entities:
        return ShapesOutcome([], [])
    written = {entity_iri(base_iri, e.id) for e in entities}
    quads = [q for e in entities for q in to_quads(e, base_iri)]
    issues = shape_issues(store, written, quads, staged=staged)
    by_id = {e.id: e for e in entities}
    violations: list[FieldError] = []
    notes: list[Issue] = []
    for issue in issues:
        entity = by_id.get(issue.focus)
        if entity is None:
            continue
        if issue.severity != "Violation":
            notes.append(issue)
            continue
        origin = origins.get(entity.id, Origin())
        field = field_of_path(type(entity), issue.path)
        message = issue.message if len(entities) == 1 else f"{entity.id}: {issue.message}"
        violations.append(origin.error(message, field=field, about_field=False))
    return ShapesOutcome(violations, notes)


def shape_issues(
    store: Store,
    written: set[str],
    quads: list[ox.Quad],
    *,
    gone: frozenset[str] = frozenset(),
    staged: ChangeSet | None = None,
    severities: Iterable[str] = SEVERITIES,
) -> list[Issue]:
    """The shapes' findings on the subjects ``written`` (IRIs) as given by ``quads``, in the
    context of the register in ``store`` (subjects in ``gone`` are left out of that context,
    as the write removes them). Undo checks what it restores with this. ``severities``: the
    shapes to run (``validate_quads``)."""
    quads = list(quads)
    graph = ox.NamedNode(REGISTER_GRAPH)
    skip = written | gone
    subjects_seen = set(skip)
    naming_of: set[str] = set()
    targets = {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
    named = sorted(targets - subjects_seen)
    subjects_seen.update(named)
    quads.extend(_naming_quads(store, named))
    for subject, predicate, linked in _links_to(store, sorted(written)):
        if subject.value not in skip:
            quads.append(ox.Quad(subject, predicate, linked, graph))
            naming_of.add(subject.value)
    chains = {q.predicate.value for q in quads} & set(_CHAINS)
    for chain in sorted(chains):  # only a write that sets such a link can break such a rule
        link = ox.NamedNode(chain)
        result = store.query(
            "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph, "p": link}
        )
        for found in result.rows if isinstance(result, SelectResult) else []:
            linker, obj = found["s"], found["o"]
            if isinstance(linker, ox.NamedNode) and linker.value not in skip and obj:
                quads.append(ox.Quad(linker, link, obj, graph))
                naming_of.add(linker.value)
    quads.extend(_naming_quads(store, sorted(naming_of - subjects_seen)))
    quads.extend(staged_provenance(store, targets, staged))  # treatments derived from drafts
    for system_graph in (ONTOLOGY_GRAPH, ISO42001_GRAPH):
        quads.extend(store.quads(system_graph))
    types = {
        q.object.value
        for q in quads
        if q.predicate == _TYPE
        and isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
        and q.subject.value in written
    }
    focus_classes = superclasses(types, quads)
    return validate_quads(quads, severities=severities, focus_classes=focus_classes).issues


VALUES_PER_QUERY = 1_000
"""IRIs named in one query's VALUES when reading the context of many written entities."""


def _naming_quads(store: Store, subjects: list[str]) -> list[ox.Quad]:
    """The type, identifier and title quads of ``subjects`` in the register graph (a query per
    predicate: with the predicate fixed, each subject is one index lookup)."""
    graph = ox.NamedNode(REGISTER_GRAPH)
    found: list[ox.Quad] = []
    for predicate in sorted(_NAMING):
        sparql = (
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ VALUES ?s {{ {{iris}} }} "
            f"?s ?p ?o FILTER(?p = <{predicate}>) }} }}"
        )
        found.extend(
            ox.Quad(s, p, o, graph)
            for s, p, o in _select_by_iris(store, sparql, subjects)
            if isinstance(s, ox.NamedNode) and isinstance(p, ox.NamedNode) and o is not None
        )
    return found


def _links_to(
    store: Store, objects: list[str]
) -> list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode]]:
    """(subject, predicate, object) of the register's links to ``objects``."""
    sparql = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ VALUES ?o {{ {{iris}} }} "
        "?s ?p ?o } }"
    )
    return [
        (s, p, o)
        for s, p, o in _select_by_iris(store, sparql, objects)
        if isinstance(s, ox.NamedNode)
        and isinstance(p, ox.NamedNode)
        and isinstance(o, ox.NamedNode)
    ]


_Row = tuple[Term | None, Term | None, Term | None]


def _select_by_iris(store: Store, sparql: str, iris: list[str]) -> list[_Row]:
    """?s ?p ?o of ``sparql`` with ``{iris}`` replaced by ``iris`` (``VALUES_PER_QUERY`` at a
    time). The IRIs are written by pyoxigraph (``NamedNode``), which refuses any that is not
    a valid IRI, so no text can break out of the VALUES block."""
    found: list[_Row] = []
    for start in range(0, len(iris), VALUES_PER_QUERY):
        chunk = " ".join(str(ox.NamedNode(iri)) for iri in iris[start : start + VALUES_PER_QUERY])
        result = store.select(sparql.replace("{iris}", chunk), union_default_graph=False)
        found.extend((row["s"], row["p"], row["o"]) for row in result.rows)
    return found


def field_of_path(cls: type[Entity], path: str | None) -> str | None:
    """The field of a SHACL result path such as 'rg:affects' (None: the entity as a whole)."""
    if not path:
        return None
    predicate = RG + path.removeprefix("rg:") if path.startswith("rg:") else path
    for spec in field_specs(cls):
        if spec.predicate == predicate:
            return spec.name
    if predicate == RG + "riskMatrix":
        return "matrix"
    if predicate in (RG + "inherentLevel",):
        return "likelihood"
    if predicate in (RG + "residualLevel",):
        return "residual_likelihood"
    return None
