"""``riskgraph ARGS`` run in-process exactly as the console script runs it."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from unittest import mock

from typer.testing import CliRunner

from riskgraph.cli import main

runner = CliRunner()


@dataclass
class Run:
    code: int
    out: str
    err: str


def run(*args: str, input: str | None = None) -> Run:
    """``riskgraph ARGS`` with the error boundary of ``main()`` included."""
    with (
        runner.isolation(input=input) as (out, err, _),
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
