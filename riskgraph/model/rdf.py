"""The one place where domain models meet RDF: entity -> quads, and quads -> entity."""

from __future__ import annotations

import types
import typing
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache

import pyoxigraph as ox

from riskgraph.errors import InputError
from riskgraph.model.ai_act import VAIR
from riskgraph.model.entities import (
    CATALOGUE_RISK,
    COMPONENT_TYPES,
    ENTITY_TYPES,
    FINDING_TYPES,
    Component,
    Entity,
    Finding,
    Risk,
)
from riskgraph.model.fields import ConceptEnum, Rdf, ValueKind, catalogue_iri, is_catalogue_ref
from riskgraph.scoring import MATRIX_NAMES, matrix
from riskgraph.vocab import ISO42001, RDF, REGISTER_GRAPH, RG, XSD

RDF_TYPE = ox.NamedNode(RDF + "type")
_DATATYPES = {
    "integer": XSD + "integer",
    "boolean": XSD + "boolean",
    "date": XSD + "date",
    "uri": XSD + "anyURI",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    predicate: str
    kind: ValueKind
    many: bool
    enum: type[ConceptEnum] | None


@cache
def field_specs(cls: type[Entity]) -> tuple[FieldSpec, ...]:
    """The RDF-mapped fields of an entity class, in declaration order."""
    specs = []
    for name, info in cls.model_fields.items():
        marker = next((m for m in info.metadata if isinstance(m, Rdf)), None)
        if marker is None:
            continue
        annotation = info.annotation
        many = typing.get_origin(annotation) is list
        enum = _enum_in(annotation)
        specs.append(FieldSpec(name, marker.predicate, marker.kind, many, enum))
    return tuple(specs)


def _enum_in(annotation: object) -> type[ConceptEnum] | None:
    if isinstance(annotation, type) and issubclass(annotation, ConceptEnum):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, list):
        for arg in typing.get_args(annotation):
            if found := _enum_in(arg):
                return found
    return None


def known_predicates(cls: type[Entity]) -> set[str]:
    """Predicates the model owns for this class; an edit replaces exactly these."""
    owned = {spec.predicate for spec in field_specs(cls)} | {RDF + "type"}
    if cls is Risk:
        owned |= {RG + "riskMatrix", RG + "inherentLevel", RG + "residualLevel"}
    return owned


def entity_iri(base_iri: str, entity_id: str) -> str:
    return base_iri + entity_id


def _term(value: object, spec: FieldSpec, base_iri: str) -> ox.NamedNode | ox.Literal:
    kind = spec.kind
    if kind == "ref" or (kind == "either" and not is_catalogue_ref(str(value))):
        return ox.NamedNode(entity_iri(base_iri, str(value)))
    if kind in ("catalogue", "either"):
        return _node(catalogue_iri(str(value)))
    if kind == "concept":
        if not isinstance(value, ConceptEnum):
            choices = ", ".join(m.value for m in spec.enum) if spec.enum else "a listed value"
            raise InputError(
                f"{spec.name} takes one of its listed values", value=value, expected=choices
            )
        return _node(value.iri)
    if kind == "iri":
        return ox.NamedNode(str(value))
    if kind == "vair":
        return ox.NamedNode(VAIR + str(value))
    if kind == "boolean":
        return ox.Literal("true" if value else "false", datatype=_node(_DATATYPES[kind]))
    if kind in _DATATYPES:
        text = value.isoformat() if isinstance(value, date) else str(value)
        return ox.Literal(text, datatype=_node(_DATATYPES[kind]))
    return ox.Literal(str(value))


@cache
def _node(iri: str) -> ox.NamedNode:
    """Shared nodes for the few IRIs every entity repeats (predicates, types, graph, levels)."""
    return ox.NamedNode(iri)


