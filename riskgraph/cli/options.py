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
TimeoutOption = typer.Option(
    None,
    "--timeout",
    help="Seconds the query may run. Default: queries.timeout_seconds in register.toml.",
    show_default=False,
)
"""The --timeout of every command that runs a query (query run, verify)."""


def today_option(value: str | None):  # -> date (import kept lazy)
    """The --today option as a date: the day given, else the system date."""
    from riskgraph.clock import day_or_today

    return day_or_today(value, "--today")


def register_folder(path: Path | None) -> Path:
    """The register folder for --register PATH; the core's message gains the CLI's ways out."""
    from riskgraph.register import RegisterNotFoundError, find_register

    try:
        return find_register(path)
    except RegisterNotFoundError as exc:
        raise RegisterNotFoundError(
            f"{exc}; create one with 'riskgraph init PATH', or point to one with "
            "--register PATH (-r) or $RISKGRAPH_REGISTER"
        ) from None


def open_register(path: Path | None):  # -> Register (import kept lazy)
    """The register, with a warning on stderr for each local setting the shared register
    overrules."""
    from riskgraph.register import Register

    register = Register.open(register_folder(path))
    show_setting_notes(register)
    return register


def show_setting_notes(register) -> None:  # register: Register (import kept lazy)
    if register.setting_notes:
        from riskgraph.cli.output import err_console

        for note in register.setting_notes:
            err_console.print(f"warning: {note}", highlight=False, markup=False, soft_wrap=True)
