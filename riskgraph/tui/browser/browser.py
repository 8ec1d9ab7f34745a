"""The register browser: pick a tab, narrow the rows with the search box and the filters, sort
by a column, preview the selected row beside the table, and open it in the explorer."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static, Tab, Tabs

from riskgraph.tui.browser.filter_bar import FilterBar
from riskgraph.tui.data.browse import load_listing
from riskgraph.tui.data.editing import EDITABLE
from riskgraph.tui.detail.detail_pane import DetailPane, LinkList
from riskgraph.tui.messages import EditEntity, IdentifyRisks, OpenNode
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.text import cell, plain
from riskgraph.tui.widgets.columns import column_widths, fit_columns
from riskgraph.tui.workers import describe_error, in_background
from riskgraph.views.detail import Detail, load_detail
from riskgraph.views.table import TABS, Filters, Listing, Row, filter_rows, sort_rows

MAX_ROWS = 2000
"""Rows put in the table at once; search and filters reach the others."""
PREVIEW_DELAY = 0.15
"""Seconds the cursor must rest on a row before its preview loads."""
LONG_COLUMNS = frozenset({"Title", "Heading"})
"""Columns that take the width the others leave, cut with an ellipsis: every other column (IDs,
levels, owners, dates, systems: what users sort and filter by) always shows whole."""
OPTIONAL_COLUMNS = ("Inherent", "Residual", "Version")
"""Columns shown only when the titles keep enough room beside them (wide terminals)."""
CAPS = {"Systems": 22, "Addresses": 22, "Owner": 20, "Supplier": 20}
"""Widths at which columns listing several IDs are cut."""
PREVIEW_FROM = 140
"""Terminal width from which the preview pane shows beside the table."""
EDITABLE_TABS = {
    "risks": "risk",
    "controls": "control",
    "treatments": "treatment",
    "evidence": "evidence",
}


class BrowserScreen(RegisterScreen):
    MODE = "browse"
    AUTO_FOCUS = "#listing"
    CSS_PATH = "browser.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", key_display="/", id="browse.search"),
        Binding("s", "sort", "Sort", id="browse.sort"),
        Binding("e", "edit", "Edit", id="browse.edit"),
        Binding("i", "identify", "Identify risks", id="browse.identify"),
        Binding("t", "next_tab", "Next tab", id="browse.next-tab"),
        Binding("shift+t", "previous_tab", "Previous tab", show=False, id="browse.previous-tab"),
        Binding("x", "clear_filters", "Clear filters", id="browse.clear-filters"),
        Binding("escape", "focus_table", "Back to table", show=False, id="browse.focus-table"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tab = TABS[0][0]
        self.listings: dict[str, Listing] = {}
        self.filters = Filters()
        self.sort_column = 0
        self.sort_reverse = False
        self.shown_rows: list[Row] = []
        self.shown_columns: list[int] = []
        """Index in the listing's columns of each column of the table."""
        self._preview_timer: Timer | None = None
        self._laid_out_for = 0

    def body(self) -> ComposeResult:
        yield Tabs(*[Tab(label, id=name) for name, label in TABS], id="tabs")
        yield FilterBar(id="filter-bar")
        with Horizontal(id="browser-main"):
            yield DataTable(id="listing", cursor_type="row", zebra_stripes=True)
            with Vertical(id="preview"):
                yield DetailPane(id="preview-pane")
        yield Static("", id="browser-status")

    # --- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        self.listings.clear()
        self.load_tab(self.tab)

    def load_tab(self, tab: str) -> None:
        self.tab = tab
        self.refresh_bindings()  # edit and identify depend on the tab
        if tab in self.listings:
            self.show_listing(self.listings[tab])
            return
        self.query_one("#browser-status", Static).update(Text("loading…", style="italic"))
        register = self.rg.register
        in_background(
            self,
            lambda: load_listing(register, tab),
            self._loaded,
            name="browser-listing",
            failed=self._load_failed,
        )

    def _loaded(self, listing: Listing) -> None:
        self.listings[listing.tab] = listing
        if listing.tab == self.tab:
            self.show_listing(listing)

    def _load_failed(self, exc: BaseException) -> None:
        self.query_one("#browser-status", Static).update(Text(describe_error(exc), style="red"))

    def show_listing(self, listing: Listing) -> None:
        self.query_one(FilterBar).offer(listing)
        self.filters = self.query_one(FilterBar).filters()
        self.sort_column, self.sort_reverse = 0, False
        self.lay_out(listing)
        self.refill()

    def table_width(self) -> int:
        """The cells the table has across (the preview, when shown, takes its share)."""
        width = self.app.size.width
        if width >= PREVIEW_FROM:
            width -= self.preview_width(width)
        return width - 2  # the vertical scrollbar

    @staticmethod
    def preview_width(width: int) -> int:
        return min(80, width * 2 // 5) + 1  # 40%, and its border

    def lay_out(self, listing: Listing) -> None:
        """Choose the columns and their widths for the terminal's width."""
        self._laid_out_for = self.app.size.width
        table = self.query_one("#listing", DataTable)
        table.clear(columns=True)
        headers = [column.name for column in listing.columns]
        widths = column_widths(headers, [row.cells for row in listing.rows[:MAX_ROWS]])
        widths = [min(w, CAPS.get(h, w)) for h, w in zip(headers, widths, strict=True)]
        fitted = fit_columns(
            headers,
            widths,
            self.table_width(),
            flexible=LONG_COLUMNS,
            optional=OPTIONAL_COLUMNS,
        )
        self.shown_columns = [index for index, _width in fitted]
        for index, width in fitted:
            name = headers[index]
            table.add_column(plain(name), key=name, width=width)

    def on_mount(self) -> None:
        self.set_class(self.app.size.width >= PREVIEW_FROM, "-preview")
        super().on_mount()

    def on_resize(self) -> None:
        self.set_class(self.app.size.width >= PREVIEW_FROM, "-preview")
        listing = self.listings.get(self.tab)
        if listing is not None and self._laid_out_for != self.app.size.width:
            self.lay_out(listing)
            self.refill()

    def refill(self) -> None:
        """Filter and sort the current listing into the table."""
        listing = self.listings.get(self.tab)
        if listing is None:
            return
        table = self.query_one("#listing", DataTable)
        rows = sort_rows(
            filter_rows(listing.rows, self.filters),
            listing.columns,
            self.sort_column,
            self.sort_reverse,
        )
        self.shown_rows = rows
        table.clear()
        for row in rows[:MAX_ROWS]:
            table.add_row(
                *[cell(row.cells[i], overflow="ellipsis") for i in self.shown_columns], key=row.iri
            )
        self._update_status(listing, len(rows))
        if rows:
            self._schedule_preview()
        else:
            self.query_one("#preview-pane", DetailPane).show_message(
                Text("no rows match", style="dim")
            )

    def _update_status(self, listing: Listing, matching: int) -> None:
        label = dict(TABS)[listing.tab].lower()
        shown = f"{matching:,} of {len(listing.rows):,} {label}"
        if matching > MAX_ROWS:
            shown = f"first {MAX_ROWS:,} of {matching:,} matching ({len(listing.rows):,} {label})"
        column = listing.columns[self.sort_column].name
        order = "▼ descending" if self.sort_reverse else "▲ ascending"
        self.query_one("#browser-status", Static).update(
            Text(f"{shown} · sorted by {column} {order}", style="dim")
        )

    # --- events -----------------------------------------------------------------------------

    @on(Tabs.TabActivated, "#tabs")
    def _tab_chosen(self, event: Tabs.TabActivated) -> None:
        if event.tab.id and event.tab.id != self.tab:
            self.load_tab(event.tab.id)

    @on(FilterBar.Changed)
    def _filters_changed(self, event: FilterBar.Changed) -> None:
        self.filters = event.filters
        self.refill()

    @on(DataTable.HeaderSelected, "#listing")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(self.shown_columns[event.column_index])

    @on(DataTable.RowHighlighted, "#listing")
    def _row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._schedule_preview()

    @on(DataTable.RowSelected, "#listing")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.post_message(OpenNode(event.row_key.value))

    @on(LinkList.Follow)
    def _follow(self, event: LinkList.Follow) -> None:
        self.post_message(OpenNode(event.iri))

    @on(Input.Submitted, "#search")
    def _search_done(self, _event: Input.Submitted) -> None:
        self.action_focus_table()

    # --- preview ----------------------------------------------------------------------------

    def selected(self) -> Row | None:
        table = self.query_one("#listing", DataTable)
        if not self.shown_rows or table.cursor_row >= min(len(self.shown_rows), MAX_ROWS):
            return None
        return self.shown_rows[table.cursor_row]

    def _schedule_preview(self) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DELAY, self._load_preview)

    def _load_preview(self) -> None:
        row = self.selected()
        if row is None or not self.query_one("#preview").display:
            return
        register, iri = self.rg.register, row.iri
        in_background(
            self,
            lambda: load_detail(register, iri, frozenset(EDITABLE)),
            self._show_preview,
            name="browser-preview",
        )

    def _show_preview(self, detail: Detail) -> None:
        self.query_one("#preview-pane", DetailPane).show(detail)

    # --- actions ----------------------------------------------------------------------------

    def sort_by(self, column: int) -> None:
        """Sort by the listing's ``column``; again to reverse."""
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self.refill()

    def action_sort(self) -> None:
        """Sort by the column under the cursor; again to reverse."""
        cursor = self.query_one("#listing", DataTable).cursor_column
        if 0 <= cursor < len(self.shown_columns):
            self.sort_by(self.shown_columns[cursor])

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#listing", DataTable).focus()

    def action_clear_filters(self) -> None:
        self.query_one(FilterBar).clear()

    def action_next_tab(self) -> None:
        self.query_one("#tabs", Tabs).action_next_tab()

    def action_previous_tab(self) -> None:
        self.query_one("#tabs", Tabs).action_previous_tab()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            return self.tab in EDITABLE_TABS or None
        if action == "identify":
            return self.tab == "systems"  # hidden elsewhere: only AI systems have it
        return True

    def action_edit(self) -> None:
        row = self.selected()
        if row is None:
            self.notify("Select a row to edit first.", severity="warning")
            return
        self.post_message(EditEntity(row.cells[0]))

    def action_identify(self) -> None:
        """Propose candidate risks for the selected AI system, then review them."""
        row = self.selected()
        if row is None or self.tab != "systems":
            self.notify("Select an AI system on the Systems tab first.", severity="warning")
            return
        self.post_message(IdentifyRisks(row.cells[0]))
