"""Shared by the benchmark runner and its measurements: child processes, medians, the machine.

Every measurement runs in a child process of its own (``python -m benchmarks.bench_X ...``),
which prints one JSON object on its last line of output. Its peak memory is its own maximum
resident set size (``resource.getrusage``), so measurements do not inherit each other's memory.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


class ChildFailed(RuntimeError):
    """A measurement process failed; the message ends with its error output."""


def run_child(module: str, *args: str, timeout: float | None = None) -> dict[str, Any]:
    """Run ``python -m benchmarks.<module> ARGS`` and return the JSON it printed last."""
    command = [sys.executable, "-m", f"benchmarks.{module}", *args]
    try:
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"{' '.join(command[2:])} ran longer than {timeout:g} s") from None
    if done.returncode != 0:
        raise ChildFailed(f"{' '.join(command[2:])} failed:\n{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def emit(result: dict[str, Any]) -> None:
    """Print a measurement's result for the parent process, with this process's peak memory."""
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result), flush=True)


@contextmanager
def watchdog(cap: float | None, result: Callable[[], dict[str, Any]]) -> Iterator[None]:
    """Stop this process if the block runs longer than ``cap`` seconds, printing ``result()``
    first (what was measured so far, marked as stopped). pyoxigraph cannot cancel a query but
    releases the GIL while it works, so this timer thread gets to run."""
    if cap is None:
        yield
        return

    def expire() -> None:
        emit(result())
        os._exit(0)

    timer = threading.Timer(cap, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def peak_rss_mb() -> float:
    """This process's maximum resident set size so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, load and the versions that matter, for the results file."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    versions = {"python": platform.python_version()}
    for package in ("riskgraph", "pyoxigraph", "oxigraph", "rdflib", "httpx"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(ram_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "load": [round(x, 2) for x in os.getloadavg()],
        "versions": versions,
    }
