"""``riskgraph mcp``: serve the register to AI agents over the Model Context Protocol."""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register


def mcp(
    register: Path | None = RegisterOption,
    allow_drafts: bool = typer.Option(
        False,
        "--allow-drafts",
        help="Also offer draft tools: agents may propose treatments, risks and mappings, stored "
        "as pending drafts for a named person to review. Without it the server is read-only.",
    ),
    http: bool = typer.Option(
        False, "--http", help="Serve streamable HTTP on 127.0.0.1 instead of stdio."
    ),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port for --http."),
) -> None:
    """Serve the register to AI agents and IDEs over MCP (stdio by default).

    Agents can list and run stored queries, read gaps, entities, traces, impact and the SoA.
    Nothing they send can approve, edit or delete the register; every call is recorded in the
    register's audit trail. See docs/mcp.md for Claude Desktop and VS Code set-up.

    Example:  riskgraph mcp -r my-register --allow-drafts
    """
    from riskgraph.mcp.server import serve_http, serve_stdio

    opened = open_register(register)
    if http:
        serve_http(opened, allow_drafts=allow_drafts, host="127.0.0.1", port=port)
    else:
        serve_stdio(opened, allow_drafts=allow_drafts)


def attach(app: typer.Typer) -> None:
    app.command()(mcp)
