"""Start-up cost: ``riskgraph --help`` against ``python -c "import typer"``.

    python -m benchmarks.bench_startup --repeat 10

Each command runs ``--repeat`` times (after one warm-up run that fills the OS file cache);
the times are wall-clock, the memory is each run's peak resident set size (from ``wait4``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from typing import Any

from benchmarks.bench_common import REPO, emit

COMMANDS = {
    "riskgraph --help": [sys.executable, "-m", "riskgraph", "--help"],
    "import typer": [sys.executable, "-c", "import typer"],
}


def run_once(command: list[str]) -> tuple[float, float]:
    """(seconds, peak MB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {process.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for name, command in COMMANDS.items():
        run_once(command)
        runs = [run_once(command) for _ in range(args.repeat)]
        results[name] = {"times": [t for t, _ in runs], "rss_mb": max(m for _, m in runs)}
    emit({"commands": results})


if __name__ == "__main__":
    main()
