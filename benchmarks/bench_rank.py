"""``rank risks`` on a synthetic register: building the typed graph, then the risk clusters.

    python -m benchmarks.bench_rank --size L --repeat 3

Reads the register folder of ``benchmarks.bench_data`` through a read-only store, as the CLI
does. Prints JSON with the graph build time (once), the clustering times, the peak memory of
the process (graph and clusters together) and what one clustering allocated at its peak
(tracemalloc).
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from benchmarks.bench_common import emit, timed
from benchmarks.bench_data import DEFAULT_WORK, register_folder
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.graph_clusters import cluster_risks
from riskgraph.register import Register


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
            "times": times,
            "clusters": len(clustering.clusters),
            "clustered": sum(c.size for c in clustering.clusters),
            "traced_peak_mb": traced_peak,
        }
    )


if __name__ == "__main__":
    main()
