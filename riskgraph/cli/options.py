"""Options shared by many commands."""

from __future__ import annotations

from pathlib import Path

import typer

RegisterOption = typer.Option(
    None,
    "--register",
    "-r",
    help="Register folder. Default: $RISKGRAPH_REGISTER, else the nearest register above here.",
    show_default=False,
)


def open_register(path: Path | None):  # -> Register (import kept lazy)
    from riskgraph.register import Register, find_register

    return Register.open(find_register(path))
