"""``riskgraph query``: list, show and run stored SPARQL queries, or ad-hoc ones.

Queries are read-only (UPDATE, LOAD and SERVICE are refused before anything runs), parameters
are bound as values (never pasted into the text), and every run has a time limit. The screen
shows at most the display limit; ``-o FILE`` writes every row, with an audit manifest.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

    from riskgraph.queries import QueryLibrary, StoredQuery
    from riskgraph.register import Register
    from riskgraph.results import ExportFormat, ResultKind
    from riskgraph.store.base import QueryResult, Store

PROGRESS_DELAY_SECONDS = 1.0
"""Exports that finish sooner than this never show the spinner."""
QUERY_FILE_SUFFIXES = (".rq", ".sparql")
"""A query argument ending so (or holding a path separator) is a file; anything else a name."""
WIDE_LIST = 140
"""Terminal width from which 'query list' draws a table rather than a block per query."""

query_app = typer.Typer(
    name="query",
    help="Stored SPARQL queries (built-in and the register's queries/ folder): list, show, run.",
    no_args_is_help=True,
)


@query_app.command("list")
def list_queries(
    tag: str | None = typer.Option(
        None,
        "--tag",
        "-t",
        help="Only queries with this tag, e.g. gaps or audit.",
        show_default=False,
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    register: Path | None = RegisterOption,
) -> None:
    """List the stored queries: name, title, tags, parameters and source.

    Outside a register (and without --register) only the built-in queries are listed.

    Example:  riskgraph query list --tag gaps
    """
    from riskgraph.errors import InputError

    if fmt not in ("table", "json"):
        raise InputError("unknown format for query list", value=fmt, expected="table or json")
    library = _library(register, required=False)
    queries = [q for q in library if tag is None or tag in q.tags]
    if fmt == "json":
        import json

        records = [_query_record(q) for q in queries]
        sys.stdout.write(json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_query_table(queries)
    _warn_broken(library)


@query_app.command("show")
def show(
    name: str = typer.Argument(..., help="Query name, or a .rq file.", show_default=False),
    register: Path | None = RegisterOption,
) -> None:
    """Show a stored query: its header (title, description, parameters, tags) and its SPARQL.

    Example:  riskgraph query show overdue-reviews
    """
    from rich.markup import escape
    from rich.syntax import Syntax
    from rich.table import Table

    from riskgraph.cli.output import console

    query = _stored_query(name, None, register)
    console.print(f"[bold]{escape(query.name)}[/]  ({escape(_source(query))})", highlight=False)
    console.print(escape(query.title), highlight=False)
    if query.description:
        console.print(f"[dim]{escape(query.description)}[/]", highlight=False)
    if query.tags:
        console.print("tags: " + ", ".join(query.tags), highlight=False, markup=False)
    if query.parameters:
        table = Table(title="parameters", title_justify="left")
        for column in ("name", "type", "default", "description"):
            table.add_column(column, overflow="fold")
        for param in query.parameters:
            default = param.default or ("(optional)" if param.optional else "(required)")
            table.add_row(
                *(escape(v) for v in (param.name, param.type, default, param.description))
            )
        console.print(table)
    console.print(Syntax(query.sparql, "sparql", line_numbers=True, word_wrap=True))


@query_app.command("run")
def run(
    target: str | None = typer.Argument(
        None, help="Stored query name, or a .rq file.", metavar="[NAME|FILE.rq]", show_default=False
    ),
    expression: str | None = typer.Option(
        None, "--expression", "-e", help="Ad-hoc SPARQL text to run.", show_default=False
    ),
    param: list[str] | None = typer.Option(
        None,
        "--param",
        "-p",
        help="Parameter value, NAME=VALUE (repeatable). Bound as a value, never pasted.",
        show_default=False,
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="csv, tsv, json, xml, ndjson, markdown, xlsx, text, turtle, ntriples, jsonld, rdfxml "
        "or table. Default: from the -o file's extension; else table (turtle for CONSTRUCT).",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write every row to this file.", show_default=False
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        "-n",
        min=0,
        help="Rows to show (0: all). Default: queries.display_limit in register.toml.",
        show_default=False,
    ),
    timeout: float | None = TimeoutOption,
    today: str | None = TodayOption,
    manifest: bool = typer.Option(
        True,
        "--manifest/--no-manifest",
        help="With -o: write the audit manifest (FILE.manifest.json, or a sheet in XLSX).",
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Run a stored query, a .rq file, or ad-hoc SPARQL (-e). Read-only queries only.

    Example:  riskgraph query run overdue-reviews -p today=2026-11-22 -o overdue.csv
    """
    from riskgraph.queries import check_read_only

    params = parse_params(param or [])
    day = today_option(today)
    refuse_limit_with_output(output, limit, " (put a LIMIT in the query for a sample)")
    reg = open_register(register)
    query = _stored_query(target, expression, register, reg)
    kind = _kind(check_read_only(query.sparql, query.origin))
    chosen = _format(fmt, output, kind)
    time_limit = query_time_limit(reg, timeout)
    show_or_export(reg, query, params, day, chosen, output, limit, manifest, time_limit)


