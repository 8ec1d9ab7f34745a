"""The browser's search box and its four filters (system, level, status, owner)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select

from riskgraph.tui.styles import stylesheet
from riskgraph.tui.text import plain
from riskgraph.views.table import Facet, Filters, Listing

FACETS: tuple[tuple[Facet, str], ...] = (
    ("system", "system"),
    ("level", "level"),
    ("status", "status"),
    ("owner", "owner"),
)


class FilterBar(Horizontal):
    """Search as you type, and one drop-down per facet the current tab has."""

    DEFAULT_CSS = stylesheet(__file__)

    class Changed(Message):
        def __init__(self, filters: Filters) -> None:
            self.filters = filters
            super().__init__()

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search (/)", id="search", compact=True)
        for facet, label in FACETS:
            yield Select[str]([], prompt=label, id=f"filter-{facet}", compact=True)

    def offer(self, listing: Listing) -> None:
        """Fill the drop-downs with the values the listing holds; keep choices that still fit."""
        for facet, _label in FACETS:
            select = self.query_one(f"#filter-{facet}", Select)
            values = listing.choices(facet) if facet in listing.facets else []
            keep = select.value if select.value in values else Select.NULL
            options = [(self._label(listing, facet, v), v) for v in values]
            with self.prevent(Select.Changed):
                select.set_options(options)
                select.value = keep
            select.disabled = facet not in listing.facets

    @staticmethod
    def _label(listing: Listing, facet: Facet, value: str) -> Text:
        if facet == "owner" and listing.owners.get(value):
            return plain(f"{value} {listing.owners[value]}")
        return plain(value.replace("-", " ") if facet == "level" else value)

    def filters(self) -> Filters:
        values: dict[str, str | None] = {}
        for facet, _label in FACETS:
            select = self.query_one(f"#filter-{facet}", Select)
            value = select.value
            values[facet] = value if isinstance(value, str) and not select.disabled else None
        return Filters(text=self.query_one("#search", Input).value, **values)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filters()))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filters()))

    def clear(self) -> None:
        self.query_one("#search", Input).value = ""
        for facet, _label in FACETS:
            self.query_one(f"#filter-{facet}", Select).clear()
