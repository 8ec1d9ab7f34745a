"""Use libraries in the register: adopt a library risk or control as a register entity, and link
register risks and controls to library concepts.

An adopted entity keeps ``rgl:adoptedFrom`` (the concept) and ``rgl:adoptedVersion`` (library
name and version) in the register graph. A link is the SKOS triple from the register entity to
the concept plus an ``rgl:Mapping`` record (who, when, how, how sure) whose IRI is under the
register's base IRI, so both travel with register exports and imports.

Both are writes of the one write pipeline (``editing.write.run_planned``): the same model, rule,
link-target and SHACL checks as ``add`` and ``edit``, one transaction, and an undo log entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from riskgraph import clock
from riskgraph.editing.input import Changes, Origin, combine
from riskgraph.editing.shapes import check_shapes
from riskgraph.editing.write import (
    Draft,
    Prepared,
    missing_entity,
    prepare_additions,
    run_planned,
)
from riskgraph.errors import UserError
from riskgraph.library.catalogue import ConceptRow, concept, loaded_libraries, mapping_target
from riskgraph.library.model import JUSTIFICATIONS, PREDICATES, RGL, Mapping
from riskgraph.library.rdf import mapping_triples
from riskgraph.model.entities import Control, Entity, Evidence, Risk
from riskgraph.model.rdf import entity_iri
from riskgraph.model.repository import Plan, Repository
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet
from riskgraph.vocab import REGISTER_GRAPH

ADOPTED_FROM = RGL + "adoptedFrom"
ADOPTED_VERSION = RGL + "adoptedVersion"
_GRAPH = ox.NamedNode(REGISTER_GRAPH)


@dataclass(frozen=True)
class Adoption:
    entity: Entity
    source: ConceptRow
    version: str
    prepared: Prepared


def prepare_adoption(
    repo: Repository,
    reference: str,
    *,
    default_matrix: str,
    entity_id: str | None = None,
    likelihood: int | None = None,
    severity: int | None = None,
    affects: list[str] | None = None,
) -> Adoption:
    """The write that adopts a library risk (with its scores) or control into the register,
    checked as every write is (``editing.write.prepare_additions``: model, rules, link targets,
    SHACL), plus the triples that name its source concept and library version."""
    source = concept(repo.store, reference)
    version = loaded_libraries(repo.store)[source.library][0]
    attribution = f"Adopted from {source.library} {version}: {source.notation}."
    description = f"{source.definition} {attribution}" if source.definition else attribution
    values: dict[str, object] = {"title": source.label[:200], "description": description}
    cls: type[Entity]
    if source.kind == "risk":
        if likelihood is None or severity is None:
            raise UserError(
                f"{reference} is a risk: give its likelihood and severity in this register "
                "(1 to 5 on the default 5x5 matrix)"
            )
        cls = Risk
        values |= {
            "likelihood": likelihood,
            "severity": severity,
            "affects": list(affects or []),
            "catalogue_entry": not affects,
        }
    elif source.kind == "control":
        if affects:
            raise UserError(f"{reference} is a control: only a risk affects AI systems")
        cls = Control
    else:
        raise UserError(f"{reference} is a {source.kind}; only risks and controls can be adopted")
    if entity_id is not None:
        values["id"] = entity_id
    prepared = prepare_additions(
        repo, [Draft(cls, Changes(values=values), Origin())], default_matrix=default_matrix
    )
    entity = prepared.entities[0]
    node = ox.NamedNode(entity_iri(repo.base_iri, entity.id))
    prepared.plan.changes.add.extend(
        [
            ox.Quad(node, ox.NamedNode(ADOPTED_FROM), ox.NamedNode(source.iri), _GRAPH),
            ox.Quad(
                node,
                ox.NamedNode(ADOPTED_VERSION),
                ox.Literal(f"{source.library} {version}"),
                _GRAPH,
            ),
        ]
    )
    prepared.description = f"adopt {source.library}:{source.notation} as {entity.kind} {entity.id}"
    return Adoption(entity, source, version, prepared)


def adopt(
    register: Register,
    reference: str,
    *,
    entity_id: str | None = None,
    likelihood: int | None = None,
    severity: int | None = None,
    affects: list[str] | None = None,
) -> Adoption:
    """Adopt through the write pipeline: one transaction, with its undo log entry."""

    def prepare(repo: Repository) -> tuple[Adoption, Prepared]:
        adoption = prepare_adoption(
            repo,
            reference,
            default_matrix=register.config.risk.matrix,
            entity_id=entity_id,
            likelihood=likelihood,
            severity=severity,
            affects=affects,
        )
        return adoption, adoption.prepared

    return run_planned(register, prepare)[0]


def prepare_link(
    repo: Repository,
    entity_id: str,
    reference: str,
    *,
    predicate: str = "closeMatch",
    justification: str = "manual",
    author: str = "",
    confidence: float | None = None,
    comment: str = "",
    today: date | None = None,
) -> tuple[Mapping, Prepared]:
    """The write that links a register risk, control or evidence to a library concept (or an
    ISO/IEC 42001 Annex A control, ``A.6.2.4``), with provenance (evidence: e.g. an ISO/IEC
    27001 audit report to clause 9.2 of ``iso-hs``).
    The entity must exist and pass the shapes, as for any write; the link and its mapping
    record are committed with an undo log entry, refused if the entity changed meanwhile."""
    origin = Origin()
    if predicate not in PREDICATES:
        raise origin.error(
            "is not a known predicate",
            field="predicate",
            value=predicate,
            expected="one of " + ", ".join(PREDICATES),
        )
    if justification not in JUSTIFICATIONS:
        raise origin.error(
            "is not a known justification",
            field="justification",
            value=justification,
            expected="one of " + ", ".join(JUSTIFICATIONS),
        )
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise origin.error(
            "is out of range", field="confidence", value=confidence, expected="from 0 to 1"
        )
    target = mapping_target(repo.store, reference)
    entity = repo.get(entity_id)
    if entity is None:
        raise missing_entity(repo, entity_id, origin)
    if not isinstance(entity, Risk | Control | Evidence):
        raise UserError(
            f"{entity_id} is a {entity.kind}; only risks, controls and evidence are linked"
        )
    outcome = check_shapes(repo.store, repo.base_iri, [entity], {})
    if outcome.violations:
        raise combine(list(outcome.violations))
    iri = repo.iri_of(entity_id) or entity_iri(repo.base_iri, entity_id)
    mapping = Mapping(
        subject=iri,
        predicate=predicate,
        object=target.iri,
        justification=justification,
        author=author,
        date=clock.day_or_today(today).isoformat(),
        confidence=confidence,
        comment=comment,
        subject_label=entity.title,
        object_label=target.label,
    )
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, _GRAPH)
        for t in mapping_triples(mapping, repo.base_iri)
    ]
    plan = Plan(
        changes=ChangeSet(add=quads, preconditions={iri: repo.revision_of(entity_id)}),
        changed={entity_id: [f"{predicate} {reference}"]},
    )
    description = f"link {entity_id} {predicate} {target.library}:{target.notation}"
    return mapping, Prepared(plan, [entity], description, outcome.notes)


def link(
    register: Register,
    entity_id: str,
    reference: str,
    *,
    predicate: str = "closeMatch",
    justification: str = "manual",
    author: str = "",
    confidence: float | None = None,
    comment: str = "",
    today: date | None = None,
) -> Mapping:
    """Link through the write pipeline: one transaction, with its undo log entry."""
    mapping, _ = run_planned(
        register,
        lambda repo: prepare_link(
            repo,
            entity_id,
            reference,
            predicate=predicate,
            justification=justification,
            author=author,
            confidence=confidence,
            comment=comment,
            today=today,
        ),
    )
    return mapping
