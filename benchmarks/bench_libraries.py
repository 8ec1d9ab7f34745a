"""Libraries: loading every bundled library into a register, and answering crosswalks.

    python -m benchmarks.bench_libraries --repeat 3

Targets (issue 12): loading every bundled library into a register takes under 10 s, and a
crosswalk answers in under 1 s. Each load goes into a new register folder on disk (the embedded
store, as users have it), through ``riskgraph.library.catalogue.load`` (one transaction). Each
crosswalk is computed from scratch (mapping graph read from the store, then the chains), on a
register holding every library. The CLI time of one crosswalk (a new process: interpreter
start-up, imports, opening the store) is measured too.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_common import REPO, emit

CROSSWALKS = (
    ("owasp-llm-2.0", "iso42001-annex-a"),
    ("ibm-risk-atlas", "owasp-llm-2.0"),
    ("mitre-atlas", "ai-atlas-nexus"),
    ("iso42001", "iso-hs"),
)


def main() -> None:
    from riskgraph.library.bundled import bundled
    from riskgraph.library.catalogue import load
    from riskgraph.library.coverage import coverage
    from riskgraph.library.crosswalk import crosswalk
    from riskgraph.register import init_register

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    names = list(bundled())
    results: dict[str, Any] = {"libraries": names, "load_all_seconds": [], "crosswalk": {}}
    with tempfile.TemporaryDirectory() as work:
        for number in range(args.repeat):
            register = init_register(Path(work) / f"reg-{number}")
            start = time.perf_counter()
            triples = load(register, names)
            results["load_all_seconds"].append(time.perf_counter() - start)
            results["triples"] = triples
        with register.reader() as store:
            for source, target in CROSSWALKS:
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    walk = crosswalk(store, source, target)
                    times.append(time.perf_counter() - start)
                results["crosswalk"][f"{source} -> {target}"] = {
                    "seconds": times,
                    "links": sum(len(p) for p in walk.paths.values()),
                    "unmatched": len(walk.unmatched),
                }
            start = time.perf_counter()
            coverage(store, "iso42001-annex-a", "finos-aigf")
            results["coverage_seconds"] = time.perf_counter() - start
        command = [
            sys.executable,
            "-m",
            "riskgraph",
            "crosswalk",
            "owasp-llm-2.0",
            "iso42001-annex-a",
            "-f",
            "json",
            "-r",
            str(register.folder),
        ]
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)  # warm-up
        start = time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        results["crosswalk_cli_seconds"] = time.perf_counter() - start
    emit(results)
    print(
        f"load all {len(names)} libraries ({results['triples']} triples): "
        + ", ".join(f"{t:.2f} s" for t in results["load_all_seconds"]),
        file=sys.stderr,
    )
    for pair, figures in results["crosswalk"].items():
        print(
            f"crosswalk {pair}: "
            + ", ".join(f"{t:.2f} s" for t in figures["seconds"])
            + f" ({figures['links']} links, {figures['unmatched']} without counterpart)",
            file=sys.stderr,
        )
    print(
        f"coverage iso42001-annex-a by finos-aigf: {results['coverage_seconds']:.2f} s",
        file=sys.stderr,
    )
    print(f"CLI crosswalk (new process): {results['crosswalk_cli_seconds']:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
