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


TodayOption = typer.Option(
    None,
    "--today",
    help="The day dates are judged on (YYYY-MM-DD): overdue reviews, expired evidence, "
    "'today' in query parameters. Default: the system date.",
    show_default=False,
)
"""The one --today option of every command that judges dates (riskgraph.clock)."""


def today_option(value: str | None):  # -> date (import kept lazy)
    """The --today option as a date: the day given, else the system date."""
    from riskgraph.clock import day_or_today

    return day_or_today(value, "--today")


def open_register(path: Path | None):  # -> Register (import kept lazy)
    from riskgraph.register import Register, find_register

    return Register.open(find_register(path))
