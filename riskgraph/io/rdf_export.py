"""Write the register graph (or, with ``everything``, every graph) as RDF, streaming."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.io.formats import DataFormat
from riskgraph.progress import Progress
from riskgraph.store.base import Store
from riskgraph.vocab import PREFIXES, REGISTER_GRAPH

REGISTER_PREFIX = "reg"
"""Prefix of the register's own IRIs (its base IRI) in Turtle and TriG."""
_PROGRESS_STEP = 10_000


def export_prefixes(base_iri: str) -> dict[str, str]:
    return {REGISTER_PREFIX: base_iri, **PREFIXES}


def count_quads(store: Store, graph: str | None) -> int:
    if graph is None:
        return store.count()
    result = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
        {"g": ox.NamedNode(graph)},
        union_default_graph=False,
    )
    row = next(result.rows, None)
    value = row["n"] if row else None
    return int(value.value) if value is not None else 0


def write_rdf(
    store: Store,
    fmt: DataFormat,
    out: BinaryIO,
    *,
    base_iri: str,
    everything: bool,
    progress: Progress,
) -> int:
    """Serialise and return the number of triples (or quads) written.

    Triple formats (Turtle, N-Triples) merge the graphs with ``everything``; dataset formats
    (TriG, N-Quads, JSON-LD) keep each triple in its named graph.
    """
    rdf_format = fmt.rdf_format
    if rdf_format is None:
        raise UserError(f"{fmt.value} is not an RDF format")
    graph = None if everything else REGISTER_GRAPH
    progress.phase(f"writing {fmt.value}", total=count_quads(store, graph))
    counter = _Counter(progress)
    quads = counter.count(store.quads(graph))
    statements: Iterable[ox.Quad] | Iterable[ox.Triple] = (
        quads if fmt.holds_datasets else (quad.triple for quad in quads)
    )
    prefixes = export_prefixes(base_iri) if fmt in (DataFormat.TURTLE, DataFormat.TRIG) else None
    ox.serialize(statements, out, rdf_format, prefixes=prefixes)
    progress.advance(counter.total % _PROGRESS_STEP)
    return counter.total


class _Counter:
    """Counts quads as they stream past and reports progress every few thousand."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.total = 0

    def count(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        for quad in quads:
            yield quad
            self.total += 1
            if self.total % _PROGRESS_STEP == 0:
                self.progress.advance(_PROGRESS_STEP)
