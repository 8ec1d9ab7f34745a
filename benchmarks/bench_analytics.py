"""Benchmark of the graph analytics on synthetic registers (``benchmarks.synth``).

For each size: build the typed graph from the store (time, median of several runs; memory with
tracemalloc), then time trace, impact, rank controls and rank risks on their busiest inputs.
Prints a Markdown table (the "Measured" section of docs/analytics.md).

    python -m benchmarks.bench_analytics                  # S and M, 5 runs each
    python -m benchmarks.bench_analytics --sizes S M L --runs 3
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from benchmarks.synth.profile import SIZES, profile_for
from benchmarks.synth.register import write_register
from riskgraph.analysis.graph import NodeKind, RegisterGraph, Relation
from riskgraph.analysis.graph_build import build_graph
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.graph_clusters import cluster_risks
from riskgraph.analysis.impact import impact
from riskgraph.analysis.rank import rank_controls
from riskgraph.analysis.trace import trace
from riskgraph.register import Register, init_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.store.embedded import EmbeddedStore


@dataclass
class Measure:
    what: str
    seconds: float
    """Median over the runs."""
    peak_mb: float
    """Peak of memory allocated while it ran (tracemalloc, one extra run)."""
    note: str = ""


def timed(func: Callable[[], Any], runs: int) -> tuple[float, float]:
    """(median seconds over ``runs``, peak MB of one more run under tracemalloc)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak / 1e6


def retained_mb(func: Callable[[], Any]) -> tuple[Any, float]:
    """The result of ``func`` and the memory it keeps alive (MB)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = func()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return result, (after - before) / 1e6


def make_register(size: str, folder: Path) -> tuple[Register, float]:
    """A register folder holding the synthetic register of ``size``; and the load time."""
    data = folder / f"{size}.nq"
    with data.open("w", encoding="utf-8") as out:
        write_register(out, profile_for(size), fmt="nq")
    register = init_register(folder / size)
    start = time.perf_counter()
    with register.writer() as store:
        assert isinstance(store, EmbeddedStore)
        store.raw.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        commit(store, ChangeSet())
    data.unlink()
    return register, time.perf_counter() - start


def busiest(graph: RegisterGraph, kind: NodeKind, relation: Relation, *, inverse: bool) -> str:
    """The node of ``kind`` with the most links of ``relation`` (ties: first in ID order)."""

    def degree(node: str) -> int:
        return len(graph.into(node, relation) if inverse else graph.out(node, relation))

    return max(graph.nodes_of(kind), key=degree)


def most_depended_on(graph: RegisterGraph) -> str:
    candidates = graph.nodes_of(NodeKind.MODEL, NodeKind.DATASET, NodeKind.SERVICE)
    return max(
        candidates,
        key=lambda n: (
            len(graph.into(n, Relation.DEPENDS_ON)) + len(graph.into(n, Relation.PROVIDED_BY))
        ),
    )


def bench_size(size: str, runs: int, folder: Path) -> tuple[dict[str, Any], list[Measure]]:
    register, load_seconds = make_register(size, folder)
    measures = []
    with register.reader() as store:
        graph, kept = retained_mb(lambda: build_graph(store))
        seconds, peak = timed(lambda: build_graph(store), runs)
    measures.append(Measure("build the typed graph", seconds, peak, f"{kept:.0f} MB kept"))
    load_graph(register)
    seconds, peak = timed(lambda: load_graph(register), runs)
    measures.append(Measure("load_graph, cached", seconds, peak, "revision check only"))

    system = busiest(graph, NodeKind.SYSTEM, Relation.AFFECTS, inverse=True)
    annex = busiest(graph, NodeKind.ANNEX_A, Relation.ADDRESSES, inverse=True)
    component = most_depended_on(graph)
    control = busiest(graph, NodeKind.CONTROL, Relation.MITIGATES, inverse=False)
    up = trace(graph, system).up
    down = trace(graph, annex).down
    blast = impact(graph, [component])
    withdrawn = impact(graph, [control])
    ranking = rank_controls(graph)
    clusters = cluster_risks(graph)
    cases: list[tuple[str, Callable[[], Any], str]] = [
        (f"trace {system} (up)", lambda: trace(graph, system), f"{up.paths if up else 0} paths"),
        (
            f"trace {annex} (down)",
            lambda: trace(graph, annex),
            f"{down.paths if down else 0} paths",
        ),
        (
            f"impact {component}",
            lambda: impact(graph, [component]),
            f"{blast.summary.systems} systems exposed",
        ),
        (
            f"impact {control}",
            lambda: impact(graph, [control]),
            f"{len(withdrawn.risk_effects)} risks",
        ),
        (
            "rank controls",
            lambda: rank_controls(graph),
            f"{len(ranking.controls)} controls, centrality {ranking.centrality}",
        ),
        (
            "rank risks",
            lambda: cluster_risks(graph),
            f"{len(clusters.clusters)} clusters, {clusters.unclustered} unclustered",
        ),
    ]
    for what, func, note in cases:
        seconds, peak = timed(func, runs)
        measures.append(Measure(what, seconds, peak, note))
    facts = {
        "size": size,
        "systems": len(graph.nodes_of(NodeKind.SYSTEM)),
        "risks": len(graph.nodes_of(NodeKind.RISK)),
        "nodes": graph.nx.number_of_nodes(),
        "edges": graph.nx.number_of_edges(),
        "load_seconds": load_seconds,
    }
    return facts, measures


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def report(results: list[tuple[dict[str, Any], list[Measure]]], runs: int) -> str:
    lines = []
    for facts, measures in results:
        lines += [
            f"### Size {facts['size']}: {facts['systems']:,} AI systems, {facts['risks']:,} "
            f"risks; typed graph {facts['nodes']:,} nodes, {facts['edges']:,} edges",
            "",
            f"Median of {runs} runs; peak = memory allocated while it ran (tracemalloc).",
            "",
            "| step | time | peak memory | note |",
            "|---|---:|---:|---|",
        ]
        lines += [
            f"| {m.what} | {_seconds(m.seconds)} | {m.peak_mb:.1f} MB | {m.note} |"
            for m in measures
        ]
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_analytics")
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=["S", "M"])
    parser.add_argument("--runs", type=int, default=5, help="runs per step (median)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be 1 or more")
    results = []
    with tempfile.TemporaryDirectory(prefix="riskgraph-bench-") as tmp:
        for size in args.sizes:
            results.append(bench_size(size, args.runs, Path(tmp)))
    print(report(results, args.runs))


if __name__ == "__main__":
    main()
