"""The graph analytics on a synthetic register: building the typed graph, then trace, impact,
rank controls and ``rank risks`` (the risk clusters) on the built graph.

    python -m benchmarks.bench_rank --size L --repeat 3

Reads the register folder of ``benchmarks.bench_data`` through a read-only store, as the CLI
does. Trace and impact run on their busiest inputs (as ``benchmarks.bench_analytics`` picks
them). Prints JSON with the graph build time (once), each step's times (after one warm-up run),
the peak memory of the process (graph and analytics together) and what one clustering allocated
at its peak (tracemalloc).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_analytics import busiest, most_depended_on
from benchmarks.bench_common import emit, timed
from benchmarks.bench_data import DEFAULT_WORK, register_folder
from riskgraph.analysis.graph import NodeKind, RegisterGraph, Relation
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.graph_clusters import cluster_risks
from riskgraph.analysis.impact import impact
from riskgraph.analysis.rank import rank_controls
from riskgraph.analysis.trace import trace
from riskgraph.register import Register


def steps(graph: RegisterGraph) -> dict[str, Callable[[], Any]]:
    """The analytics timed besides ``rank risks``, named with their inputs."""
    system = busiest(graph, NodeKind.SYSTEM, Relation.AFFECTS, inverse=True)
    annex = busiest(graph, NodeKind.ANNEX_A, Relation.ADDRESSES, inverse=True)
    component = most_depended_on(graph)
    control = busiest(graph, NodeKind.CONTROL, Relation.MITIGATES, inverse=False)
    return {
        f"trace {system} (up)": lambda: trace(graph, system),
        f"trace {annex} (down)": lambda: trace(graph, annex),
        f"impact {component}": lambda: impact(graph, [component]),
        f"impact {control}": lambda: impact(graph, [control]),
        "rank controls": lambda: rank_controls(graph),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="L")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = parser.parse_args()
    register = Register.open(register_folder(args.size, args.work))
    start = time.perf_counter()
    graph = load_graph(register)
    build = time.perf_counter() - start
    analytics: dict[str, list[float]] = {}
    for name, step in steps(graph).items():
        step()
        analytics[name] = timed(step, args.repeat)
    clustering = cluster_risks(graph)
    times = timed(lambda: cluster_risks(graph), args.repeat)
    tracemalloc.start()
    cluster_risks(graph)
    traced_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    emit(
        {
            "size": args.size,
            "graph_s": build,
            "nodes": graph.nx.number_of_nodes(),
            "edges": graph.nx.number_of_edges(),
            "analytics": analytics,
            "times": times,
            "clusters": len(clustering.clusters),
            "clustered": sum(c.size for c in clustering.clusters),
            "traced_peak_mb": traced_peak,
        }
    )


if __name__ == "__main__":
    main()
