"""The one list of export formats, how to find one, and how to write a result with it."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from itertools import islice
from pathlib import PurePath

from riskgraph.errors import UserError
from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions, kind_of
from riskgraph.results.rdf import JSONLD, NTRIPLES, RDFXML, TURTLE
from riskgraph.results.sparql import JSON, TEXT, XML
from riskgraph.results.spreadsheet import XLSX
from riskgraph.results.streams import OutputStream, binary_view
from riskgraph.results.tabular import CSV, MARKDOWN, NDJSON, SPARQL_CSV, SPARQL_TSV, TSV
from riskgraph.results.terminal import TABLE
from riskgraph.store.base import GraphResult, QueryResult, SelectResult
from riskgraph.vocab import PREFIXES

# Menu order. Where two formats share an extension, the earlier one wins in format_for_path.
FORMATS: tuple[ExportFormat, ...] = (
    CSV,
    TSV,
    JSON,
    XML,
    NDJSON,
    MARKDOWN,
    XLSX,
    SPARQL_CSV,
    SPARQL_TSV,
    TEXT,
    TURTLE,
    NTRIPLES,
    JSONLD,
    RDFXML,
    TABLE,
)
_BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def all_formats() -> list[ExportFormat]:
    return list(FORMATS)


def formats_for(kind: ResultKind) -> list[ExportFormat]:
    """The formats that can write results of ``kind``, in menu order."""
    return [fmt for fmt in FORMATS if fmt.accepts(kind)]


def get_format(name: str) -> ExportFormat:
    """The format called ``name`` (any case); a UserError names the valid ones otherwise."""
    fmt = _BY_NAME.get(name.strip().lower())
    if fmt is not None:
        return fmt
    close = difflib.get_close_matches(name.lower(), _BY_NAME, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UserError(f"unknown export format {name!r}; valid formats: {', '.join(_BY_NAME)}.{hint}")


def format_for_path(path: str | PurePath, kind: ResultKind | None = None) -> ExportFormat:
    """The format a file name asks for by its extension (``report.xlsx`` -> xlsx).

    With ``kind`` the format must also accept that kind of result (``.xml`` is SPARQL XML for
    rows and RDF/XML for triples).
    """
    extension = PurePath(path).suffix.lower().lstrip(".")
    known = [fmt for fmt in FORMATS if extension in fmt.extensions]
    if not known:
        extensions = sorted({ext for fmt in FORMATS for ext in fmt.extensions})
        raise UserError(
            f"{path}: cannot tell the export format from the extension "
            f"{('.' + extension) if extension else '(none)'}; use one of "
            f"{', '.join('.' + ext for ext in extensions)} or choose a format by name"
        )
    if kind is None:
        return known[0]
    for fmt in known:
        if fmt.accepts(kind):
            return fmt
    suitable = sorted({"." + fmt.extension for fmt in formats_for(kind)})
    raise UserError(
        f"{path}: a .{extension} file cannot hold {kind.description}; "
        f"use one of {', '.join(suitable)}"
    )


def write_result(
    result: QueryResult,
    fmt: ExportFormat | str,
    stream: OutputStream,
    *,
    max_rows: int | None = None,
    prefixes: Mapping[str, str] | None = None,
    width: int | None = None,
    options: WriteOptions | None = None,
) -> int:
    """Write ``result`` to ``stream`` in ``fmt``; returns the rows (or triples) written.

    Rows stream through once and are never collected. With ``max_rows`` only the first rows
    are written and the rest stay unread in ``result``, so the caller can count them for a
    "showing N of M" line. ``options`` overrides ``prefixes`` and ``width``.
    """
    fmt = get_format(fmt) if isinstance(fmt, str) else fmt
    kind = kind_of(result)
    if not fmt.accepts(kind):
        names = ", ".join(f.name for f in formats_for(kind))
        raise UserError(
            f"the {fmt.name} format cannot write {kind.description}; use one of: {names}"
        )
    if options is None:
        options = WriteOptions(prefixes=dict(prefixes or PREFIXES), width=width)
    if max_rows is not None:
        result = _first(result, max_rows)
    with binary_view(stream, binary_format=fmt.binary, format_name=fmt.label) as out:
        return fmt.writer(result, out, options)


def _first(result: QueryResult, limit: int) -> QueryResult:
    if limit < 0:
        raise UserError(f"the number of rows to show must be 0 or more, got {limit}")
    if isinstance(result, SelectResult):
        return SelectResult(result.variables, islice(result.rows, limit))
    if isinstance(result, GraphResult):
        return GraphResult(islice(result.triples, limit))
    return result
