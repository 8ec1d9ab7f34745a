"""A library's concepts, with a filter on notation, label and definition."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input

from riskgraph.library.catalogue import ConceptRow
from riskgraph.tui.styles import stylesheet


class ConceptTable(Vertical):
    DEFAULT_CSS = stylesheet(__file__)

    class Chosen(Message):
        def __init__(self, row: ConceptRow) -> None:
            super().__init__()
            self.row = row

    class FilterChanged(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        super().__init__(id="concept-box")
        self.rows: dict[str, ConceptRow] = {}

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: notation, label or definition", id="concept-filter")
        yield DataTable(id="concept-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(Text("notation"), Text("kind"), Text("label"))
        self.border_title = "Concepts"

    def show(self, library: str, rows: list[ConceptRow], limit: int) -> None:
        self.rows = {row.iri: row for row in rows}
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(Text(row.notation), Text(row.kind), Text(row.label), key=row.iri)
        more = " (narrow the filter)" if len(rows) >= limit else ""
        self.border_title = f"Concepts of {library}"
        self.border_subtitle = f"{len(rows)} shown{more}"

    @on(Input.Changed, "#concept-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.FilterChanged(event.value))

    @on(DataTable.RowHighlighted, "#concept-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        row = self.rows.get(event.row_key.value or "")
        if row is not None:
            self.post_message(self.Chosen(row))
