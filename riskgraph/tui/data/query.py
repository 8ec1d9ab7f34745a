"""The query console's work: run the editor's query for display (first rows and a count), export
every row to a file in any format of the export registry, and verify an export.

Cancelling: pyoxigraph cannot interrupt a query. ``run_for_display`` takes a ``stopped`` callback
that it checks between rows; once it says yes the rows are dropped and the runner is told to stop
(it stops within one row, or, inside a blocking step such as ORDER BY, when that step ends; the
runner's time limit is the hard stop).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from riskgraph.analysis.gaps import display_value
from riskgraph.analysis.verify import Verification, verify_export
from riskgraph.errors import UserError
from riskgraph.queries import (
    QueryLibrary,
    QueryParameter,
    StoredQuery,
    count_rows,
    load_library,
    parse_ad_hoc,
    run_query,
)
from riskgraph.queries.export import export_query
from riskgraph.queries.syntax import ad_hoc_query
from riskgraph.register import Register
from riskgraph.results import ExportFormat, ResultKind, kind_of
from riskgraph.sparql.guard import has_dataset_clause
from riskgraph.store.base import AskResult, GraphResult, SelectResult, Store

if TYPE_CHECKING:  # the assistant (jinja2, and openai when asking) loads only when asked
    from riskgraph.assistant.ask import DraftedQuery

SLOW_SECONDS = 1.0
"""Queries that take at least this long say how long they took."""
COUNT_TIME_LIMIT = 10.0
"""Seconds the 'of M' count may take; without it the console says 'more than N'."""


class QueryCancelled(Exception):
    """The user cancelled the query; its rows were dropped."""


@dataclass(frozen=True)
class ResultTable:
    kind: ResultKind
    columns: list[str]
    rows: list[tuple[str, ...]]
    total: int | None
    """Every row the query has, when known (None: more than shown, count unknown)."""
    seconds: float
    truncated: bool = False

    @property
    def shown(self) -> int:
        return len(self.rows)

    def summary(self) -> str:
        """'showing 1,000 of 4,512 rows', with ' in 2.3 s' when it was slow."""
        unit = "triples" if self.kind is ResultKind.GRAPH else "rows"
        took = f" in {self.seconds:.1f} s" if self.seconds >= SLOW_SECONDS else ""
        if self.kind is ResultKind.ASK:
            return f"answer: {self.rows[0][0]}{took}"
        if not self.truncated:
            of = f"{self.shown:,}"
        elif self.total is not None:
            of = f"{self.shown:,} of {self.total:,}"
        else:
            of = f"{self.shown:,} of more than {self.shown:,}"
        return f"showing {of} {unit}{took}"


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    format: str
    manifest: Path | None = None


@dataclass(frozen=True)
class Library:
    queries: list[StoredQuery]
    problems: dict[str, str] = field(default_factory=dict)


def load_queries(register: Register) -> Library:
    """The stored queries: built-in ones and the register's own."""
    library: QueryLibrary = load_library(register.queries_dir)
    return Library(list(library), {name: str(err) for name, err in library.problems.items()})


def resolve(text: str, stored: StoredQuery | None) -> StoredQuery:
    """The stored query when the editor still holds its text, else the text as an ad-hoc query,
    as ``query run -e`` takes it (``riskgraph.queries.syntax.ad_hoc_query``: the standard prefixes
    added, its ``# param:`` header declaring its parameters, syntax errors in words)."""
    if stored is not None and text.strip() == stored.sparql.strip():
        return stored
    return ad_hoc_query(text)


def draft_from_question(register: Register, question: str) -> DraftedQuery:
    """A query drafted by the model from ``question`` (``riskgraph ask``'s core), for the editor:
    checked by the read-only guard already, and run only when the person runs it."""
    from riskgraph.assistant.ask import draft_query
    from riskgraph.assistant.endpoint import require_endpoint
    from riskgraph.config import CONFIG_FILE

    config_file = str(register.folder / CONFIG_FILE) if register.folder else CONFIG_FILE
    endpoint = require_endpoint(register.config.assistant, config_file=config_file)
    drafted = draft_query(register, question, endpoint=endpoint, face="tui")
    record_asked_run(register, drafted, ran=False, outcome="drafted into the query console")
    return drafted


