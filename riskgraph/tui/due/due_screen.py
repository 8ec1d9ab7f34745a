"""The review schedule: risks, controls, treatments and AI systems due or overdue for review,
grouped by owner, from the one read model ``riskgraph.views.due`` (what ``riskgraph due``
lists). Enter opens the chosen item in the explorer; + and - move the look-ahead by a week.
Reads run in a worker; nothing here writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from riskgraph.tui.workers import in_background
from riskgraph.views.due import DueSchedule, load_due

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp

LOOK_AHEAD_DAYS = 30
"""The look-ahead the screen opens with, as the dashboard's review panel."""
COLUMNS = (
    ("owner", 28),
    ("kind", 9),
    ("ID", 11),
    ("title", 48),
    ("next review", 12),
    ("status", 11),
)
"""Column names and fixed widths (text beyond a width is cut): the table does not resize as rows
arrive, and the title column scrolls sideways on a narrow terminal."""


class DueScreen(Screen[None]):
    CSS_PATH = "due_screen.tcss"
    AUTO_FOCUS = "#due-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", key_display="esc", id="due.close"),
        Binding("plus", "look_ahead(7)", "A week more", key_display="+", id="due.later"),
        Binding("minus", "look_ahead(-7)", "A week less", key_display="-", id="due.sooner"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.within_days = LOOK_AHEAD_DAYS
        self.schedule: DueSchedule | None = None
        self.iris: dict[str, str] = {}
        """Row key -> the IRI of the item on that row."""

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static("loading…", id="due-summary")
        table: DataTable[Text | str] = DataTable(
            id="due-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#due-table", DataTable)
        for name, width in COLUMNS:
            table.add_column(name, key=name, width=width)
        self.reload()

    def reload(self) -> None:
        register, today, within = self.rg.register, self.rg.today, self.within_days
        in_background(
            self,
            lambda: load_due(register, today, within_days=within),
            self._show,
            name="due-schedule",
        )

    def _show(self, schedule: DueSchedule) -> None:
        self.schedule = schedule
        today = schedule.today
        summary = Text()
        summary.append("Reviews due ", style="bold")
        summary.append(f"by {schedule.horizon.isoformat()} ({schedule.within_days} days ahead): ")
        summary.append(f"{schedule.overdue} overdue", style="bold red")
        summary.append(f", {schedule.due} due, {len(schedule.unscheduled)} with no review date")
        self.query_one("#due-summary", Static).update(summary)
        table = self.query_one("#due-table", DataTable)
        table.clear()
        self.iris = {}
        for group in schedule.by_owner():
            for index, entry in enumerate(group.entries):
                late = entry.next_review < today
                table.add_row(
                    Text(group.heading if index == 0 else "", style="bold"),
                    entry.kind,
                    Text(entry.id),
                    Text(entry.title),
                    entry.next_review.isoformat() + ("" if entry.stored else " *"),
                    Text(entry.state(today), style="red" if late else "yellow"),
                    key=entry.id,
                )
                self.iris[entry.id] = entry.iri
        if not schedule.entries:
            self.query_one("#due-summary", Static).update(
                Text.assemble(summary, "\nnothing is due")
            )

    @on(DataTable.RowSelected, "#due-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        iri = self.iris.get(str(event.row_key.value))
        if iri is None:
            return
        self.dismiss()
        self.rg.open_node(iri)

    def action_look_ahead(self, days: int) -> None:
        self.within_days = max(0, self.within_days + days)
        self.reload()

    def action_close(self) -> None:
        self.dismiss()
