"""``riskgraph tui``: the terminal UI for risk managers. Textual is imported only when it runs."""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, TodayOption, today_option


def tui(
    today: str | None = TodayOption,
    register: Path | None = RegisterOption,
    snapshot: str | None = typer.Option(
        None,
        "--snapshot",
        metavar="NAME",
        help="Open this snapshot of the register, read-only (see 'riskgraph snapshot list').",
        show_default=False,
    ),
) -> None:
    """Open the register in the terminal UI: dashboard, browser, explorer, queries, reviews.

    Keys are shown at the bottom of each screen; press ? (or F1) for help.

    Example:  riskgraph tui -r my-register --snapshot 2026-09-certification-audit
    """
    from riskgraph.cli.options import register_folder
    from riskgraph.tui import run_tui

    status = run_tui(register_folder(register), today=today_option(today), snapshot=snapshot)
    if status:
        raise typer.Exit(status)  # the app stopped on an error: say so to the shell


def attach(app: typer.Typer) -> None:
    app.command()(tui)
