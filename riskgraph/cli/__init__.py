"""The ``riskgraph`` command line. Modules here import only typer at load time, so that
``riskgraph --help`` starts fast; each command imports the core it needs when it runs."""

from __future__ import annotations

from riskgraph.cli.app import app, main

__all__ = ["app", "main"]
