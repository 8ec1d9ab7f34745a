"""One node and its neighbours: its fields, and every link out of it and into it, by relation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.editing.schema import ontology
from riskgraph.ids import natural_key
from riskgraph.model.rdf import entity_class_for, field_specs
from riskgraph.register import Register
from riskgraph.scoring import above_appetite, all_levels, matrix_by_iri
from riskgraph.store.base import Store
from riskgraph.tui.data.nodes import (
    NAMING,
    NodeInfo,
    describe,
    describe_all,
)
from riskgraph.vocab import META_GRAPH, ONTOLOGY_GRAPH, RDF, RG, SKOS

VALUE_LINKS = {RG + "status", RG + "option", RG + "riskMatrix"}
"""Links to value sets (statuses, options, matrices): shown as fields, not as neighbours."""
LEVEL_LINKS = {RG + "inherentLevel", RG + "residualLevel"}
HIDDEN = {RDF + "type", SKOS + "inScheme", SKOS + "topConceptOf"}
"""Links that say nothing a person would follow."""
INVERSE_NAMES = {SKOS + "broader": "narrower"}
"""Incoming links that read better under a name of their own."""


@dataclass(frozen=True)
class Link:
    relation: str
    """The relation in words ('mitigates'); for incoming links, as the other node says it."""
    outgoing: bool
    node: NodeInfo

    @property
    def arrow(self) -> str:
        return "→" if self.outgoing else "←"


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Detail:
    node: NodeInfo
    fields: list[Field]
    links: list[Link]
    editable: bool
    """True for the kinds the TUI's forms can edit."""

    def outgoing(self) -> list[Link]:
        return [link for link in self.links if link.outgoing]

    def incoming(self) -> list[Link]:
        return [link for link in self.links if not link.outgoing]


def relation_name(predicate: str) -> str:
    """A predicate in words: its ontology label, else its local name split into words."""
    onto = ontology()
    if predicate in onto.labels:
        return onto.labels[predicate]
    local = predicate.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return _CAMEL.sub(" ", local).lower()


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def load_detail(register: Register, iri: str, editable_kinds: frozenset[str]) -> Detail:
    """Everything the detail pane shows about ``iri``."""
    with register.reader() as store:
        return read_detail(store, register, iri, editable_kinds)


def read_detail(
    store: Store, register: Register, iri: str, editable_kinds: frozenset[str]
) -> Detail:
    base = register.base_iri
    node = describe(store, iri, base)
    links: list[tuple[str, bool, str]] = []
    levels: dict[str, str] = {}
    values: dict[str, list[str]] = {}
    for quad in store.quads(None, subject=iri):
        if _skipped_graph(quad) or quad.predicate.value in HIDDEN | NAMING:
            continue
        predicate, obj = quad.predicate.value, quad.object
        if isinstance(obj, ox.NamedNode) and predicate in LEVEL_LINKS:
            levels[predicate] = obj.value
        elif isinstance(obj, ox.NamedNode) and predicate in VALUE_LINKS:
            values.setdefault(predicate, []).append(_value_name(store, obj.value, base))
        elif isinstance(obj, ox.NamedNode):
            links.append((relation_name(predicate), True, obj.value))
        elif isinstance(obj, ox.Literal):
            values.setdefault(predicate, []).append(obj.value)
    for quad in _quads_to(store, iri):
        if _skipped_graph(quad) or quad.predicate.value in HIDDEN:
            continue
        if isinstance(quad.subject, ox.NamedNode):
            name = INVERSE_NAMES.get(quad.predicate.value) or relation_name(quad.predicate.value)
            links.append((name, False, quad.subject.value))
    fields = _ordered_fields(node, values)
    fields += _level_fields(register, levels)
    infos = describe_all(store, (other for _, _, other in links), base)
    resolved = sorted(
        {Link(relation, outgoing, infos[other]) for relation, outgoing, other in links},
        key=lambda link: (not link.outgoing, link.relation, natural_key(link.node.key)),
    )
    cls = entity_class_for(node.types)
    return Detail(node, fields, resolved, cls is not None and cls.kind in editable_kinds)


def _value_name(store: Store, iri: str, base_iri: str) -> str:
    """A status, option or matrix by the word people use for it ('approved', '5x5')."""
    try:
        return matrix_by_iri(iri).name
    except ValueError:
        return describe(store, iri, base_iri).key


def _skipped_graph(quad: ox.Quad) -> bool:
    graph = quad.graph_name
    return isinstance(graph, ox.NamedNode) and graph.value in (ONTOLOGY_GRAPH, META_GRAPH)


def _quads_to(store: Store, iri: str) -> list[ox.Quad]:
    """Quads whose object is ``iri``, in every named graph."""
    result = store.select(
        "SELECT ?g ?s ?p WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"o": ox.NamedNode(iri)},
        union_default_graph=False,
    )
    target = ox.NamedNode(iri)
    return [
        ox.Quad(row["s"], row["p"], target, row["g"])
        for row in result.rows
        if isinstance(row["s"], ox.NamedNode)
        and isinstance(row["p"], ox.NamedNode)
        and isinstance(row["g"], ox.NamedNode)
    ]


def _ordered_fields(node: NodeInfo, values: dict[str, list[str]]) -> list[Field]:
    """Literal and value-set fields: the model's order first, then anything else by name."""
    cls = entity_class_for(node.types)
    order = [spec.predicate for spec in field_specs(cls)] if cls else []
    known = [p for p in order if p in values]
    others = sorted((p for p in values if p not in order), key=relation_name)
    return [Field(relation_name(p), ", ".join(sorted(values[p]))) for p in known + others]


def _level_fields(register: Register, levels: dict[str, str]) -> list[Field]:
    """Inherent, residual and current level of a risk, and where it stands against appetite."""
    known = all_levels()
    inherent = known.get(levels.get(RG + "inherentLevel", ""))
    residual = known.get(levels.get(RG + "residualLevel", ""))
    current = residual or inherent
    if current is None:
        return []
    appetite = register.config.risk
    above = above_appetite(current, appetite.appetite_rank)
    fields = [Field("inherent level", inherent.label)] if inherent else []
    if residual:
        fields.append(Field("residual level", residual.label))
    fields.append(Field("current level", current.label))
    fields.append(
        Field("appetite", f"{appetite.appetite} ({'above' if above else 'within'} appetite)")
    )
    return fields
