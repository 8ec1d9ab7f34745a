"""Helpers for the crash and damage suites: the CLI run as users run it, register snapshots."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pyoxigraph as ox
from typer.testing import CliRunner

from riskgraph.cli import main

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str) -> Run:
    """``riskgraph ARGS`` in-process, through the console script's error boundary (an exception
    that escapes it fails the test, as a traceback would show to a user)."""
    with (
        runner.isolation() as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode(), err.getvalue().decode())


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
