"""Helpers for the crash and damage suites: the CLI run as users run it, register snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]


def child(
    *args: str, preexec: Callable[[], None] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``riskgraph ARGS`` in a child process (for limits that must not touch the test process)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=preexec,
    )


def register_quads(folder: Path) -> list[str]:
    """Every quad of the register's store, sorted, read straight from RocksDB (read-only)."""
    store = ox.Store.read_only(str((folder / "store").resolve()))
    return sorted(map(str, store))
