"""Commands that move register data in and out of files: import, export."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import typer

from riskgraph.cli.options import RegisterOption, open_register

PROGRESS_DELAY_SECONDS = 1.0
"""Jobs that finish sooner than this never show a progress bar."""
SHAPE_WARNINGS_LISTED = 10
"""Warnings of the shapes an import lists (the rest are counted; notes are left to validate)."""
DRY_RUN_LISTED = 20
"""IDs to add that a dry run lists by name (changes are always all listed)."""


class ProgressBar:
    """A rich progress bar on stderr that appears only once a job has run for a second.

    Nothing is drawn when stderr is not a terminal, so piped output and tests stay clean.
    """

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TaskProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        from riskgraph.cli.output import err_console

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self._task: Any = None
        self._started = self._closed = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(PROGRESS_DELAY_SECONDS, self._start)
        self._timer.daemon = True

    def _start(self) -> None:
        with self._lock:
            if not self._closed:
                self._started = True
                self._bar.start()

    def __enter__(self) -> ProgressBar:
        if self._bar.console.is_terminal:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._started:
                self._bar.stop()

    def phase(self, description: str, total: float | None = None) -> None:
        from rich.markup import escape

        if self._task is not None:
            self._bar.remove_task(self._task)
        self._task = self._bar.add_task(escape(description), total=total)

    def advance(self, amount: float = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, amount)


def _print_error(message: str) -> None:
    from riskgraph.cli.output import err_console

    err_console.print("[bold red]error:[/] ", end="", highlight=False)
    _print_line(message)


def _print_line(text: str, *, stdout: bool = False) -> None:
    """Text exactly as given: no markup (file names and values may hold brackets), no wrapping."""
    from riskgraph.cli.output import console, err_console

    target = console if stdout else err_console
    target.print(text, markup=False, highlight=False, soft_wrap=True)


def import_(
    file: Path = typer.Argument(
        ...,
        help="CSV, XLSX, YAML, JSON, Turtle, TriG, JSON-LD, N-Triples or N-Quads file.",
        show_default=False,
    ),
    mapping: Path | None = typer.Option(
        None,
        "--mapping",
        "-m",
        help="Mapping file (YAML) for a CSV/XLSX that is not in riskgraph's template layout.",
        show_default=False,
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        "-k",
        help="CSV/XLSX template: the kind of rows (risk, system, ...) when the file does not say.",
        show_default=False,
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help="Format, when the extension does not tell.", show_default=False
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would be added or changed; write nothing."
    ),
    skip_bad_rows: bool = typer.Option(
        False,
        "--skip-bad-rows",
        help="Import the good rows and report the bad ones (default: any bad row stops it all).",
    ),
    nexus: bool = typer.Option(
        False,
        "--nexus",
        help="FILE is IBM AI Atlas Nexus data (its knowledge_graph folder or incidents YAML): "
        "import its AI incidents, linked to the register risks matching the Nexus risks they "
        "realised (the ai-atlas-nexus library must be loaded).",
    ),
    system: list[str] | None = typer.Option(
        None,
        "--system",
        help="With --nexus: the AI system(s) to record the incidents against (repeatable).",
        show_default=False,
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Import register data from a file: all of it, or nothing. Existing IDs are updated.

    Example:  riskgraph import risks.xlsx -r my-register --dry-run
    Example:  riskgraph import ai-atlas-nexus/knowledge_graph --nexus --system SYS-CHATBOT
    """
    from riskgraph.cli.output import fail_on
    from riskgraph.errors import RiskgraphError
    from riskgraph.io.importer import ImportOptions, import_file

    if nexus:
        _import_nexus(file, system or [], dry_run=dry_run, register=register)
        return
    if system:
        from riskgraph.cli.output import fail

        fail("--system goes with --nexus (the AI system Nexus incidents are recorded against)")

    options = ImportOptions(
        format=fmt, kind=kind, mapping=mapping, dry_run=dry_run, skip_bad_rows=skip_bad_rows
    )
    try:
        reg = open_register(register)
        with ProgressBar() as progress:
            report = import_file(reg, file, options, progress)
    except RiskgraphError as exc:
        fail_on(exc, "nothing was imported")
    _show_import(report)


