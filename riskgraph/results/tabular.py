"""Tabular text formats for SELECT rows: CSV (spreadsheet-safe or exact SPARQL), TSV, NDJSON and
Markdown."""

from __future__ import annotations

import json
import re
from typing import BinaryIO

import pyoxigraph as ox

from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions, expect_select
from riskgraph.results.formulas import MARKER, neutralise, restore
from riskgraph.results.streams import text_writer
from riskgraph.results.terms import compact, ntriples, plain, simple_value
from riskgraph.store.base import QueryResult, Term

_SELECT = frozenset({ResultKind.SELECT})


_NEEDS_QUOTES = re.compile('[,"\r\n]').search


def _csv_field(value: str) -> str:
    """RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside."""
    if _NEEDS_QUOTES(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SPARQL 1.1 Query Results CSV for spreadsheets: a value that a spreadsheet would run as a
    formula gets a leading quote (``riskgraph.results.formulas``)."""
    return _write_csv(result, out, spreadsheet=True)


def write_sparql_csv(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SPARQL 1.1 Query Results CSV, exactly: bare values, CRLF line ends, unbound as empty."""
    return _write_csv(result, out, spreadsheet=False)


def _write_csv(result: QueryResult, out: BinaryIO, *, spreadsheet: bool) -> int:
    select = expect_select(result)
    names = select.variables
    cell = neutralise if spreadsheet else str
    count = 0
    with text_writer(out) as text:
        text.write(",".join(_csv_field(name) for name in names) + "\r\n")
        for row in select.rows:
            fields = [_csv_field(cell(plain(row.get(name)))) for name in names]
            text.write(",".join(fields) + "\r\n")
            count += 1
    return count


def _tsv_cell(term: Term | None, *, spreadsheet: bool) -> str:
    """A term in N-Triples syntax; for spreadsheets, a literal a spreadsheet would run as a
    formula gets the same leading quote CSV gives it, inside its quotes (``"=1+1"`` becomes
    ``"'=1+1"``)."""
    if term is None:
        return ""
    text = ntriples(term)
    if spreadsheet and isinstance(term, ox.Literal) and neutralise(term.value) != term.value:
        return '"' + MARKER + text[1:]
    return text


def restored_term(term: Term) -> Term:
    """A term read back from the spreadsheet TSV as it was before ``_tsv_cell`` neutralised it
    (``riskgraph.results.formulas.restore``); other terms as they are."""
    if isinstance(term, ox.Literal):
        value = restore(term.value)
        if value != term.value:
            if term.language:
                return ox.Literal(value, language=term.language)
            return ox.Literal(value, datatype=term.datatype)
    return term


def write_tsv(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SPARQL 1.1 Query Results TSV for spreadsheets: literals are formula-neutralised exactly as
    CSV cells are (``riskgraph.results.formulas``); ``restored_term`` undoes it."""
    return _write_tsv(result, out, spreadsheet=True)


def write_sparql_tsv(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SPARQL 1.1 Query Results TSV, exactly: every term as it is, for programs."""
    return _write_tsv(result, out, spreadsheet=False)


def _write_tsv(result: QueryResult, out: BinaryIO, *, spreadsheet: bool) -> int:
    """``?var`` header, terms in N-Triples syntax, LF line ends."""
    select = expect_select(result)
    names = select.variables
    count = 0
    with text_writer(out) as text:
        text.write("\t".join(f"?{name}" for name in names) + "\n")
        for row in select.rows:
            cells = (_tsv_cell(row.get(name), spreadsheet=spreadsheet) for name in names)
            text.write("\t".join(cells) + "\n")
            count += 1
    return count


def write_ndjson(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """One JSON object per line, every variable a key; numbers and booleans native, unbound null."""
    select = expect_select(result)
    names = select.variables
    count = 0
    with text_writer(out) as text:
        for row in select.rows:
            record = {name: simple_value(row.get(name)) for name in names}
            text.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


# Backslash-escape the ASCII punctuation that Markdown would read as markup (CommonMark allows
# a backslash before any of it); line breaks inside a cell become <br>.
_MARKDOWN_ESCAPES: dict[int, str] = {ord(c): "\\" + c for c in "\\`*_{}[]<>()#+!|~&$"}
_MARKDOWN_ESCAPES[ord("\n")] = "<br>"


def markdown_cell(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").translate(_MARKDOWN_ESCAPES)


def write_markdown(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """A GitHub-flavoured Markdown table; IRIs shortened with the configured prefixes."""
    select = expect_select(result)
    names = select.variables
    count = 0
    with text_writer(out) as text:
        text.write("| " + " | ".join(markdown_cell(name) for name in names) + " |\n")
        text.write("|" + "|".join("---" for _ in names) + "|\n")
        for row in select.rows:
            cells = (markdown_cell(compact(row.get(name), options.prefixes)) for name in names)
            text.write("| " + " | ".join(cells) + " |\n")
            count += 1
    return count


CSV = ExportFormat(
    name="csv",
    label="CSV (comma-separated, safe to open in a spreadsheet)",
    extensions=("csv",),
    media_type="text/csv",
    kinds=_SELECT,
    writer=write_csv,
)
SPARQL_CSV = ExportFormat(
    name="sparql_csv",
    label="CSV, exact SPARQL 1.1 (formulas not neutralised: for programs)",
    extensions=("csv",),
    media_type="text/csv",
    kinds=_SELECT,
    writer=write_sparql_csv,
)
TSV = ExportFormat(
    name="tsv",
    label="TSV (tab-separated, RDF terms kept, safe to open in a spreadsheet)",
    extensions=("tsv",),
    media_type="text/tab-separated-values",
    kinds=_SELECT,
    writer=write_tsv,
)
SPARQL_TSV = ExportFormat(
    name="sparql_tsv",
    label="TSV, exact SPARQL 1.1 (formulas not neutralised: for programs)",
    extensions=("tsv",),
    media_type="text/tab-separated-values",
    kinds=_SELECT,
    writer=write_sparql_tsv,
)
NDJSON = ExportFormat(
    name="ndjson",
    label="NDJSON (one JSON object per line)",
    extensions=("ndjson", "jsonl"),
    media_type="application/x-ndjson",
    kinds=_SELECT,
    writer=write_ndjson,
)
MARKDOWN = ExportFormat(
    name="markdown",
    label="Markdown table",
    extensions=("md", "markdown"),
    media_type="text/markdown",
    kinds=_SELECT,
    writer=write_markdown,
)
