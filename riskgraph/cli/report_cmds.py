"""Commands that write audit documents: soa (Statement of Applicability) and report (HTML)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, TodayOption, open_register, today_option


def soa(
    register: Path | None = RegisterOption,
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="xlsx, csv, md or html. Default: from the --output extension, else md.",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="File to write. Default: standard output (xlsx needs a file).",
        show_default=False,
    ),
    today: str | None = TodayOption,
) -> None:
    """Write the Statement of Applicability: every Annex A control, whether it applies and why,
    its implementation status, implementing controls, related risks and evidence.

    Example:  riskgraph soa -o soa.xlsx
    """
    from riskgraph.analysis.report.soa_formats import write_soa
    from riskgraph.analysis.soa import statement_of_applicability
    from riskgraph.cli.output import pick_format
    from riskgraph.errors import UserError
    from riskgraph.results.outputs import SOA
    from riskgraph.results.streams import atomic_output

    chosen = pick_format(SOA, fmt, output)
    name = chosen.name
    day = today_option(today)
    if output is None and chosen.binary:
        raise UserError(f"{name} is a binary format; write it to a file, e.g. -o soa.{name}")
    reg = open_register(register)
    with reg.reader() as store:
        statement = statement_of_applicability(reg, store, today=day)
    if output is None:
        write_soa(statement, name, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    with atomic_output(output) as handle:
        write_soa(statement, name, handle)
    _report_written(output, f"Statement of Applicability ({name}), {len(statement.rows)} rows")


def report(
    register: Path | None = RegisterOption,
    output: Path = typer.Option(
        Path("report.html"),
        "--output",
        "-o",
        help="The HTML file to write (.html or .htm; for a PDF, print the page from a browser).",
    ),
    today: str | None = TodayOption,
    diff_from: str | None = typer.Option(
        None,
        "--diff-from",
        metavar="SNAPSHOT",
        help="Add a section of what changed since this snapshot (see 'riskgraph diff').",
        show_default=False,
    ),
    diff_to: str | None = typer.Option(
        None,
        "--diff-to",
        metavar="SNAPSHOT|now",
        help="The later state of that section: a snapshot, or now (default).",
        show_default=False,
    ),
) -> None:
    """Write the audit report: one self-contained HTML page (works offline) with summary
    figures, risk heatmaps, Annex A coverage, the gap lists and the Statement of Applicability.

    With --diff-from, the report also shows what changed between two snapshots (or a snapshot
    and now), as riskgraph diff does.

    Example:  riskgraph report -o audit.html --diff-from 2026-03-internal-audit
    """
    from riskgraph.analysis.report.builder import build_report
    from riskgraph.analysis.report.render import render_report
    from riskgraph.errors import UserError
    from riskgraph.results.outputs import REPORT
    from riskgraph.results.streams import atomic_output
    from riskgraph.snapshots import NOW, diff_snapshots

    REPORT.choose(None, output)  # refuses report.pdf before any work
    day = today_option(today)
    if diff_to is not None and diff_from is None:
        raise UserError("--diff-to needs --diff-from: name the earlier snapshot too")
    reg = open_register(register)
    changes = diff_snapshots(reg, diff_from, diff_to or NOW) if diff_from is not None else None
    with reg.reader() as store:
        audit = build_report(reg, store, today=day, diff=changes)
    html = render_report(audit)
    with atomic_output(output) as handle:
        handle.write(html.encode("utf-8"))
    changed = f", {len(changes.entities)} changed entities" if changes is not None else ""
    _report_written(output, f"audit report, {audit.gaps.total} gaps{changed}")


def _report_written(path: Path, what: str) -> None:
    from riskgraph.cli.output import err_console

    err_console.print(f"[green]✓[/] wrote {what} to ", end="", highlight=False)
    err_console.print(str(path), markup=False, highlight=False)


def attach(app: typer.Typer) -> None:
    app.command()(soa)
    app.command()(report)
