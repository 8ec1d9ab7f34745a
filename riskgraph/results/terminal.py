"""A rich table for the console. It shows the rows it is given: truncating (``max_rows`` in
``write_result``) and saying "showing N of M" are up to the caller."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions
from riskgraph.results.streams import text_writer
from riskgraph.results.terms import AnyTerm, compact
from riskgraph.store.base import AskResult, GraphResult, QueryResult, SelectResult

# Control characters could move the cursor or recolour the terminal; show them escaped.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _display(term: AnyTerm | None, prefixes: Mapping[str, str]) -> str:
    text = compact(term, prefixes).replace("\r\n", "\n")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def write_table(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """SELECT rows as a table; triples as a subject/predicate/object table; ASK as a word."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    with text_writer(out) as text:
        console = Console(file=text, width=options.width, highlight=False)
        if isinstance(result, AskResult):
            console.print(Text("true" if result.value else "false"))
            return 1
        if isinstance(result, SelectResult):
            columns = result.variables
            rows: Iterator[list[AnyTerm | None]] = (
                [row.get(name) for name in columns] for row in result.rows
            )
        elif isinstance(result, GraphResult):
            columns = ["subject", "predicate", "object"]
            rows = ([t.subject, t.predicate, t.object] for t in result.triples)
        else:
            raise TypeError(f"not a query result: {type(result).__name__}")
        table = Table(show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")  # long IRIs wrap rather than hide
        count = 0
        for terms in rows:
            table.add_row(*(Text(_display(term, options.prefixes)) for term in terms))
            count += 1
        console.print(table)
    return count


TABLE = ExportFormat(
    name="table",
    label="Table (terminal)",
    extensions=("txt",),
    media_type="text/plain",
    kinds=frozenset(ResultKind),
    writer=write_table,
)
