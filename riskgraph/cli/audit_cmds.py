"""Commands for governance leads and auditors: gaps (the coverage report) and verify (an export's
manifest against the register as it is now).

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import (
    RegisterOption,
    TimeoutOption,
    TodayOption,
    open_register,
    today_option,
)

if TYPE_CHECKING:
    from rich.console import Console

    from riskgraph.analysis.gaps import GapReport
    from riskgraph.analysis.verify import Verification


def gaps(
    system: str | None = typer.Option(
        None,
        "--system",
        "-s",
        help="Only gaps concerning this AI system (ID); organisation-wide rules are left out.",
        show_default=False,
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="table, json, csv or md. Default: from the -o file's extension, else table.",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file.", show_default=False
    ),
    today: str | None = TodayOption,
    fail_on_gaps: bool = typer.Option(
        False, "--fail-on-gaps", help="Exit 1 when any gap is found (for CI pipelines)."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Coverage report: summary figures first, then the gaps each rule found.

    Rules are the stored queries tagged 'gaps' (riskgraph query list --tag gaps):
    Annex A controls not implemented, clauses without evidence, risks above appetite
    without approved treatment or control, controls without owner or current evidence,
    AI systems without impact assessment, overdue reviews, controls mitigating nothing,
    open findings without corrective action.
    Gaps are findings, not errors: the exit code is 0 unless --fail-on-gaps.

    Example:  riskgraph gaps --today 2026-11-22 --format md -o gaps.md
    """
    from riskgraph.analysis.gaps import run_gaps
    from riskgraph.analysis.gaps_format import gaps_csv, gaps_json, gaps_markdown
    from riskgraph.cli.output import emit_report, pick_format
    from riskgraph.results.outputs import GAPS

    chosen = pick_format(GAPS, fmt, output).name
    day = today_option(today)
    reg = open_register(register)
    with reg.reader() as store:
        report = run_gaps(reg, store, system=system, today=day)
    emit_report(
        report,
        chosen,
        output,
        draw=print_gap_table,
        forms={"json": gaps_json, "csv": gaps_csv, "md": gaps_markdown},
        wrote=f"wrote {report.total} gap(s) from {len(report.rules)} rule(s) to {output}",
    )
    if fail_on_gaps and report.total:
        raise typer.Exit(1)


def verify(
    manifest: Path = typer.Argument(
        ...,
        help="The export's manifest (FILE.manifest.json), the exported file, or an XLSX export.",
        show_default=False,
    ),
    timeout: float | None = TimeoutOption,
    register: Path | None = RegisterOption,
) -> None:
    """Rerun an export's query and check the result still matches its manifest.

    The query text and parameters come from the manifest. Exit 0 when the result (and the
    exported file, if present) match, 1 when anything differs, 2 for a bad manifest.

    Example:  riskgraph verify risks.csv.manifest.json
    """
    from riskgraph.analysis.verify import verify_export
    from riskgraph.cli.output import console

    outcome = verify_export(manifest, open_register(register), timeout)
    _print_verification(outcome, console)
    if not outcome.matches:
        raise typer.Exit(1)


def print_gap_table(report: GapReport, console: Console) -> None:
    """The report for a terminal: what was checked, the summary table, then each rule's items."""
    from rich.markup import escape
    from rich.table import Table

    from riskgraph.results.headings import heading

    scope = f"AI system {report.system}" if report.system else "whole register"
    console.print(f"[bold]Gap report: {escape(report.register_name)}[/]", highlight=False)
    console.print(
        f"today {report.today.isoformat()} · appetite {report.appetite} · {escape(scope)}",
        highlight=False,
    )
    summary = Table(title="Summary", title_justify="left")
    summary.add_column("rule")
    summary.add_column("gaps", justify="right")
    for rule in report.rules:
        colour = "red" if rule.count else "green"
        summary.add_row(escape(rule.title), f"[{colour}]{rule.count}[/]")
    summary.add_row("[bold]total[/]", f"[bold]{report.total}[/]")
    console.print(summary)
    if report.omitted:
        console.print(
            "not run for one AI system (organisation-wide): " + ", ".join(report.omitted),
            highlight=False,
        )
    for rule in report.rules:
        if not rule.count:
            continue
        table = Table(title=f"{escape(rule.title)} ({rule.name})", title_justify="left")
        for column in rule.columns:
            table.add_column(heading(column), overflow="fold")
        for row in rule.rows:
            table.add_row(*(escape(row.get(column) or "") for column in rule.columns))
        console.print(table)


def _print_verification(outcome: Verification, console: Console) -> None:
    for text in outcome.describe():
        console.print(text, markup=False, highlight=False, soft_wrap=True)
    if outcome.matches:
        console.print("[green]✓ the export still matches the register[/]", highlight=False)
    else:
        console.print("[red]✗ the export no longer matches[/]", highlight=False)


def attach(app: typer.Typer) -> None:
    app.command()(gaps)
    app.command()(verify)
