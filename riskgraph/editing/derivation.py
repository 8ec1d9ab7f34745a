"""Approval provenance of treatments made from the assistant's drafts.

A treatment that says it was derived from a draft (``prov:wasDerivedFrom``) must come from an
accepted draft of the same risk, through the person's review that generated this very treatment.
While it is approved, its statement and approver must be the ones that person accepted: changing
either needs a new approval (set the status back to proposed first). The same rules are SHACL
shapes (``DerivedFromAcceptedDraft`` and ``DerivedApprovalAsReviewed`` in ontology/shapes.ttl),
so every write path that validates enforces them; this check gives the editing commands a clear
error before anything is written.

A write can carry the draft's decision with it (``staged``: accepting a draft writes the
treatment and the review that generated it in one transaction); the checks then see the
provenance as it will be once written (``staged_view``, ``staged_provenance``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.editing.input import Origin
from riskgraph.errors import InputError
from riskgraph.model.entities import DraftStatus, Entity, Treatment, TreatmentStatus
from riskgraph.model.rdf import to_quads
from riskgraph.store.base import ChangeSet, SelectResult, Store
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, PROV, REGISTER_GRAPH, RG

_DRAFT_QUERY = """
PREFIX rg: <https://w3id.org/riskgraph#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?type ?status ?risk ?generated ?person ?accepted WHERE {
  OPTIONAL { GRAPH ?drafts { ?draft a ?type } }
  OPTIONAL { GRAPH ?drafts { ?draft rg:status ?status } }
  OPTIONAL { GRAPH ?drafts { ?draft rg:treats ?riskIri } ?riskIri dcterms:identifier ?risk }
  OPTIONAL {
    GRAPH ?drafts { ?review prov:used ?draft }
    OPTIONAL { GRAPH ?drafts { ?review prov:generated ?made } ?made dcterms:identifier ?generated }
    OPTIONAL {
      GRAPH ?drafts { ?review prov:wasAssociatedWith ?who } ?who dcterms:identifier ?person
    }
    OPTIONAL { GRAPH ?drafts { ?review rg:acceptedStatement ?accepted } }
  }
}"""


@dataclass
class _DraftFacts:
    is_draft: bool = False
    status: str | None = None
    risk: str | None = None
    generated: set[str] | None = None
    person: str | None = None
    accepted_statement: str | None = None


def _facts(store: Store, iri: str) -> _DraftFacts:
    generated: set[str] = set()
    facts = _DraftFacts(generated=generated)
    result = store.query(
        _DRAFT_QUERY,
        bindings={"drafts": ox.NamedNode(DRAFTS_GRAPH), "draft": ox.NamedNode(iri)},
    )
    for row in result.rows if isinstance(result, SelectResult) else []:
        if row["type"] is not None and row["type"].value == RG + "TreatmentDraft":
            facts.is_draft = True
        if row["status"] is not None:
            facts.status = row["status"].value
        if row["risk"] is not None:
            facts.risk = row["risk"].value
        if row["generated"] is not None:
            generated.add(row["generated"].value)
        if row["person"] is not None:
            facts.person = row["person"].value
        if row["accepted"] is not None:
            facts.accepted_statement = row["accepted"].value
    return facts


def _unchanged(new: Treatment, before: Entity | None) -> bool:
    return (
        isinstance(before, Treatment)
        and before.derived_from == new.derived_from
        and before.statement == new.statement
        and before.approved_by == new.approved_by
        and before.status == new.status
    )


def derivation_errors(
    store: Store, entity: Entity, origin: Origin, *, before: Entity | None = None
) -> list[InputError]:
    """Problems with where a treatment says it came from; empty for other entities and for
    edits that change neither the derivation, the statement, the approver nor the status."""
    if not isinstance(entity, Treatment) or entity.derived_from is None:
        return []
    if _unchanged(entity, before):
        return []
    iri = entity.derived_from
    facts = _facts(store, iri)
    how = "only 'riskgraph assist accept' derives a treatment from a draft"
    if not facts.is_draft:
        return [
            origin.error(
                f"names {iri}, which is not a draft of the assistant",
                field="derived_from",
                expected=f"the draft this treatment was accepted from; {how}",
            )
        ]
    draft_id = iri.rsplit("/", 1)[-1]
    if facts.status != RG + "Accepted":
        known = DraftStatus.from_iri(facts.status) if facts.status else None
        status = known.value if known is not None else "no status"
        return [
            origin.error(
                f"names draft {draft_id}, which is not accepted ({status}); {how}",
                field="derived_from",
            )
        ]
    if facts.risk != entity.risk:
        return [
            origin.error(
                f"names draft {draft_id}, which is a draft for {facts.risk or 'no risk'}, "
                f"not for {entity.risk}",
                field="derived_from",
            )
        ]
    if entity.id not in (facts.generated or set()):
        made = ", ".join(sorted(facts.generated or ())) or "nothing"
        return [
            origin.error(
                f"names draft {draft_id}, whose acceptance made {made}, not {entity.id}",
                field="derived_from",
            )
        ]
    if entity.status is not TreatmentStatus.APPROVED:
        return []
    reviewer = facts.person or "nobody"
    if facts.person != entity.approved_by:
        return [
            origin.error(
                f"was approved by {reviewer} when draft {draft_id} was accepted; another "
                "approver needs a new approval: set status to proposed first",
                field="approved_by",
                value=entity.approved_by,
            )
        ]
    if facts.accepted_statement is None or facts.accepted_statement != entity.statement:
        return [
            origin.error(
                f"differs from the text {reviewer} approved when draft {draft_id} was accepted; "
                "a changed statement needs a new approval: set status to proposed as well",
                field="statement",
            )
        ]
    return []


def draft_provenance_quads(store: Store, iris: Iterable[str]) -> list[ox.Quad]:
    """The drafts-graph quads the derivation shapes read, for those of ``iris`` that are
    drafts: the draft itself and the reviews that used it. The pre-write SHACL check
    (``editing.shapes``) adds them to its small graph."""
    quads: list[ox.Quad] = []
    for iri in sorted(set(iris)):
        own = list(store.quads(DRAFTS_GRAPH, subject=iri))
        if not own:
            continue
        quads += own
        result = store.query(
            "SELECT ?review WHERE { GRAPH ?g { ?review ?used ?draft } }",
            {
                "g": ox.NamedNode(DRAFTS_GRAPH),
                "used": ox.NamedNode(PROV + "used"),
                "draft": ox.NamedNode(iri),
            },
        )
        for row in list(result.rows) if isinstance(result, SelectResult) else []:
            review = row["review"]
            if isinstance(review, ox.NamedNode):
                quads += store.quads(DRAFTS_GRAPH, subject=review.value)
    return quads


def staged_provenance(
    store: Store, iris: Iterable[str], staged: ChangeSet | None = None
) -> list[ox.Quad]:
    """``draft_provenance_quads`` as they will be once ``staged`` (drafts-graph quads written
    in the same transaction) is committed."""
    quads = draft_provenance_quads(store, iris)
    if staged is None:
        return quads
    gone = set(staged.remove)
    drafts = ox.NamedNode(DRAFTS_GRAPH)
    return [q for q in quads if q not in gone] + [q for q in staged.add if q.graph_name == drafts]


def staged_view(
    store: Store, base_iri: str, staged: ChangeSet, entities: Iterable[Entity]
) -> Store:
    """A small store holding what the derivation check reads, as it will be after the write:
    the provenance of the drafts the ``entities`` derive from, with ``staged`` applied, and the
    identifiers of the entities it names (the written ones included)."""
    written = list(entities)
    drafts = [e.derived_from for e in written if isinstance(e, Treatment) and e.derived_from]
    quads = staged_provenance(store, drafts, staged)
    identifier = DCTERMS + "identifier"
    named = {q.object.value for q in quads if isinstance(q.object, ox.NamedNode)}
    for iri in sorted(named):
        quads += [
            q for q in store.quads(REGISTER_GRAPH, subject=iri) if q.predicate.value == identifier
        ]
    for entity in written:
        quads += [q for q in to_quads(entity, base_iri) if q.predicate.value == identifier]
    view = EmbeddedStore()
    view.apply(ChangeSet(add=quads))
    return view
