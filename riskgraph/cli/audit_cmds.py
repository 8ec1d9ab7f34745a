"""Commands for governance leads and auditors: gaps (the coverage report) and verify (an export's
manifest against the register as it is now).

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, TodayOption, open_register, today_option

if TYPE_CHECKING:
    from pyoxigraph import QuerySolution
    from rich.console import Console

    from riskgraph.analysis.gaps import GapReport
    from riskgraph.queries import ParamValue
    from riskgraph.register import Register
    from riskgraph.results import ExportManifest
    from riskgraph.results.terms import AnyTerm
    from riskgraph.store.base import QueryResult, Term

FILE_TABLE_WIDTH = 120
"""Width of the table form when it is written to a file."""


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

    chosen = _gap_format(fmt, output)
    day = today_option(today)
    reg = open_register(register)
    with reg.reader() as store:
        report = run_gaps(reg, store, system=system, today=day)
    if output is None:
        _print_gaps(report, chosen)
    else:
        _save_gaps(report, chosen, output)
    if fail_on_gaps and report.total:
        raise typer.Exit(1)


def verify(
    manifest: Path = typer.Argument(
        ...,
        help="The export's manifest (FILE.manifest.json), the exported file, or an XLSX export.",
        show_default=False,
    ),
    timeout: float | None = typer.Option(
        None,
        "--timeout",
        help="Seconds the query may run. Default: queries.timeout_seconds in register.toml.",
        show_default=False,
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Rerun an export's query and check the result still matches its manifest.

    The query text and parameters come from the manifest. Exit 0 when the result (and the
    exported file, if present) match, 1 when anything differs, 2 for a bad manifest.

    Example:  riskgraph verify risks.csv.manifest.json
    """
    from riskgraph.cli.output import console

    outcome = _verify_export(manifest, open_register(register), timeout)
    _print_verification(outcome, console)
    if not outcome.matches:
        raise typer.Exit(1)


def _gap_format(fmt: str | None, output: Path | None) -> str:
    from riskgraph.cli.output import pick_format
    from riskgraph.results.outputs import GAPS

    return pick_format(GAPS, fmt, output).name


def _gap_text(report: GapReport, fmt: str) -> str:
    from riskgraph.analysis.gaps_format import gaps_csv, gaps_json, gaps_markdown

    if fmt == "json":
        return gaps_json(report)
    if fmt == "csv":
        return gaps_csv(report)
    return gaps_markdown(report)


def _print_gaps(report: GapReport, fmt: str) -> None:
    if fmt == "table":
        from riskgraph.cli.output import console

        print_gap_table(report, console)
        return
    sys.stdout.write(_gap_text(report, fmt))
    sys.stdout.flush()


def _save_gaps(report: GapReport, fmt: str, output: Path) -> None:
    from riskgraph.cli.output import err_console
    from riskgraph.results.streams import atomic_output

    if fmt == "table":
        import io

        from rich.console import Console

        buffer = io.StringIO()
        print_gap_table(report, Console(file=buffer, width=FILE_TABLE_WIDTH, no_color=True))
        text = buffer.getvalue()
    else:
        text = _gap_text(report, fmt)
    with atomic_output(output) as handle:
        handle.write(text.encode("utf-8"))
    err_console.print(
        f"wrote {report.total} gap(s) from {len(report.rules)} rule(s) to {output}",
        markup=False,
        highlight=False,
    )


def print_gap_table(report: GapReport, console: Console) -> None:
    """The report for a terminal: what was checked, the summary table, then each rule's items."""
    from rich.markup import escape
    from rich.table import Table

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
            table.add_column(column, overflow="fold")
        for row in rule.rows:
            table.add_row(*(escape(row.get(column) or "") for column in rule.columns))
        console.print(table)


# --- verify -----------------------------------------------------------------------------------

DIFF_ROW_LIMIT = 100_000
"""verify lists changed rows only for results up to this size (it holds them in memory)."""
ROWS_LISTED = 10
"""Changed rows verify prints, each way."""
_DIFFABLE_FORMATS = {"json": "JSON", "xml": "XML", "tsv": "TSV"}
"""Export formats that keep RDF terms, so the exported rows can be read back and compared."""