def to_quads(entity: Entity, base_iri: str, graph: str = REGISTER_GRAPH) -> list[ox.Quad]:
    """Every quad that represents ``entity`` in the register graph."""
    subject = ox.NamedNode(entity_iri(base_iri, entity.id))
    g = _node(graph)
    quads = [ox.Quad(subject, RDF_TYPE, _node(t), g) for t in entity.rdf_types()]
    for spec in field_specs(type(entity)):
        value = getattr(entity, spec.name)
        if value is None:
            continue
        predicate = _node(spec.predicate)
        for item in value if spec.many else [value]:
            quads.append(ox.Quad(subject, predicate, _term(item, spec, base_iri), g))
    for predicate_iri, obj in entity.derived_links():
        quads.append(ox.Quad(subject, _node(predicate_iri), _node(obj), g))
    return quads


_CLASS_BY_TYPE: dict[str, type[Entity]] = {
    **{cls.rdf_type: cls for cls in ENTITY_TYPES},
    **{iri: Component for iri in COMPONENT_TYPES.values()},
    **{iri: Finding for iri in FINDING_TYPES.values()},
}


def entity_class_for(types_: Iterable[str]) -> type[Entity] | None:
    for t in types_:
        if (cls := _CLASS_BY_TYPE.get(t)) is not None:
            return cls
    return None


def rdf_types_for(cls: type[Entity]) -> list[str]:
    """All rdf:types whose subjects load as ``cls``."""
    return [t for t, c in _CLASS_BY_TYPE.items() if c is cls]


class IdResolver:
    """Turns IRIs back into register IDs (or catalogue references)."""

    def __init__(self, base_iri: str, known: dict[str, str] | None = None) -> None:
        self.base_iri = base_iri
        self.known = known or {}

    def __call__(self, iri: str) -> str:
        if iri in self.known:
            return self.known[iri]
        if iri.startswith(ISO42001):
            return iri.removeprefix(ISO42001)
        if iri.startswith(self.base_iri):
            return iri.removeprefix(self.base_iri)
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _value(
    term: ox.NamedNode | ox.Literal | ox.BlankNode, spec: FieldSpec, ids: IdResolver
) -> object:
    if spec.kind == "concept":
        if spec.enum is None:
            raise InputError(f"{spec.name} has no list of values to read {term.value!r} with")
        return spec.enum.from_iri(term.value)
    if spec.kind in ("ref", "catalogue", "either"):
        return ids(term.value)
    if spec.kind == "vair":
        return term.value.removeprefix(VAIR)
    if spec.kind == "boolean":
        return term.value in ("true", "1")
    return term.value


def from_properties(
    cls: type[Entity], props: dict[str, list[ox.NamedNode | ox.Literal]], ids: IdResolver
) -> Entity:
    """Build an entity from its (predicate -> objects) map. Raises pydantic.ValidationError."""
    data: dict[str, object] = {}
    for spec in field_specs(cls):
        values = [_value(t, spec, ids) for t in props.get(spec.predicate, [])]
        if spec.many:
            data[spec.name] = sorted(values, key=str)
        elif values:
            data[spec.name] = values[0]
    types_ = {t.value for t in props.get(RDF + "type", [])}
    if cls is Component:
        data["component_type"] = next(
            (k for k, iri in COMPONENT_TYPES.items() if iri in types_), "model"
        )
    if cls is Finding:
        data["finding_type"] = (
            "nonconformity" if FINDING_TYPES["nonconformity"] in types_ else "finding"
        )
    if cls is Risk:
        data["catalogue_entry"] = CATALOGUE_RISK in types_
        matrices = props.get(RG + "riskMatrix", [])
        data["matrix"] = next(
            (n for n in MATRIX_NAMES if matrices and matrix(n).iri == matrices[0].value), "5x5"
        )
    return cls.model_validate(data)


def group_by_subject(
    triples: Iterable[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]],
) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal]]]:
    subjects: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for s, p, o in triples:
        subjects[s.value][p.value].append(o)
    return subjects
