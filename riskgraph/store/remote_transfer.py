"""Copy a register between stores, losslessly: push (to a SPARQL endpoint), pull (from one).

Every riskgraph graph of the source (ontology, catalogues, register, drafts, bookkeeping) is
copied whole, blank nodes included; graphs outside riskgraph's namespace are left alone on both
sides. An endpoint receives each graph as one streamed Graph Store PUT when it has a store URL,
otherwise in chunks of SPARQL Update; an embedded store receives chunks of one transaction each.
A copy is checked by counting each graph on both sides, and optionally by the register hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from riskgraph.errors import UserError
from riskgraph.progress import NO_PROGRESS, Progress
from riskgraph.store.base import ChangeSet, Store, StoreError, read_revision
from riskgraph.store.remote import RemoteStore
from riskgraph.store.remote_lease import is_claim
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, REGISTER_GRAPH

RISKGRAPH_GRAPHS = "https://w3id.org/riskgraph/graph/"
"""Every graph riskgraph writes has an IRI under this prefix."""
CHUNK = 20_000
"""Quads per transaction when copying into a store that is not an endpoint."""


@dataclass
class TransferReport:
    graphs: dict[str, int] = field(default_factory=dict)
    """Graph IRI -> quads copied, in the order they were copied."""
    dropped: list[str] = field(default_factory=list)
    """Graphs removed from the target because the source has none of that name (--replace)."""
    revision: int = 0
    """The register revision that was copied."""

    @property
    def quads(self) -> int:
        return sum(self.graphs.values())


def riskgraph_graphs(store: Store) -> list[str]:
    return [g for g in store.graph_names() if g.startswith(RISKGRAPH_GRAPHS)]


def holds_register_data(store: Store) -> int:
    """Quads of user data (register and drafts graphs) in ``store``."""
    return store.count(REGISTER_GRAPH) + store.count(DRAFTS_GRAPH)


def transfer(
    source: Store,
    target: Store,
    *,
    replace: bool,
    target_name: str,
    progress: Progress = NO_PROGRESS,
) -> TransferReport:
    """Copy every riskgraph graph of ``source`` onto ``target``.

    Without ``replace`` a target that already holds register data is refused (``target_name``
    says which in the message); with it, the target's riskgraph graphs become the source's.
    Not atomic across graphs: if it fails half-way, run it again with ``replace``.
    """
    graphs = riskgraph_graphs(source)
    if REGISTER_GRAPH not in graphs:
        raise UserError("there is no register to copy: the source has no register graph")
    held = holds_register_data(target)
    if held and not replace:
        raise UserError(
            f"{target_name} already holds a register ({held} triples of register data); "
            "add --replace to overwrite it with this copy"
        )
    report = TransferReport(revision=read_revision(source))
    if replace:
        for extra in sorted(set(riskgraph_graphs(target)) - set(graphs)):
            target.update(f"DROP SILENT GRAPH {ox.NamedNode(extra)}")
            report.dropped.append(extra)
    for graph in graphs:
        progress.phase(f"copying {_short(graph)}", total=source.count(graph))
        report.graphs[graph] = _copy_graph(source, target, graph, progress)
    moved = read_revision(source)
    if moved != report.revision:
        raise StoreError(
            f"the register changed while it was being copied (revision {report.revision} -> "
            f"{moved}); run the copy again with --replace"
        )
    _check_counts(target, report, target_name)
    return report


def _copy_graph(source: Store, target: Store, graph: str, progress: Progress) -> int:
    """Copy one graph (without write claims, which belong to the endpoint they were made on)."""
    copied = 0
    quads = (q for q in source.quads(graph) if not is_claim(q.subject))

    def sent(amount: int) -> None:
        nonlocal copied
        copied += amount
        progress.advance(amount)

    if isinstance(target, RemoteStore):
        target.load_graph(graph, quads, sent)
        return copied
    target.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
    chunk: list[ox.Quad] = []
    for quad in quads:
        chunk.append(quad)
        if len(chunk) >= CHUNK:
            target.apply(ChangeSet(add=chunk))
            sent(len(chunk))
            chunk = []
    if chunk:
        target.apply(ChangeSet(add=chunk))
        sent(len(chunk))
    return copied


def _check_counts(target: Store, report: TransferReport, target_name: str) -> None:
    wrong = {
        graph: (sent, found)
        for graph, sent in report.graphs.items()
        if (found := target.count(graph)) != sent
    }
    if wrong:
        details = ", ".join(f"{_short(g)}: sent {s}, found {f}" for g, (s, f) in wrong.items())
        raise StoreError(f"the copy on {target_name} is incomplete ({details})")


def _short(graph: str) -> str:
    return graph.removeprefix(RISKGRAPH_GRAPHS) + " graph"


def entity_base(store: Store) -> str | None:
    """The base IRI the register's entities use (an entity IRI minus its ID), if it has any."""
    result = store.select(
        "SELECT ?s ?id WHERE { GRAPH ?g { ?s ?p ?id } } LIMIT 1",
        {"g": ox.NamedNode(REGISTER_GRAPH), "p": ox.NamedNode(DCTERMS + "identifier")},
        union_default_graph=False,
    )
    for row in result.rows:
        subject, identifier = row["s"], row["id"]
        if (
            isinstance(subject, ox.NamedNode)
            and isinstance(identifier, ox.Literal)
            and subject.value.endswith(identifier.value)
        ):
            return subject.value.removesuffix(identifier.value)
    return None
