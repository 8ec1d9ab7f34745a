"""``riskgraph doctor``: say what is wrong with a register folder and, with --repair, fix it.

Only typer and the standard library load with this module; the command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption


def doctor(
    register: Path | None = RegisterOption,
    repair: bool = typer.Option(
        False,
        "--repair",
        help="Fix what can be fixed: restore a damaged or missing store from the last good "
        "copy in store-versions/, move damaged lock files aside.",
    ),
) -> None:
    """Check a register: its register.toml, lock files and store (every quad is read).

    Exits 0 when all is well (or was repaired), 1 when problems remain.
    Run it when another command says the register cannot be opened.

    Example:  riskgraph doctor -r my-register --repair
    """
    from riskgraph.cli.options import register_folder
    from riskgraph.cli.output import console, err_console, success
    from riskgraph.store.base import StoreError
    from riskgraph.store.health import repair as repair_folder

    folder = register_folder(register)
    findings = _findings(folder)
    if repair and any(f.repairable for f in findings):
        try:
            for step in repair_folder(folder):
                success(step)
        except StoreError as exc:
            err_console.print(f"[bold red]repair failed:[/] {exc}", highlight=False)
        findings = _findings(folder)
    if not findings:
        success(f"the register at {folder} is sound")
        return
    for finding in findings:
        err_console.print(f"[bold red]problem:[/] {finding.problem}", highlight=False)
        label = "--repair will" if finding.repairable else "to fix it"
        err_console.print(f"  [bold]{label}:[/] {finding.remedy}", highlight=False)
    if any(f.repairable for f in findings):
        console.print(f"run [bold]riskgraph doctor -r {folder} --repair[/] to fix what it can")
    raise typer.Exit(1)


def _findings(folder: Path) -> list:  # -> list[Finding]
    from riskgraph.config import CONFIG_FILE, load_config
    from riskgraph.errors import UserError
    from riskgraph.store.health import Finding, diagnose

    findings: list[Finding] = []
    try:
        if load_config(folder / CONFIG_FILE).general.backend == "sparql":
            return _remote_findings(folder)
    except UserError as exc:
        findings.append(
            Finding(
                f"{CONFIG_FILE} cannot be read: {exc}",
                f"correct {CONFIG_FILE} by hand (the message names the line or field); the "
                "store was checked anyway",
                False,
            )
        )
    return findings + diagnose(folder)


def _remote_findings(folder: Path) -> list:  # -> list[Finding]
    """A register on an endpoint: can it be read, and is it whole?"""
    from riskgraph.register import Register
    from riskgraph.store.base import StoreError, read_revision
    from riskgraph.store.health import Finding

    try:
        reg = Register.open(folder)
        with reg.reader() as store:
            read_revision(store)
    except StoreError as exc:
        return [
            Finding(
                f"the register on its endpoint cannot be read: {exc}",
                "check the endpoint; if a copy is incomplete, push the register again with "
                "'riskgraph push URL --replace' from a folder that holds it",
                False,
            )
        ]
    return []


def attach(app: typer.Typer) -> None:
    app.command()(doctor)
