"""Helpers for the library tests: where the reference material is, and the CLI run in-process."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from typer.testing import CliRunner

from riskgraph.cli import main

_BESIDE_CLONE = Path(__file__).resolve().parents[3] / "shared" / "reference"
REFERENCE = Path(os.environ.get("RISKGRAPH_REFERENCE", _BESIDE_CLONE))
_runner = CliRunner()


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str) -> Run:
    """``riskgraph ARGS`` with the error boundary of ``main()``, as the console script runs it."""
    with (
        _runner.isolation() as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
        mock.patch.dict(os.environ, {"COLUMNS": "200"}),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return Run(code, out.getvalue().decode(), err.getvalue().decode())
