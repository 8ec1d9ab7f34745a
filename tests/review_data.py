"""A register whose review dates come from every origin the review cadence knows, for tests
that compare two readings of the schedule (the gap rule's fast form and its SPARQL; the review
schedule's projection and the entities)."""

from __future__ import annotations

from datetime import date, timedelta

import pyoxigraph as ox

from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.vocab import RDF, REGISTER_GRAPH, RG, XSD

KINDS = ("Risk", "Treatment", "Control", "AISystem")


def with_computed_reviews(register: Register) -> None:
    """Of the items with a review cadence (in IRI order): every third has only a last review
    (its next review is computed), every fifth its own interval, every seventh is retired,
    rejected or a catalogue risk (its status replaced)."""
    with register.writer() as store:
        items = sorted(
            (str(row["item"].value), kind)  # type: ignore[union-attr]
            for kind in KINDS
            for row in store.select(f"SELECT ?item WHERE {{ ?item a <{RG}{kind}> }}").rows
        )
        graph = ox.NamedNode(REGISTER_GRAPH)
        add: list[ox.Quad] = []
        remove: list[ox.Quad] = []
        for n, (iri, kind) in enumerate(items):
            item = ox.NamedNode(iri)
            if n % 3 == 0:
                remove += [
                    q
                    for q in store.quads(REGISTER_GRAPH, iri)
                    if q.predicate.value == f"{RG}reviewDue"
                ]
                day = date(2025, 1, 1) + timedelta(days=11 * n)
                last = ox.Literal(day.isoformat(), datatype=ox.NamedNode(f"{XSD}date"))
                add.append(ox.Quad(item, ox.NamedNode(f"{RG}lastReviewed"), last, graph))
            if n % 5 == 0:
                days = ox.Literal(str(20 + n), datatype=ox.NamedNode(f"{XSD}integer"))
                add.append(ox.Quad(item, ox.NamedNode(f"{RG}reviewInterval"), days, graph))
            if n % 7 == 0:
                retired = _retirement(item, kind, graph)
                remove += [  # one status, as a form would write it
                    q
                    for q in store.quads(REGISTER_GRAPH, iri)
                    if q.predicate == retired.predicate and retired.predicate.value != f"{RDF}type"
                ]
                add.append(retired)
        commit(store, ChangeSet(add=add, remove=remove))


def _retirement(item: ox.NamedNode, kind: str, graph: ox.NamedNode) -> ox.Quad:
    if kind == "Risk":
        return ox.Quad(item, ox.NamedNode(f"{RDF}type"), ox.NamedNode(f"{RG}CatalogueRisk"), graph)
    if kind == "Treatment":
        return ox.Quad(item, ox.NamedNode(f"{RG}status"), ox.NamedNode(f"{RG}Rejected"), graph)
    if kind == "Control":
        return ox.Quad(item, ox.NamedNode(f"{RG}status"), ox.NamedNode(f"{RG}Retired"), graph)
    return ox.Quad(item, ox.NamedNode(f"{RG}lifecycleStage"), ox.Literal("retired"), graph)