def refuse_limit_with_output(output: Path | None, limit: int | None, hint: str = "") -> None:
    """--limit and -o together are refused: the limit is for the screen, a file gets every row."""
    from riskgraph.errors import InputError

    if output is not None and limit is not None:
        raise InputError(
            f"--limit is for display; -o writes every row{hint}", value=f"--limit {limit}"
        )


def query_time_limit(reg: Register, timeout: float | None) -> float:
    """The seconds a query may run: --timeout, else queries.timeout_seconds; more than 0."""
    from riskgraph.errors import InputError

    time_limit = timeout if timeout is not None else reg.config.queries.timeout_seconds
    if time_limit <= 0:
        raise InputError("--timeout must be more than 0 seconds", value=timeout)
    return time_limit


def show_or_export(
    reg: Register,
    query: StoredQuery,
    params: dict[str, str],
    today: date | None,
    fmt: ExportFormat,
    output: Path | None,
    limit: int | None,
    with_manifest: bool,
    time_limit: float,
) -> None:
    """Run a checked query on the register: at most ``limit`` rows (else the display limit) on
    the screen, or every row to ``output``."""
    with reg.reader() as store:
        if output is None:
            shown = reg.config.queries.display_limit if limit is None else limit
            _show(store, reg, query, params, today, fmt, shown or None, time_limit)
        else:
            _export(store, reg, query, params, today, fmt, output, with_manifest, time_limit)


