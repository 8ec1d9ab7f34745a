"""Helpers for the library tests: where the reference material is, and the CLI run in-process."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import cli_run
from cli_run import Run

_BESIDE_CLONE = Path(__file__).resolve().parents[3] / "shared" / "reference"
REFERENCE = Path(os.environ.get("RISKGRAPH_REFERENCE", _BESIDE_CLONE))


def run(*args: str) -> Run:
    """``riskgraph ARGS`` as the console script runs it, on a 200-column terminal."""
    with mock.patch.dict(os.environ, {"COLUMNS": "200"}):
        return cli_run.run(*args)
