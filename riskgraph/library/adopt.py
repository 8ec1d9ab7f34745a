"""Use libraries in the register: adopt a library risk or control as a register entity, and link
register risks and controls to library concepts.

An adopted entity keeps ``rgl:adoptedFrom`` (the concept) and ``rgl:adoptedVersion`` (library
name and version) in the register graph. A link is the SKOS triple from the register entity to
the concept plus an ``rgl:Mapping`` record (who, when, how, how sure) whose IRI is under the
register's base IRI, so both travel with register exports and imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from riskgraph import clock
from riskgraph.editing.write import next_id
from riskgraph.errors import UserError
from riskgraph.library.catalogue import ConceptRow, concept, loaded_libraries
from riskgraph.library.model import JUSTIFICATIONS, PREDICATES, RGL, Mapping
from riskgraph.library.rdf import mapping_triples
from riskgraph.model.entities import Control, Entity, Evidence, Risk
from riskgraph.model.repository import Repository
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
    changes: ChangeSet


def plan_adoption(
    register: Register,
    reference: str,
    *,
    entity_id: str | None = None,
    likelihood: int | None = None,
    severity: int | None = None,
    affects: list[str] | None = None,
) -> Adoption:
    """The change that adopts a library risk (with its scores) or control into the register."""
    with register.reader() as store:
        source = concept(store, reference)
        version = loaded_libraries(store)[source.library][0]
        repo = Repository(store, register.base_iri)
        ids = repo.ids()
        taken = set(ids.values())
        description = source.definition or None
        attribution = f"Adopted from {source.library} {version}: {source.notation}."
        description = f"{description} {attribution}" if description else attribution
        entity: Entity
        if source.kind == "risk":
            if likelihood is None or severity is None:
                raise UserError(
                    f"{reference} is a risk: give its --likelihood and --severity in this "
                    "register (1 to 5 on the default 5x5 matrix)"
                )
            entity = Risk(
                id=entity_id or next_id(Risk.id_prefix, taken),
                title=source.label[:200],
                description=description,
                likelihood=likelihood,
                severity=severity,
                affects=affects or [],
                catalogue_entry=not affects,
            )
        elif source.kind == "control":
            entity = Control(
                id=entity_id or next_id(Control.id_prefix, taken),
                title=source.label[:200],
                description=description,
            )
        else:
            raise UserError(
                f"{reference} is a {source.kind}; only risks and controls can be adopted"
            )
        if entity.id in taken:
            raise UserError(f"{entity.id} is already used in the register; choose another --id")
        missing = [a for a in affects or [] if a not in taken]
        if missing:
            raise UserError(f"no AI system with ID {', '.join(missing)} in the register")
        plan = repo.plan_upsert([entity], {entity.id: repo.revision_of(entity.id)})
    node = ox.NamedNode(register.base_iri + entity.id)
    plan.changes.add.append(
        ox.Quad(node, ox.NamedNode(ADOPTED_FROM), ox.NamedNode(source.iri), _GRAPH)
    )
    plan.changes.add.append(
        ox.Quad(
            node, ox.NamedNode(ADOPTED_VERSION), ox.Literal(f"{source.library} {version}"), _GRAPH
        )
    )
    return Adoption(entity, source, version, plan.changes)


def adopt(register: Register, reference: str, **options: object) -> Adoption:
    with register.write_session():
        adoption = plan_adoption(register, reference, **options)  # type: ignore[arg-type]
        register.commit(adoption.changes)
    return adoption


def plan_link(
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
) -> tuple[Mapping, ChangeSet]:
    """The change that links a register risk, control or evidence to a library concept, with
    provenance (evidence: e.g. an ISO/IEC 27001 audit report to clause 9.2 of ``iso-hs``)."""
    if predicate not in PREDICATES:
        raise UserError(f"unknown predicate {predicate!r}; expected one of {', '.join(PREDICATES)}")
    if justification not in JUSTIFICATIONS:
        raise UserError(
            f"unknown justification {justification!r}; expected one of {', '.join(JUSTIFICATIONS)}"
        )
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise UserError(f"--confidence must be from 0 to 1 (got {confidence})")
    with register.reader() as store:
        target = concept(store, reference)
        repo = Repository(store, register.base_iri)
        entity = repo.get(entity_id)
        if entity is None:
            raise UserError(f"no entity with ID {entity_id!r} in the register")
        if not isinstance(entity, Risk | Control | Evidence):
            raise UserError(
                f"{entity_id} is a {entity.kind}; only risks, controls and evidence are linked"
            )
        iri = repo.iri_of(entity_id) or register.base_iri + entity_id
        revision = repo.revision_of(entity_id)
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
        for t in mapping_triples(mapping, register.base_iri)
    ]
    return mapping, ChangeSet(add=quads, preconditions={iri: revision})


def link(register: Register, entity_id: str, reference: str, **options: object) -> Mapping:
    with register.write_session():
        mapping, changes = plan_link(register, entity_id, reference, **options)  # type: ignore[arg-type]
        register.commit(changes)
    return mapping
