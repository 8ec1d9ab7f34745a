"""Commands for the certification journey: readiness (per stage, what is done and what is
missing) and trust-report (the public page for customers).

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, TodayOption, open_register, today_option

if TYPE_CHECKING:
    from rich.console import Console

    from riskgraph.analysis.readiness import Readiness


def readiness(
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="table, json or md. Default: from the -o file's extension, else table.",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the readiness report to this file.", show_default=False
    ),
    today: str | None = TodayOption,
    register: Path | None = RegisterOption,
) -> None:
    """Certification readiness: per stage of the ISO/IEC 42001 journey, what the register shows
    as done and what is missing, and which data each criterion looked at.

    The stages: gap analysis, implementation, internal audit, certification audit, surveillance.

    Example:  riskgraph readiness --today 2026-11-22 -o readiness.md
    """
    from riskgraph.analysis.readiness import readiness as build
    from riskgraph.analysis.readiness import readiness_json, readiness_markdown
    from riskgraph.cli.output import emit_report, pick_format
    from riskgraph.results.outputs import READINESS

    chosen = pick_format(READINESS, fmt, output).name
    day = today_option(today)
    reg = open_register(register)
    with reg.reader() as store:
        report = build(reg, store, today=day)
    done = sum(1 for stage in report.stages if stage.state == "done")
    emit_report(
        report,
        chosen,
        output,
        draw=print_readiness,
        forms={"json": readiness_json, "md": readiness_markdown},
        wrote=f"wrote readiness ({done} of {len(report.stages)} stages done) to {output}",
    )


def print_readiness(report: Readiness, console: Console) -> None:
    """The readiness report for a terminal: one table per stage."""
    from rich.markup import escape
    from rich.table import Table

    console.print(
        f"[bold]Certification readiness: {escape(report.register_name)}[/]", highlight=False
    )
    console.print(f"today {report.today.isoformat()}", highlight=False)
    colours = {"done": "green", "in progress": "yellow", "not started": "red"}
    for stage in report.stages:
        colour = colours[str(stage.state)]
        table = Table(
            title=f"{escape(stage.title)}: [{colour}]{stage.state}[/]", title_justify="left"
        )
        table.add_column("criterion")
        table.add_column("met")
        table.add_column("the register shows", overflow="fold")
        table.add_column("missing", overflow="fold")
        table.add_column("looked at", overflow="fold")
        for c in stage.criteria:
            table.add_row(
                escape(c.name),
                "[green]yes[/]" if c.met else "[red]no[/]",
                escape(c.shows),
                escape(", ".join(c.missing)),
                escape(c.looked_at),
            )
        console.print(table)


def trust_report(
    output: Path = typer.Option(
        Path("trust.html"),
        "--output",
        "-o",
        help="The HTML file to write (.html or .htm).",
    ),
    dry_run: bool = typer.Option(
        False,
        "--dry-run",
        help="List every field that would be published (entity, field, value); write nothing.",
    ),
    today: str | None = TodayOption,
    register: Path | None = RegisterOption,
) -> None:
    """Write the trust report: a public, self-contained HTML page for customers, with only
    what the register marks public.

    It shows the AI systems marked public (rg:public true) and what they are for, how they are
    governed (Annex A coverage per area, from the Statement of Applicability), the
    certification status from the audits, when the register was last reviewed, and the
    register hash. People, e-mails, risks, evidence and findings never appear unless marked
    public.

    Example:  riskgraph trust-report --dry-run
    """
    from riskgraph.analysis.trust import trust_report as build
    from riskgraph.analysis.trust import write_trust_report
    from riskgraph.cli.output import console
    from riskgraph.results.outputs import TRUST_REPORT

    TRUST_REPORT.choose(None, output)  # refuses trust.pdf before any work
    day = today_option(today)
    reg = open_register(register)
    if not dry_run:
        from riskgraph.cli.report_cmds import _report_written

        written = write_trust_report(reg, output, today=day)
        _report_written(output, f"trust report, {len(written.systems)} public AI systems")
        return
    from rich.table import Table
    from rich.text import Text

    with reg.reader() as store:
        report = build(reg, store, today=day)
    table = Table(title="Would be published (nothing written)", title_justify="left")
    for column in ("entity", "field", "value"):
        table.add_column(column, overflow="fold")
    for item in report.published:
        table.add_row(Text(item.entity), Text(item.field), Text(item.value))
    console.print(table, markup=False, highlight=False)
    console.print(f"{len(report.published)} fields", markup=False, highlight=False)


def attach(app: typer.Typer) -> None:
    app.command()(readiness)
    app.command("trust-report")(trust_report)