def record_asked_run(register: Register, drafted: DraftedQuery, *, ran: bool, outcome: str) -> None:
    """A trail entry for a drafted query: drafted, then run (or failed) from the console."""
    from riskgraph.assistant.ask import record_outcome

    record_outcome(register, drafted, ran=ran, outcome=outcome, face="tui")


def parameters_of(text: str) -> tuple[QueryParameter, ...]:
    """The parameters the editor's text declares; none while its header does not parse."""
    try:
        return parse_ad_hoc(text).parameters
    except UserError:
        return ()


def _clean(params: Mapping[str, str]) -> dict[str, str]:
    """Form values: blank fields are left out, so that defaults apply."""
    return {name: value.strip() for name, value in params.items() if value.strip()}


def run_for_display(
    register: Register,
    query: StoredQuery,
    params: Mapping[str, str],
    *,
    today: date,
    limit: int,
    stopped: Callable[[], bool] = lambda: False,
) -> ResultTable:
    """The first ``limit`` rows as text, and how many there are in all. Raises QueryCancelled
    when ``stopped`` says so."""
    started = time.monotonic()
    base = register.base_iri
    time_limit = register.config.queries.timeout_seconds
    values = _clean(params)
    with register.reader() as store:
        with run_query(
            store, query, values, base_iri=base, today=today, limit=limit, time_limit=time_limit
        ) as run:
            result = run.result
            rows: list[tuple[str, ...]] = []
            if isinstance(result, AskResult):
                table = ResultTable(
                    ResultKind.ASK, ["answer"], [("yes" if result.value else "no",)], 1, 0.0
                )
                return _timed(table, started)
            if isinstance(result, SelectResult):
                columns = list(result.variables)
                for row in result.rows:
                    if stopped():
                        raise QueryCancelled
                    rows.append(tuple(display_value(row.get(c), base) or "" for c in columns))
            elif isinstance(result, GraphResult):
                columns = ["subject", "predicate", "object"]
                for triple in result.triples:
                    if stopped():
                        raise QueryCancelled
                    rows.append(
                        tuple(
                            display_value(t, base) or ""  # type: ignore[arg-type]
                            for t in (triple.subject, triple.predicate, triple.object)
                        )
                    )
            truncated = run.truncated
            kind = kind_of(result)
        total: int | None = len(rows)
        if truncated:
            total = _count(store, query, values, base, today, kind)
    if stopped():
        raise QueryCancelled
    return _timed(ResultTable(kind, columns, rows, total, 0.0, truncated), started)


def _timed(table: ResultTable, started: float) -> ResultTable:
    return ResultTable(
        table.kind,
        table.columns,
        table.rows,
        table.total,
        time.monotonic() - started,
        table.truncated,
    )


def _count(
    store: Store,
    query: StoredQuery,
    values: Mapping[str, str],
    base: str,
    today: date,
    kind: ResultKind,
) -> int | None:
    """Every row of a truncated SELECT, counted by the store; None when it cannot be counted."""
    if kind is not ResultKind.SELECT:
        return None
    try:
        if has_dataset_clause(query.sparql, query.origin):
            return None
        return count_rows(
            store,
            query,
            values,
            base_iri=base,
            today=today,
            time_limit=COUNT_TIME_LIMIT,
        )
    except UserError:
        return None


def export_all(
    register: Register,
    query: StoredQuery,
    params: Mapping[str, str],
    *,
    today: date,
    path: Path,
    fmt: ExportFormat,
    manifest: bool,
) -> Exported:
    """Run the query again without a row limit and write every row to ``path`` (the core's
    ``export_query``, as ``query run -o`` does)."""
    with register.reader() as store:
        exported = export_query(
            store,
            query,
            _clean(params),
            base_iri=register.base_iri,
            today=today,
            path=path,
            fmt=fmt,
            time_limit=register.config.queries.timeout_seconds,
            manifest=manifest,
        )
    return Exported(path, exported.count, fmt.name, exported.manifest)


def verify(register: Register, path: Path) -> Verification:
    """Check an export (its manifest, the file, or an XLSX export) against the register now:
    the core's ``verify_export``, as ``riskgraph verify`` does."""
    return verify_export(path, register)
