"""Commands about the register as a whole: init, stats, validate."""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register


def init(
    path: Path = typer.Argument(..., help="Folder to create the register in (new or empty)."),
    example: bool = typer.Option(False, "--example", help="Load the Harbourline example register."),
    name: str | None = typer.Option(None, "--name", help="Display name of the register."),
    base_iri: str | None = typer.Option(
        None, "--base-iri", help="Base of entity IRIs, e.g. https://acme.example/ai-register/."
    ),
) -> None:
    """Create a register folder with its store and register.toml.

    Example:  riskgraph init my-register --example
    """
    from riskgraph.cli.output import console, success
    from riskgraph.register import init_register

    register = init_register(path, name=name, base_iri=base_iri, with_example=example)
    success(f"created register {register.display_name!r} in {path}")
    console.print(
        f"next: [bold]cd {path}[/] and run [bold]riskgraph stats[/] or [bold]riskgraph gaps[/]"
    )


def stats(register: Path | None = RegisterOption) -> None:
    """Count what the register holds, by type, with risk levels and revision.

    Example:  riskgraph stats -r my-register
    """
    from rich.table import Table

    from riskgraph.analysis.stats import register_stats
    from riskgraph.cli.output import console

    reg = open_register(register)
    with reg.reader() as store:
        figures = register_stats(store, reg.config)
    table = Table(title=f"{reg.display_name}  (revision {figures.revision})", show_header=True)
    table.add_column("entity type")
    table.add_column("count", justify="right")
    for kind, count in figures.counts.items():
        table.add_row(kind, str(count))
    console.print(table)
    if figures.levels:
        levels = Table(title="risks by inherent level")
        levels.add_column("level")
        levels.add_column("risks", justify="right")
        for level, count in figures.levels.items():
            levels.add_row(level, str(count))
        console.print(levels)
    console.print(
        f"{figures.triples} triples in the register graph; appetite: {reg.config.risk.appetite}"
    )


def validate(
    register: Path | None = RegisterOption,
    show_info: bool = typer.Option(False, "--info", help="Also list Info results."),
) -> None:
    """Check the register against the SHACL shapes. Exits 1 when there are violations.

    Example:  riskgraph validate -r my-register
    """
    from riskgraph.cli.output import console
    from riskgraph.validation import validate_store

    reg = open_register(register)
    with console.status("validating…"), reg.reader() as store:
        report = validate_store(store)
    colours = {"Violation": "red", "Warning": "yellow", "Info": "blue"}
    for severity, colour in colours.items():
        issues = report.by_severity(severity)
        if not issues or (severity == "Info" and not show_info):
            continue
        console.print(f"\n[bold {colour}]{severity}s ({len(issues)})[/]")
        for issue in issues:
            field = f" [dim]{issue.path}[/]" if issue.path else ""
            console.print(f"  [bold]{issue.focus}[/]{field}: {issue.message}", highlight=False)
    counts = report.counts()
    summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
    if report.conforms:
        console.print(f"\n[green]✓ the register conforms[/] ({summary})")
    else:
        console.print(f"\n[red]✗ the register does not conform[/] ({summary})")
        raise typer.Exit(1)


def attach(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(stats)
    app.command()(validate)
