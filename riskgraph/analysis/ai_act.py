"""Candidate EU AI Act Annex III categories, derived with AIRO's published high-risk shapes.

AIRO publishes one SHACL node shape per Annex III point (``ontology/airo-high-risk-shapes.ttl``,
copied unchanged): ``sh:not`` of the conjunction "purpose is X, AI subject is Y, domain is Z".
A system the shape reports is a candidate for that point. Applied as published, a shape's
property constraints hold vacuously when the system records no value for the property
(``sh:class`` says nothing about absent values), so every system without an AIRO description
would be a candidate for every point. Here each property constraint inside the shapes also
requires a value (``sh:minCount 1``): a shape applies only to a system that records every
property the shape tests. ``require_properties=False`` applies them as published, for comparison.

The register stores VAIR terms as values (``airo:hasPurpose vair:AssessingCreditworthiness``);
``sh:class`` wants an instance of the class, so the data graph gives each value an instance of
its term, and carries VAIR's class hierarchy so that narrower terms count.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from riskgraph.errors import InputError
from riskgraph.model.ai_act import AI_ACT_TERMS_FILE, AIRO_FACTS, VAIR, AIActCategory
from riskgraph.model.entities import AISystem
from riskgraph.model.rdf import field_specs
from riskgraph.model.repository import Repository
from riskgraph.resources import ontology_file
from riskgraph.store.base import Store
from riskgraph.vocab import AIRO

SHAPES_FILE = "airo-high-risk-shapes.ttl"
_SHAPE_NAME = re.compile(r"AnnexIII-(\d)([a-e])?(?:-[a-z])?$")
"""AnnexIII-2, AnnexIII-5b, AnnexIII-5d-a (a point with more than one shape)."""


@dataclass(frozen=True)
class Candidate:
    category: AIActCategory
    shape: str
    """The AIRO shape that reported the system, e.g. AnnexIII-5b."""
    message: str
    """The shape's own message (AIRO's words)."""


@dataclass(frozen=True)
class SystemCandidates:
    system: str
    title: str
    missing: list[str]
    """The AIRO/VAIR fields the system records no value for."""
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def described(self) -> bool:
        """True when the system records at least one AIRO/VAIR fact."""
        return len(self.missing) < len(AIRO_FACTS)

    @property
    def categories(self) -> list[AIActCategory]:
        return sorted({c.category for c in self.candidates}, key=_category_order)


def _category_order(category: AIActCategory) -> int:
    return list(AIActCategory).index(category)


@cache
def _shapes(require_properties: bool) -> rdflib.Graph:
    graph = rdflib.Graph().parse(ontology_file(SHAPES_FILE), format="turtle")
    if require_properties:
        for prop in set(graph.subjects(SH.path, None)):
            graph.add((prop, SH.minCount, rdflib.Literal(1)))
    return graph


@cache
def _hierarchy() -> tuple[tuple[rdflib.term.Node, ...], ...]:
    terms = rdflib.Graph().parse(ontology_file(AI_ACT_TERMS_FILE), format="turtle")
    return tuple(terms.triples((None, RDFS.subClassOf, None)))


def derive_candidates(
    systems: list[AISystem], *, require_properties: bool = True
) -> list[SystemCandidates]:
    """The Annex III points AIRO's shapes find for each system, in the order given."""
    import pyshacl  # slow to import; only this command needs it

    predicates = {spec.name: spec.predicate for spec in field_specs(AISystem)}
    data = rdflib.Graph()
    for triple in _hierarchy():
        data.add(triple)  # type: ignore[arg-type]
    nodes: dict[str, AISystem] = {}
    for number, system in enumerate(systems):
        node = rdflib.URIRef(f"urn:riskgraph:system:{number}")
        nodes[str(node)] = system
        data.add((node, RDF.type, rdflib.URIRef(AIRO + "AISystem")))
        for name in AIRO_FACTS:
            for term in getattr(system, name):
                value = rdflib.URIRef(f"{node}:{name}:{term}")
                data.add((node, rdflib.URIRef(predicates[name]), value))
                data.add((value, RDF.type, rdflib.URIRef(VAIR + term)))
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=_shapes(require_properties), inference="none", allow_warnings=True
    )
    found: dict[str, list[Candidate]] = {key: [] for key in nodes}
    if isinstance(report, rdflib.Graph):
        for result in report.subjects(RDF.type, SH.ValidationResult):
            focus = str(report.value(result, SH.focusNode))
            shape = str(report.value(result, SH.sourceShape)).rsplit("#", 1)[-1]
            message = str(report.value(result, SH.resultMessage) or "")
            if focus in found and (category := _category(shape)) is not None:
                found[focus].append(Candidate(category, shape, message))
    result_list = []
    for key, system in nodes.items():
        candidates = sorted(
            {(c.category, c.shape): c for c in found[key]}.values(),
            key=lambda c: (_category_order(c.category), c.shape),
        )
        missing = [name for name in AIRO_FACTS if not getattr(system, name)]
        result_list.append(SystemCandidates(system.id, system.title, missing, candidates))
    return result_list


def _category(shape: str) -> AIActCategory | None:
    match = _SHAPE_NAME.match(shape)
    if match is None:
        return None
    point, letter = match.groups()
    value = f"annex-iii-{point}" + (f"-{letter}" if letter else "")
    try:
        return AIActCategory(value)
    except ValueError:
        return None


def register_candidates(
    store: Store, base_iri: str, system_ids: list[str], *, require_properties: bool = True
) -> list[SystemCandidates]:
    """Candidates for the named AI systems of a register (all of them when none are named).
    An ID that is not an AI system of the register is an error."""
    repo = Repository(store, base_iri)
    entities, _problems = repo.all(AISystem)
    systems = {entity.id: entity for entity in entities if isinstance(entity, AISystem)}
    for wanted in system_ids:
        if wanted not in systems:
            close = difflib.get_close_matches(wanted, list(systems), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise InputError(
                f"{wanted!r} is not an AI system of the register{hint}",
                value=wanted,
                expected="the ID of an AI system, e.g. " + (next(iter(systems), "SYS-A")),
            )
    chosen = (
        [systems[i] for i in dict.fromkeys(system_ids)] if system_ids else list(systems.values())
    )
    return derive_candidates(chosen, require_properties=require_properties)
