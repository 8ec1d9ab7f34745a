"""What the entity commands know about each kind: its class, its fields and how to describe them.

Part of the core: the CLI imports it only when an entity command runs; the TUI uses it too.
Descriptions and link targets come from the ontology (rdfs:comment, rdfs:label, rdfs:range).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox

from riskgraph.errors import InputError
from riskgraph.model.entities import (
    COMPONENT_TYPES,
    ENTITY_TYPES,
    FINDING_TYPES,
    GRADES,
    LIFECYCLE_STAGES,
    Entity,
)
from riskgraph.model.rdf import field_specs
from riskgraph.resources import ontology_file
from riskgraph.scoring import MATRIX_NAMES
from riskgraph.vocab import RDFS, class_closure

CHOICES: dict[str, tuple[str, ...]] = {
    "lifecycle_stage": LIFECYCLE_STAGES,
    "grade": GRADES,
    "component_type": tuple(COMPONENT_TYPES),
    "finding_type": tuple(FINDING_TYPES),
    "matrix": MATRIX_NAMES,
}
"""Text fields that accept only a few values (checked by the models' validators)."""

OWN_DESCRIPTIONS: dict[str, str] = {
    "id": "Unique ID in the register, e.g. R-017. Generated from the kind's prefix when omitted.",
    "title": "Short name shown in lists.",
    "description": "Longer explanation in your own words.",
    "matrix": "DPV risk matrix the scores are on (default: the register's matrix).",
    "component_type": "What the component is; stored as its class.",
    "finding_type": "An audit finding, or a nonconformity that needs a corrective action.",
    "derived_from": "IRI of the assistant draft this treatment was accepted from.",
    "ai_act_level": "EU AI Act risk level (W3C DPV eu-aiact:hasRiskLevel).",
    "ai_purposes": "What the system is for, as VAIR purposes (airo:hasPurpose).",
    "ai_capabilities": "What the system can do, as VAIR capabilities (airo:hasCapability).",
    "ai_subjects": "Whom the system's outputs are about, as VAIR AI subjects (airo:hasAISubject).",
    "ai_domains": "Where the system is used, as VAIR domains (airo:isAppliedWithinDomain).",
    "ai_deployers": "Who deploys the system, as VAIR operators (airo:isDeployedBy).",
    "catalogue_entry": "A risk from a library, not yet adopted: it need not affect an AI system "
    "yet, and its scores are placeholders. Stored as the class rg:CatalogueRisk.",
}
"""Descriptions of fields the ontology does not describe (Dublin Core terms, stored classes)."""

OWN_KINDS: dict[str, str] = {"catalogue_entry": "boolean"}
"""Value kinds of fields stored as a class rather than a property (the rest are text)."""

VALUE_DESCRIPTIONS = {
    "integer": "whole number",
    "boolean": "true or false",
    "date": "date (YYYY-MM-DD)",
    "uri": "link (URL)",
    "iri": "IRI",
    "catalogue": "ISO/IEC 42001 reference (e.g. A.6.2.4, 6.1.3, C.3.4)",
    "either": "ID, or ISO/IEC 42001 reference",
    "vair": "VAIR term (e.g. AssessingCreditworthiness)",
}


@dataclass(frozen=True)
class FieldInfo:
    """One field of a kind, as the command line sees it."""

    name: str
    value_kind: str
    """The Rdf kind (text, integer, ref, ...), or 'text' for fields stored as a class."""
    many: bool
    required: bool
    choices: tuple[str, ...]
    bounds: tuple[int, int] | None
    target: str | None
    """For links to entities: the label of the class they must point to (e.g. 'party')."""
    predicate: str | None
    description: str

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def is_link(self) -> bool:
        return self.value_kind in ("ref", "catalogue", "either")

    def type_label(self) -> str:
        """Short type for the fields table, e.g. 'list of IDs (AI system)'."""
        if self.choices:
            one = "one of " + ", ".join(self.choices)
        elif self.name == "id":
            one = "ID"
        elif self.value_kind == "ref":
            one = f"ID ({self.target})" if self.target else "ID"
        elif self.value_kind == "integer" and self.bounds:
            one = f"whole number {self.bounds[0]}-{self.bounds[1]}"
        else:
            one = VALUE_DESCRIPTIONS.get(self.value_kind, "text")
        return f"list of {_plural(one)}" if self.many else one

    def expected(self) -> str:
        """What a valid value looks like, for error messages."""
        if self.choices:
            one = "one of " + ", ".join(self.choices)
        elif self.name == "id":
            one = "an ID: a letter, then letters, digits, '.', '-' or '_' (e.g. R-017)"
        elif self.value_kind == "ref":
            one = f"the ID of an existing {self.target}" if self.target else "an existing ID"
        elif self.value_kind == "integer" and self.bounds:
            one = f"a whole number from {self.bounds[0]} to {self.bounds[1]}"
        elif self.value_kind == "text":
            one = "text"
        else:
            one = with_article(VALUE_DESCRIPTIONS.get(self.value_kind, self.value_kind))
        return f"{one} (repeat the flag or separate values with commas)" if self.many else one


def _plural(label: str) -> str:
    for one, many in (
        ("ID, or", "IDs, or"),
        ("ID", "IDs"),
        ("ISO/IEC 42001 reference", "ISO/IEC 42001 references"),
    ):
        if label.startswith(one):
            return many + label[len(one) :].replace("reference", "references")
    return label


KIND_NAMES: dict[str, type[Entity]] = {
    **{cls.kind: cls for cls in ENTITY_TYPES},
    **{cls.plural: cls for cls in ENTITY_TYPES},
}


def all_kinds() -> list[str]:
    return [cls.kind for cls in ENTITY_TYPES]


def kind_class(name: str) -> type[Entity]:
    """The entity class for a kind name, singular or plural, in any case."""
    cls = KIND_NAMES.get(name.strip().lower())
    if cls is None:
        raise InputError(f"unknown kind {name!r}", expected="one of " + ", ".join(all_kinds()))
    return cls


@dataclass(frozen=True)
class Ontology:
    """The facts of riskgraph.ttl the commands need: labels, comments, ranges, superclasses."""

    labels: dict[str, str]
    comments: dict[str, str]
    ranges: dict[str, str]
    superclasses: dict[str, frozenset[str]]
    """Every class with all its superclasses, itself included."""

    def label(self, iri: str) -> str:
        return self.labels.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def is_a(self, types: typing.Iterable[str], wanted: str) -> bool:
        return any(wanted in self.superclasses.get(t, frozenset({t})) for t in types)


@cache
def ontology() -> Ontology:
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    ranges: dict[str, str] = {}
    parents: dict[str, set[str]] = {}
    path = ontology_file("riskgraph.ttl")
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if not isinstance(subject, ox.NamedNode):
            continue
        if predicate == RDFS + "label" and isinstance(obj, ox.Literal):
            labels.setdefault(subject.value, obj.value)
        elif predicate == RDFS + "comment" and isinstance(obj, ox.Literal):
            comments.setdefault(subject.value, obj.value)
        elif predicate == RDFS + "range" and isinstance(obj, ox.NamedNode):
            ranges[subject.value] = obj.value
        elif predicate == RDFS + "subClassOf" and isinstance(obj, ox.NamedNode):
            parents.setdefault(subject.value, set()).add(obj.value)
    return Ontology(labels, comments, ranges, class_closure(parents))


@cache
def fields_of(cls: type[Entity]) -> dict[str, FieldInfo]:
    """Every field of an entity class that a user can set, in declaration order."""
    onto = ontology()
    specs = {spec.name: spec for spec in field_specs(cls)}
    result: dict[str, FieldInfo] = {}
    for name, info in cls.model_fields.items():
        spec = specs.get(name)
        value_kind = spec.kind if spec else OWN_KINDS.get(name, "text")
        predicate = spec.predicate if spec else None
        choices = CHOICES.get(name, ())
        if spec and spec.enum is not None:
            choices = tuple(member.value for member in spec.enum)
        target = None
        if value_kind == "ref" and predicate and predicate in onto.ranges:
            target = onto.label(onto.ranges[predicate])
        description = OWN_DESCRIPTIONS.get(name) or (
            onto.comments.get(predicate or "") or onto.labels.get(predicate or "", "")
        )
        result[name] = FieldInfo(
            name=name,
            value_kind=value_kind,
            many=bool(spec and spec.many),
            required=info.is_required(),
            choices=choices,
            bounds=_bounds(info.metadata, info.annotation),
            target=target,
            predicate=predicate,
            description=_sentence(description),
        )
    return result


def _bounds(metadata: list[object], annotation: object) -> tuple[int, int] | None:
    """The (ge, le) bounds of an integer field, wherever pydantic keeps them."""
    low = high = None
    todo: list[object] = [*metadata, annotation]
    while todo:
        item = todo.pop()
        if (ge := getattr(item, "ge", None)) is not None:
            low = ge
        if (le := getattr(item, "le", None)) is not None:
            high = le
        todo.extend(getattr(item, "metadata", None) or [])
        todo.extend(typing.get_args(item))
    return (low, high) if low is not None and high is not None else None


def with_article(noun: str) -> str:
    """'a risk', 'an assessment'."""
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else ""


def flag_list(cls: type[Entity]) -> str:
    return ", ".join(f.flag for f in fields_of(cls).values())


def unknown_field(cls: type[Entity], name: str, *, as_flag: bool) -> InputError:
    """The error for a flag or key the kind does not have, listing the valid ones."""
    shown = f"--{name}" if as_flag else repr(name)
    valid = flag_list(cls) if as_flag else ", ".join(fields_of(cls))
    return InputError(
        f"{with_article(cls.kind)} has no field {shown}",
        expected=f"one of {valid} (see 'riskgraph fields {cls.kind}')",
    )
