"""Copy a register between stores, losslessly: push (to a SPARQL endpoint), pull (from one).

Every riskgraph graph of the source (ontology, catalogues, register, drafts, bookkeeping) is
copied whole, blank nodes included; graphs outside riskgraph's namespace are left alone on both
sides. An endpoint receives each graph as one streamed Graph Store PUT when it has a store URL,
otherwise in chunks of SPARQL Update, into staging graphs switched in by one update at the end;
an embedded store receives the whole copy as one staged write. Readers of either side see the
old register or the new one, never a part. A copy is checked by counting each graph on both
sides, and optionally by the register hash.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from riskgraph.errors import UnlessSet, UserError
from riskgraph.progress import NO_PROGRESS, Progress
from riskgraph.store.base import ChangeSet, Store, StoreError, read_revision
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.store.failpoints import crash_point
from riskgraph.store.remote import RISKGRAPH_GRAPHS, STAGING_GRAPHS, RemoteStore
from riskgraph.store.remote_lease import is_claim
from riskgraph.vocab import DCTERMS, DRAFTS_GRAPH, REGISTER_GRAPH

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
    """Copy every riskgraph graph of ``source`` onto ``target``, all or nothing for readers.

    Without ``replace`` a target that already holds register data is refused (``target_name``
    says which in the message); with it, the target's riskgraph graphs become the source's.

    To an endpoint (push) every graph is first loaded into a staging graph, which readers never
    see (``RemoteStore.graph_names`` leaves them out); one SPARQL Update then moves all of them
    into place, one transaction on the server. A push that dies earlier leaves the endpoint as
    it was, and the next push removes its staging graphs. Into an embedded store (pull) the copy
    is one change set: one transaction, or a staged write switched in atomically.
    """
    graphs = riskgraph_graphs(source)
    if REGISTER_GRAPH not in graphs:
        raise UserError("there is no register to copy: the source has no register graph")
    held = holds_register_data(target)
    if held and not replace:
        raise UnlessSet(
            f"{target_name} already holds a register ({held} triples of register data) and is "
            "left as it is",
            field="replace",
            action="copy over it",
        )
    report = TransferReport(revision=read_revision(source))
    extras = sorted(set(riskgraph_graphs(target)) - set(graphs)) if replace else []
    if isinstance(target, RemoteStore):
        _push(source, target, graphs, extras, report, target_name, progress)
    else:
        _into_store(source, target, graphs, extras, report, progress)
    _check_counts(target, report, target_name)
    return report


def _check_unchanged(source: Store, report: TransferReport) -> None:
    moved = read_revision(source)
    if moved != report.revision:
        raise StoreError(
            f"the register changed while it was being copied (revision {report.revision} -> "
            f"{moved}); nothing was changed on the receiving side, run the copy again"
        )


def _push(
    source: Store,
    target: RemoteStore,
    graphs: list[str],
    extras: list[str],
    report: TransferReport,
    target_name: str,
    progress: Progress,
) -> None:
    for leftover in target.all_graph_names():  # of pushes that died before their switch
        if leftover.startswith(STAGING_GRAPHS):
            target.update(f"DROP SILENT GRAPH {ox.NamedNode(leftover)}")
    run = secrets.token_hex(8)
    staged = {
        graph: f"{STAGING_GRAPHS}{run}/{graph.removeprefix(RISKGRAPH_GRAPHS)}" for graph in graphs
    }
    for graph in graphs:
        progress.phase(f"copying {_short(graph)}", total=source.count(graph))
        quads = (q for q in source.quads(graph) if not is_claim(q.subject))
        report.graphs[graph] = _load(target, staged[graph], quads, progress)
    _check_unchanged(source, report)
    _check_counts(target, report, target_name, staged)
    crash_point("push:staged")
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(extra)}" for extra in extras]
    for graph in graphs:
        operations.append(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
        operations.append(
            f"MOVE SILENT GRAPH {ox.NamedNode(staged[graph])} TO GRAPH {ox.NamedNode(graph)}"
        )
    progress.phase("switching the copy in", total=None)
    crash_point("push:switching")
    # The meta graph moved in holds the source's kept register hash, which is that of the content
    # moved in with it (same revision, checked above): keep it.
    target.update(" ;\n".join(operations), keeps_hash=True)
    report.dropped.extend(extras)


def _load(target: RemoteStore, graph: str, quads: Iterator[ox.Quad], progress: Progress) -> int:
    copied = 0

    def sent(amount: int) -> None:
        nonlocal copied
        copied += amount
        progress.advance(amount)

    target.load_graph(graph, quads, sent)
    return copied


def _into_store(
    source: Store,
    target: Store,
    graphs: list[str],
    extras: list[str],
    report: TransferReport,
    progress: Progress,
) -> None:
    changes = ChangeSet()
    for graph in [*extras, *graphs]:
        changes.remove.extend(target.quads(graph))
    for graph in graphs:
        progress.phase(f"copying {_short(graph)}", total=source.count(graph))
        before = len(changes.add)
        for quad in source.quads(graph):
            if not is_claim(quad.subject):
                changes.add.append(quad)
                if len(changes.add) % CHUNK == 0:
                    progress.advance(CHUNK)
        report.graphs[graph] = len(changes.add) - before
    _check_unchanged(source, report)
    progress.phase(f"writing {len(changes.add):,} triples", total=None)
    if isinstance(target, EmbeddedStore):
        target.apply_staged(changes)
    else:
        target.apply(changes)
    report.dropped.extend(extras)


def _check_counts(
    target: Store,
    report: TransferReport,
    target_name: str,
    names: dict[str, str] | None = None,
) -> None:
    """Every graph holds what was sent (``names``: where each graph was sent instead)."""
    wrong = {
        graph: (sent, found)
        for graph, sent in report.graphs.items()
        if (found := target.count((names or {}).get(graph, graph))) != sent
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