@dataclass
class _Verification:
    """What verify found: the manifest's record against the rerun and the file on disk."""

    manifest_file: str
    """Where the manifest was read: the sidecar, or the workbook's sheet."""
    manifest: ExportManifest
    register_sha256: str
    result_sha256: str
    row_count: int
    output: Path
    output_sha256: str | None
    """None when the exported file is not there."""
    gone: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    compared_rows: bool = False
    """True when the exported rows were read back and compared one by one."""
    notes: list[str] = field(default_factory=list)

    @property
    def register_changed(self) -> bool:
        return self.register_sha256 != self.manifest.register_sha256

    @property
    def result_matches(self) -> bool:
        return self.result_sha256 == self.manifest.result_sha256

    @property
    def output_matches(self) -> bool | None:
        if self.output_sha256 is None:
            return None
        return self.output_sha256 == self.manifest.output_sha256

    @property
    def matches(self) -> bool:
        return self.result_matches and self.output_matches is not False


def _verify_export(path: Path, reg: Register, timeout: float | None) -> _Verification:
    from riskgraph.errors import UserError
    from riskgraph.queries import parse_ad_hoc, run_query
    from riskgraph.results import output_sha256, read_manifest, register_hash
    from riskgraph.results.digest import digesting
    from riskgraph.results.manifest import MANIFEST_SUFFIX

    manifest = read_manifest(path)
    output = path.with_name(path.name.removesuffix(MANIFEST_SUFFIX))
    found = output_sha256(output) if output.is_file() else None
    params, bindings = _manifest_parameters(manifest, path)
    query = parse_ad_hoc(manifest.query, path=f"{path} (the manifest's query)")
    notes = _stored_query_notes(reg, manifest)
    time_limit = timeout if timeout is not None else reg.config.queries.timeout_seconds
    with reg.reader() as store:
        current = register_hash(store)
        with run_query(
            store, query, params, base_iri=reg.base_iri, limit=None, time_limit=time_limit
        ) as run:
            if dict(run.bindings) != bindings:
                raise UserError(
                    f"{path}: the manifest's parameters do not match what its query declares"
                )
            fed, digest = digesting(run.result)
            rows = _rerun_rows(fed, manifest)
            result_sha256 = digest.hexdigest()
    outcome = _Verification(
        _manifest_location(path),
        manifest,
        current,
        result_sha256,
        digest.count,
        output,
        found,
        notes=notes,
    )
    if rows is not None and not outcome.result_matches and outcome.output_matches:
        _compare_rows(outcome, rows, reg.base_iri)
    return outcome


def _manifest_location(path: Path) -> str:
    """Where ``read_manifest`` found the manifest of ``path``."""
    from riskgraph.results import sidecar_path
    from riskgraph.results.manifest import MANIFEST_SUFFIX

    if path.name.endswith(MANIFEST_SUFFIX):
        return str(path)
    if sidecar_path(path).exists():
        return str(sidecar_path(path))
    return f"{path} (its 'manifest' sheet)"


def _manifest_parameters(
    manifest: ExportManifest, path: Path
) -> tuple[dict[str, ParamValue], dict[str, Term]]:
    """The parameters as the runner takes them, and the terms they must bind to."""
    import pyoxigraph as ox

    from riskgraph.errors import InputError, UserError
    from riskgraph.results import decode_parameters

    try:
        bindings = decode_parameters(manifest.parameters)
    except InputError as exc:
        raise UserError(f"{path}: {exc}") from None
    params: dict[str, ParamValue] = {}
    for name, term in bindings.items():
        if isinstance(term, ox.BlankNode):
            raise UserError(f"{path}: parameter {name!r} is a blank node, which cannot be bound")
        params[name] = term if isinstance(term, ox.NamedNode) else term.value
    return params, dict(bindings)


def _stored_query_notes(reg: Register, manifest: ExportManifest) -> list[str]:
    from riskgraph.queries import load_library

    name = manifest.query_name
    if name is None:
        return []
    library = load_library(reg.queries_dir)
    if name in library and library.get(name).sparql != manifest.query:
        return [
            f"the stored query {name!r} has changed since the export; "
            "verify reran the text recorded in the manifest"
        ]
    return []


def _rerun_rows(result: QueryResult, manifest: ExportManifest) -> Counter[str] | None:
    """Consume the rerun; keep its rows (canonical text) when they can be compared."""
    from riskgraph.store.base import GraphResult, SelectResult

    if isinstance(result, GraphResult):
        for _ in result.triples:
            pass
        return None
    if not isinstance(result, SelectResult):
        return None
    kept: Counter[str] | None = Counter() if _diffable(manifest) else None
    for count, row in enumerate(result.rows, start=1):
        if kept is None:
            continue
        if count > 2 * DIFF_ROW_LIMIT:
            kept = None  # too many to hold; the digest still sees every row
            continue
        kept[_row_key([row.get(v) for v in manifest.variables])] += 1
    return kept