def _import_nexus(file: Path, systems: list[str], *, dry_run: bool, register: Path | None) -> None:
    from riskgraph.cli.output import console, fail_on
    from riskgraph.errors import RiskgraphError
    from riskgraph.io.nexus_incidents import import_nexus_incidents

    try:
        reg = open_register(register)
        report = import_nexus_incidents(reg, file, systems=systems, dry_run=dry_run)
    except RiskgraphError as exc:
        fail_on(exc, "nothing was imported")
    verb = "would add" if report.dry_run else "added"
    for incident in report.incidents:
        risks = ", ".join(incident.realised_risks) or "no register risk"
        _print_line(f"  + {incident.id} {incident.title} -> {risks}", stdout=True)
    for nexus_id, entity_id in sorted(report.already.items()):
        _print_line(f"  = {nexus_id}: imported before as {entity_id}, left as it is", stdout=True)
    for risk, matches in sorted(report.matches.items()):
        for match in matches:
            via = f" via {' -> '.join(match.via)}" if match.via else ""
            _print_line(f"  {risk} ~ {match.risk_id} ({match.predicate}{via})", stdout=True)
    if report.unmatched:
        _print_line(
            f"{len(report.unmatched)} Nexus risk(s) match no register risk: "
            + ", ".join(report.unmatched),
            stdout=True,
        )
    done = "nothing was written" if report.dry_run else f"register revision {report.revision}"
    if not report.dry_run:
        console.print("[green]✓[/] ", end="", highlight=False)
    _print_line(
        f"{report.file}: {verb} {len(report.incidents)} incident(s), "
        f"{len(report.already)} imported before; {done}",
        stdout=True,
    )


def _show_import(report: Any) -> None:
    from riskgraph.cli.output import console

    plan = report.plan
    for note in report.read.notes:
        _print_line(f"note: {note}")
    warnings = [i for i in report.shape_notes if i.severity == "Warning"]
    for issue in warnings[:SHAPE_WARNINGS_LISTED]:
        _print_line(f"warning: {issue.focus}: {issue.message}")
    if len(warnings) > SHAPE_WARNINGS_LISTED:
        more = len(warnings) - SHAPE_WARNINGS_LISTED
        _print_line(f"... and {more} more warning(s); validate lists them all")
    if report.skipped:
        _print_line(f"{report.bad_records} bad record(s) skipped:")
        for error in report.skipped:
            _print_line(f"  - {error.render()}")
    if report.dry_run:
        _print_line(
            f"dry run of {report.file}: would add {len(plan.added)}, change {len(plan.changed)}, "
            f"leave {len(plan.unchanged)} unchanged; nothing was written",
            stdout=True,
        )
        for entity_id, lines in plan.changed.items():
            _print_line(f"  ~ {entity_id}: " + "; ".join(lines), stdout=True)
        for entity_id in plan.added[:DRY_RUN_LISTED]:
            _print_line(f"  + {entity_id}", stdout=True)
        if len(plan.added) > DRY_RUN_LISTED:
            _print_line(f"  + ... and {len(plan.added) - DRY_RUN_LISTED} more", stdout=True)
        return
    extra = f", {report.extra_triples} other triple(s) kept" if report.extra_triples else ""
    revision = f"; register revision {report.revision}" if report.revision is not None else ""
    console.print("[green]✓[/] ", end="", highlight=False)
    _print_line(
        f"imported {report.file}: {len(plan.added)} added, {len(plan.changed)} changed, "
        f"{len(plan.unchanged)} unchanged{extra}{revision}",
        stdout=True,
    )


def export(
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help=(
            "ttl, trig, jsonld, nt, nq, csv or xlsx; graphml, gexf or dot for graph tools "
            "(yEd, Gephi, Graphviz). Default: from the -o file's extension."
        ),
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write. Default: standard output.", show_default=False
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        "-k",
        help="CSV (required) / XLSX: the kind of entity to write (risk, system, ...).",
        show_default=False,
    ),
    everything: bool = typer.Option(
        False, "--all", help="RDF: also the ontology, catalogue and bookkeeping graphs."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Export the register as RDF, as the spreadsheet template (CSV per kind, XLSX), or as a
    graph for yEd, Gephi or Graphviz (GraphML, GEXF, DOT).

    Example:  riskgraph export -o register.ttl -r my-register
    """
    from riskgraph.analysis.graph_export import export_register_graph, graph_format
    from riskgraph.cli.output import fail_on
    from riskgraph.errors import RiskgraphError, UserError
    from riskgraph.io.exporter import ExportOptions, export_format, export_register

    if (graph_fmt := graph_format(output, fmt)) is not None:
        if kind is not None or everything:
            raise UserError("--kind and --all are for register exports, not graph formats")
        stats = export_register_graph(open_register(register), graph_fmt, output, sys.stdout.buffer)
        if output is not None:
            from riskgraph.cli.output import success

            success(f"wrote {stats.nodes} nodes and {stats.edges} edges to {output}")
        return
    options = ExportOptions(format=fmt, output=output, kind=kind, everything=everything)
    try:
        if output is None and export_format(options).binary and sys.stdout.isatty():
            raise UserError("XLSX is a binary format: give -o FILE.xlsx (or pipe the output)")
        reg = open_register(register)
        with ProgressBar() as progress:
            report = export_register(reg, options, sys.stdout.buffer, progress)
    except RiskgraphError as exc:
        fail_on(exc, "nothing was exported")
    if output is not None:
        from riskgraph.cli.output import success

        unit = "triples" if report.format.is_rdf else "entities"
        success(f"wrote {report.count} {unit} to {output}")


def attach(app: typer.Typer) -> None:
    app.command("import")(import_)
    app.command()(export)
