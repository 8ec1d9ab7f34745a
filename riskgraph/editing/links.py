"""Check the links of entities before they are written: every ID they name exists (in the register
or in the same input), every ISO/IEC 42001 reference is in the catalogue graph, and every target is
of the class the ontology expects (an owner is a party, ``affects`` names AI systems).

Part of the core: the CLI imports it only when an entity command runs; the TUI uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.editing.input import Origin
from riskgraph.editing.schema import FieldInfo, Ontology, fields_of, ontology, with_article
from riskgraph.errors import InputError
from riskgraph.model.entities import Entity
from riskgraph.model.fields import is_catalogue_ref
from riskgraph.model.rdf import entity_class_for
from riskgraph.store.base import Store
from riskgraph.vocab import DCTERMS, ISO42001_GRAPH, REGISTER_GRAPH, RG, SKOS

CATALOGUE_EXAMPLES = "a reference such as A.6.2.4 (Annex A), 6.1.3 (clause) or C.3.4 (Annex C)"

CLAUSES_AND_ANNEX_A = (RG + "Clause", RG + "AnnexAControl")
_RESTRICTED: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "supports": (RG + "EvidenceSubject", CLAUSES_AND_ANNEX_A),
    "addresses": (None, CLAUSES_AND_ANNEX_A),
    "sources": (RG + "RiskSource", (RG + "AnnexCRiskSource",)),
}
"""Link fields whose targets the shapes restrict beyond the ontology's range: field -> (class of
register entities, catalogue classes). Evidence supports controls, audits and management reviews
(rg:EvidenceSubject), clauses and Annex A controls; controls address clauses and Annex A controls
(not objectives or Annex C); risk sources of the catalogue are the Annex C ones."""


@dataclass(frozen=True)
class LinkTarget:
    """What one link field may point to: the one table every face and check uses."""

    entity_class: str | None
    """Class IRI register entities must be (None: any entity)."""
    catalogue_classes: tuple[str, ...]
    """ISO/IEC 42001 classes accepted (empty: any catalogue item)."""
    entities: bool
    """Whether register entities are accepted."""
    catalogue: bool
    """Whether ISO/IEC 42001 references are accepted."""

    def accepts(self, types: Iterable[str], *, catalogue: bool, onto: Ontology) -> bool:
        """Whether an item of these rdf:types (in the catalogue or the register) fits."""
        if catalogue:
            wanted = self.catalogue_classes
            return self.catalogue and (not wanted or any(onto.is_a(types, k) for k in wanted))
        target = self.entity_class
        return self.entities and (target is None or onto.is_a(types, target))


def link_target(info: FieldInfo) -> LinkTarget:
    """The targets a link field accepts, from the ontology's range and the shapes' limits."""
    range_ = ontology().ranges.get(info.predicate or "")
    default = (range_, (range_,) if range_ else ())
    entity_class, catalogue_classes = _RESTRICTED.get(info.name, default)
    return LinkTarget(
        entity_class=entity_class,
        catalogue_classes=catalogue_classes,
        entities=info.value_kind in ("ref", "either"),
        catalogue=info.value_kind in ("catalogue", "either"),
    )


def _pairs(store: Store, sparql: str, bindings: dict[str, ox.NamedNode]) -> list[tuple[str, str]]:
    result = store.select(sparql, bindings)
    return [
        (row["k"].value, row["t"].value)
        for row in result.rows
        if row["k"] is not None and row["t"] is not None
    ]


@dataclass
class KnownTargets:
    """What links may point to: register entities and catalogue items, with their classes."""

    entities: dict[str, set[str]]
    catalogue: dict[str, set[str]]

    @classmethod
    def load(cls, store: Store) -> KnownTargets:
        entities: dict[str, set[str]] = {}
        for entity_id, rdf_type in _pairs(
            store,
            "SELECT ?k ?t WHERE { GRAPH ?g { ?s ?idp ?k . ?s a ?t } }",
            {"g": ox.NamedNode(REGISTER_GRAPH), "idp": ox.NamedNode(DCTERMS + "identifier")},
        ):
            entities.setdefault(entity_id, set()).add(rdf_type)
        catalogue: dict[str, set[str]] = {}
        for notation, rdf_type in _pairs(
            store,
            "SELECT ?k ?t WHERE { GRAPH ?g { ?c ?np ?k . ?c a ?t } }",
            {"g": ox.NamedNode(ISO42001_GRAPH), "np": ox.NamedNode(SKOS + "notation")},
        ):
            catalogue.setdefault(notation, set()).add(rdf_type)
        return cls(entities, catalogue)

    def include(self, entities: Iterable[Entity]) -> None:
        """Entities about to be written may link to each other."""
        for entity in entities:
            self.entities[entity.id] = set(entity.rdf_types())

    def kind_of(self, entity_id: str) -> str | None:
        """The kind name of a register entity, e.g. 'risk'."""
        cls = entity_class_for(self.entities.get(entity_id, ()))
        return cls.kind if cls else None


def link_values(entity: Entity, info: FieldInfo) -> list[str]:
    value = getattr(entity, info.name)
    if value is None:
        return []
    return [str(v) for v in value] if info.many else [str(value)]


def link_errors(
    entity: Entity, origin: Origin, known: KnownTargets, *, before: Entity | None = None
) -> list[InputError]:
    """Problems with the links of ``entity``. With ``before`` (an edit), links it already had are
    not checked again, so an old problem does not block an unrelated change."""
    onto = ontology()
    errors: list[InputError] = []
    for info in fields_of(type(entity)).values():
        if not info.is_link:
            continue
        kept = set(link_values(before, info)) if before is not None else set()
        for value in link_values(entity, info):
            if value in kept:
                continue
            error = _check(value, info, known, onto)
            if error is not None:
                problem, expected = error
                errors.append(origin.error(problem, field=info.name, expected=expected))
    return errors


def _check(
    value: str, info: FieldInfo, known: KnownTargets, onto: Ontology
) -> tuple[str, str] | None:
    """(problem, expected) when ``value`` is not a valid target of the field, else None."""
    target = link_target(info)
    in_catalogue = info.value_kind == "catalogue" or (
        info.value_kind == "either" and is_catalogue_ref(value)
    )
    if in_catalogue:
        types = known.catalogue.get(value)
        if types is None:
            problem = f"names {value}, which is not in the ISO/IEC 42001 catalogue"
            return problem, CATALOGUE_EXAMPLES
        if not target.accepts(types, catalogue=True, onto=onto):
            problem = f"names {value}, which is {with_article(_describe(types, onto))}"
            return problem, _catalogue_expected(target, onto)
        return None
    types = known.entities.get(value)
    if types is None:
        problem = f"names {value}, which is not in the register or in this input"
        return problem, _expected_entity(target.entity_class, onto)
    if not target.accepts(types, catalogue=False, onto=onto):
        problem = f"names {value}, which is {with_article(_describe(types, onto))}"
        wanted = target.entity_class
        return problem, with_article(onto.label(wanted)) if wanted else CATALOGUE_EXAMPLES
    return None


def _catalogue_expected(target: LinkTarget, onto: Ontology) -> str:
    labels = " or ".join(onto.label(c) for c in target.catalogue_classes)
    return f"{with_article(labels)} of ISO/IEC 42001 ({CATALOGUE_EXAMPLES})"


def _describe(types: Iterable[str], onto: Ontology) -> str:
    cls = entity_class_for(types)
    if cls is not None:
        return cls.kind
    ours = sorted(t for t in types if t.startswith(RG))
    return onto.label(ours[0]) if ours else "something else"


def _expected_entity(wanted: str | None, onto: Ontology) -> str:
    if wanted is None:
        return "the ID of an existing entity, or an ISO/IEC 42001 reference"
    return f"the ID of an existing {onto.label(wanted)}"