def _diffable(manifest: ExportManifest) -> bool:
    return (
        manifest.output_format in _DIFFABLE_FORMATS
        and manifest.result_kind.value == "select"
        and manifest.row_count <= DIFF_ROW_LIMIT
    )


def _compare_rows(outcome: _Verification, now: Counter[str], base_iri: str) -> None:
    """Read the exported rows back and list those that are gone or new."""
    import pyoxigraph as ox

    manifest = outcome.manifest
    fmt = getattr(ox.QueryResultsFormat, _DIFFABLE_FORMATS[manifest.output_format])
    try:
        solutions = ox.parse_query_results(path=str(outcome.output), format=fmt)
    except (SyntaxError, ValueError, OSError):
        return
    if not isinstance(solutions, ox.QuerySolutions):
        return
    then: Counter[str] = Counter()
    for solution in solutions:
        then[_row_key([_solution_value(solution, v) for v in manifest.variables])] += 1
    outcome.gone = [_row_display(key, manifest.variables, base_iri) for key in then - now]
    outcome.new = [_row_display(key, manifest.variables, base_iri) for key in now - then]
    outcome.compared_rows = True


def _solution_value(solution: QuerySolution, name: str) -> AnyTerm | None:
    try:
        value: AnyTerm | None = solution[name]
    except (KeyError, IndexError):
        return None
    return value


def _row_key(terms: list[AnyTerm | None]) -> str:
    """A row as text that is the same in the export and the rerun (blank nodes as ``_:``)."""
    from riskgraph.results.digest import canonical_term

    return "\t".join(canonical_term(term) for term in terms)


def _row_display(key: str, variables: list[str], base_iri: str) -> str:
    """A row key as ``var=value`` pairs, IRIs shortened as in gap reports."""
    parts = []
    for name, text in zip(variables, key.split("\t"), strict=True):
        if text:
            parts.append(f"{name}={_cell_display(text, base_iri)}")
    return ", ".join(parts) or "(all unbound)"


def _cell_display(text: str, base_iri: str) -> str:
    import pyoxigraph as ox

    from riskgraph.analysis.gaps import display_value

    if text == "_:":
        return "(blank node)"
    try:
        triple = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", ox.RdfFormat.N_TRIPLES)))
    except (SyntaxError, StopIteration):
        return text
    term = triple.object
    if isinstance(term, ox.Triple):
        return text
    return display_value(term, base_iri) or ""


def _print_verification(outcome: _Verification, console: Console) -> None:
    manifest = outcome.manifest

    def line(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    what = f"stored query {manifest.query_name!r}" if manifest.query_name else "an ad-hoc query"
    exported = manifest.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    line(f"manifest: {outcome.manifest_file} ({what}, exported {exported})")
    for note in outcome.notes:
        line(f"note: {note}")
    if outcome.register_changed:
        line("register: changed since the export (its SHA-256 differs)")
    else:
        line("register: unchanged since the export")
    unit = "triples" if manifest.result_kind.value == "graph" else "rows"
    if outcome.result_matches:
        line(f"result:   matches ({outcome.row_count} {unit})")
    else:
        line(f"result:   differs: {manifest.row_count} {unit} at export, {outcome.row_count} now")
        if outcome.compared_rows:
            _list_rows(line, "gone since the export", outcome.gone)
            _list_rows(line, "new since the export", outcome.new)
    if outcome.output_matches is None:
        line(f"file:     {outcome.output} is not there; only the result was checked")
    elif outcome.output_matches:
        line(f"file:     {outcome.output} is unchanged since the export")
    else:
        line(f"file:     {outcome.output} was modified after the export")
    if outcome.matches:
        console.print("[green]✓ the export still matches the register[/]", highlight=False)
    else:
        console.print("[red]✗ the export no longer matches[/]", highlight=False)


def _list_rows(line: Callable[[str], None], label: str, rows: list[str]) -> None:
    if not rows:
        return
    line(f"  {len(rows)} row(s) {label}:")
    for row in rows[:ROWS_LISTED]:
        line(f"    {row}")
    if len(rows) > ROWS_LISTED:
        line(f"    ... and {len(rows) - ROWS_LISTED} more")


def attach(app: typer.Typer) -> None:
    app.command()(gaps)
    app.command()(verify)