def parse_params(items: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` options as a mapping; the value is everything after the first ``=``."""
    from riskgraph.errors import InputError

    params: dict[str, str] = {}
    for item in items:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise InputError(
                "a --param is not NAME=VALUE", value=item, expected="e.g. --param system=SYS-A"
            )
        if name in params:
            raise InputError(f"--param {name} is given twice", value=item)
        params[name] = value
    return params


def _library(register: Path | None, *, required: bool = True) -> QueryLibrary:
    """The register's query library; without a register (and not required) the built-ins."""
    from riskgraph.queries import load_library
    from riskgraph.register import RegisterNotFoundError

    try:
        reg = open_register(register)
    except RegisterNotFoundError:
        if required or register is not None:
            raise
        from riskgraph.cli.output import err_console

        err_console.print("no register here: built-in queries only", highlight=False)
        return load_library(None)
    return load_library(reg.queries_dir)


def _stored_query(
    target: str | None,
    expression: str | None,
    register: Path | None,
    reg: Register | None = None,
) -> StoredQuery:
    """The query to show or run: ``-e`` text, a ``.rq`` file, or a name in the library."""
    from riskgraph.errors import InputError
    from riskgraph.queries import load_library, parse_ad_hoc
    from riskgraph.queries.syntax import ad_hoc_query

    if expression is not None:
        if target is not None:
            raise InputError(
                "give either a query (name or file) or -e TEXT, not both", value=target
            )
        return ad_hoc_query(expression)
    if target is None:
        raise InputError(
            "say which query to run",
            expected="a stored query name, a .rq file, or -e 'SELECT ...' "
            "('riskgraph query list' shows the names)",
        )
    if target.endswith(QUERY_FILE_SUFFIXES) or "/" in target or "\\" in target:
        return parse_ad_hoc(_read_query_file(Path(target)), path=target)
    if reg is not None:
        return load_library(reg.queries_dir).get(target)
    return _library(register, required=False).get(target)


def _read_query_file(path: Path) -> str:
    from riskgraph.errors import InputError, Location

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such query file", location=Location(file=str(path))) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})",
            location=Location(file=str(path)),
        ) from None
    except OSError as exc:
        raise InputError(
            f"the file cannot be read: {exc.strerror}", location=Location(file=str(path))
        ) from None


def _kind(form: str) -> ResultKind:
    from riskgraph.results import ResultKind

    if form == "SELECT":
        return ResultKind.SELECT
    if form == "ASK":
        return ResultKind.ASK
    return ResultKind.GRAPH


def _format(fmt: str | None, output: Path | None, kind: ResultKind) -> ExportFormat:
    """The chosen format, checked against the kind of result before anything runs."""
    from riskgraph.cli.output import pick_format
    from riskgraph.errors import UserError
    from riskgraph.results import ResultKind, format_for_path, formats_for, get_format
    from riskgraph.results.outputs import QUERY_RESULTS

    if fmt is not None:
        chosen = get_format(fmt)
        pick_format(QUERY_RESULTS, chosen.name, output)  # the file's extension must fit it
    elif output is not None:
        chosen = format_for_path(output, kind)
    else:
        chosen = get_format("turtle" if kind is ResultKind.GRAPH else "table")
    if not chosen.accepts(kind):
        names = ", ".join(f.name for f in formats_for(kind))
        raise UserError(f"the {chosen.name} format cannot hold {kind.description}; use {names}")
    if chosen.binary and output is None and sys.stdout.isatty():
        raise UserError(f"{chosen.label} is a binary format: give -o FILE.{chosen.extension}")
    return chosen


def _show(
    store: Store,
    reg: Register,
    query: StoredQuery,
    params: dict[str, str],
    today: date | None,
    fmt: ExportFormat,
    limit: int | None,
    time_limit: float,
) -> None:
    """Write at most ``limit`` rows to stdout; say "showing N of M" when there were more."""
    from riskgraph.queries import count_rows, run_query
    from riskgraph.queries.runner import COUNT_TIME_LIMIT
    from riskgraph.results import write_result
    from riskgraph.store.base import SelectResult

    with run_query(
        store,
        query,
        params,
        base_iri=reg.base_iri,
        today=today,
        limit=limit,
        time_limit=time_limit,
    ) as running:
        shown = write_result(running.result, fmt, sys.stdout, prefixes=_display_prefixes(reg))
        sys.stdout.flush()
        truncated = running.truncated
        is_select = isinstance(running.result, SelectResult)
    if not truncated:
        return
    total: int | None = None
    if is_select:
        from riskgraph.errors import UserError

        try:
            total = count_rows(
                store,
                query,
                params,
                base_iri=reg.base_iri,
                today=today,
                time_limit=min(time_limit, COUNT_TIME_LIMIT),
            )
        except UserError:
            total = None  # counting is a courtesy; the rows shown stand
    unit = "rows" if is_select else "triples"
    of = f"{shown} of {total}" if total is not None else f"the first {shown}"
    _note(f"showing {of} {unit} (--limit N to see more, -o FILE for all)", fmt.name == "table")


def _display_prefixes(reg: Register) -> dict[str, str]:
    """Standard prefixes plus ``:`` for the register's own IRIs (``:R-017``)."""
    from riskgraph.vocab import PREFIXES

    return {**PREFIXES, "": reg.base_iri}


def _export(
    store: Store,
    reg: Register,
    query: StoredQuery,
    params: dict[str, str],
    today: date | None,
    fmt: ExportFormat,
    output: Path,
    with_manifest: bool,
    time_limit: float,
) -> None:
    """Stream every row to ``output``, with its manifest unless told not to."""
    from riskgraph.cli.output import console, err_console
    from riskgraph.queries.export import export_query

    with RowProgress(err_console) as progress:
        exported = export_query(
            store,
            query,
            params,
            base_iri=reg.base_iri,
            today=today,
            path=output,
            fmt=fmt,
            time_limit=time_limit,
            manifest=with_manifest,
            track=progress.track,
        )
    if exported.embedded:
        where = "; manifest in its 'manifest' sheet"
    else:
        where = f"; manifest {exported.manifest}" if exported.manifest else ""
    unit = "triples" if exported.kind.value == "graph" else "rows"
    console.print("[green]✓[/] ", end="", highlight=False)
    console.print(
        f"wrote {exported.count} {unit} to {output}{where}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _note(text: str, on_stdout: bool) -> None:
    from riskgraph.cli.output import console, err_console

    target = console if on_stdout else err_console
    target.print(text, style="dim", markup=False, highlight=False)


class RowProgress:
    """A spinner with the number of rows written, on stderr, shown once an export has run for
    ``delay`` seconds (at once when ``delay`` is None). Nothing is drawn when the console is not a
    terminal (pipes, tests)."""

    def __init__(self, console: Console, delay: float | None = PROGRESS_DELAY_SECONDS) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("exporting: {task.completed} rows written"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("export", total=None)
        self._delay = delay
        self._timer = threading.Timer(delay or 0, self._show)
        self._timer.daemon = True
        self._lock = threading.Lock()
        self._closed = False
        self._shown = False

    def __enter__(self) -> RowProgress:
        if not self._progress.console.is_terminal:
            return self
        if self._delay is None:
            self._show()
        else:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:  # a timer firing now must not start the display after it is stopped
            self._closed = True
            self._timer.cancel()
            if self._shown:
                self._progress.stop()

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._progress.start()
                self._shown = True

    def track(self, result: QueryResult) -> QueryResult:
        """The same result, counting rows (or triples) as the writer takes them."""
        from riskgraph.store.base import GraphResult, SelectResult

        if isinstance(result, SelectResult):
            return SelectResult(result.variables, self._count(result.rows))
        if isinstance(result, GraphResult):
            return GraphResult(self._count(result.triples))
        return result

    def _count(self, items: Iterator[Any]) -> Iterator[Any]:
        for item in items:
            self._progress.advance(self._task)
            yield item


def _source(query: StoredQuery) -> str:
    from riskgraph.queries import QuerySource

    if query.source is QuerySource.REGISTER:
        replaces = ", replaces the built-in query" if query.overrides_builtin else ""
        return f"register: {query.path}{replaces}"
    if query.source is QuerySource.AD_HOC:
        return f"ad hoc: {query.path}" if query.path else "ad hoc"
    return "built-in"


def _parameter_summary(query: StoredQuery) -> str:
    parts = []
    for param in query.parameters:
        if param.optional:
            parts.append(f"{param.name}?: {param.type}")
        elif param.default is not None:
            parts.append(f"{param.name}: {param.type} = {param.default}")
        else:
            parts.append(f"{param.name}: {param.type} (required)")
    return ", ".join(parts)


def _query_record(query: StoredQuery) -> dict[str, Any]:
    from riskgraph.queries import QuerySource

    return {
        "name": query.name,
        "title": query.title,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": [p.model_dump(mode="json") for p in query.parameters],
        "source": query.source.value,
        "path": None if query.source is QuerySource.BUILT_IN else query.path,
        "overrides_builtin": query.overrides_builtin,
    }


def _print_query_table(queries: list[StoredQuery]) -> None:
    """A table on wide terminals; on narrow ones each query as a short block of lines."""
    from rich.markup import escape
    from rich.table import Table

    from riskgraph.cli.output import console

    def source(query: StoredQuery) -> str:
        replaces = " (replaces built-in)" if query.overrides_builtin else ""
        return query.source.value + replaces

    if console.width >= WIDE_LIST:
        table = Table()
        table.add_column("name", no_wrap=True)
        for column in ("title", "tags", "parameters", "source"):
            table.add_column(column, overflow="fold")
        for query in queries:
            cells = (query.name, query.title, ", ".join(query.tags), _parameter_summary(query))
            table.add_row(*(escape(cell) for cell in (*cells, source(query))))
        console.print(table)
    else:
        for query in queries:
            console.print(f"[bold]{escape(query.name)}[/]  [dim]{escape(source(query))}[/]")
            console.print(f"  {escape(query.title)}", highlight=False)
            details = [f"tags: {', '.join(query.tags) or '-'}"]
            details.append(f"parameters: {_parameter_summary(query) or '-'}")
            console.print(f"  [dim]{escape('; '.join(details))}[/]", highlight=False)
    console.print(f"{len(queries)} queries", highlight=False)


def _warn_broken(library: QueryLibrary) -> None:
    from riskgraph.cli.output import err_console

    for name, problem in library.problems.items():
        err_console.print(
            f"warning: query {name} cannot be used: {problem}", markup=False, highlight=False
        )


def attach(app: typer.Typer) -> None:
    app.add_typer(query_app, name="query")
