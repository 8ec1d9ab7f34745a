"""The library browser screen: libraries on the left, the chosen library's concepts, and the
chosen concept with its mappings. Reads run in workers; nothing here writes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from riskgraph.library.catalogue import ConceptRow, LibraryInfo
from riskgraph.tui.library.concept_detail import ConceptDetailView
from riskgraph.tui.library.concept_table import ConceptTable
from riskgraph.tui.library.data import (
    CONCEPT_LIMIT,
    ConceptDetail,
    load_concepts,
    load_detail,
    load_libraries,
)
from riskgraph.tui.library.library_list import LibraryList
from riskgraph.tui.workers import in_background

if TYPE_CHECKING:
    from riskgraph.tui.app import RiskgraphApp


class LibraryScreen(Screen[None]):
    CSS_PATH = "library_screen.tcss"
    AUTO_FOCUS = "#library-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close libraries", key_display="esc", id="libraries.close"),
        Binding("slash", "filter", "Filter concepts", key_display="/", id="libraries.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.library: str | None = None
        self.filter_text = ""

    @property
    def rg(self) -> RiskgraphApp:
        return cast("RiskgraphApp", self.app)

    def compose(self) -> ComposeResult:
        with Horizontal(id="library-main"):
            yield LibraryList()
            with Vertical(id="library-right"):
                yield ConceptTable()
                yield ConceptDetailView()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        register = self.rg.register
        in_background(
            self, lambda: load_libraries(register), self._show_libraries, name="library-list"
        )

    def _show_libraries(self, infos: list[LibraryInfo]) -> None:
        self.query_one(LibraryList).show(infos)

    @on(LibraryList.Chosen)
    def _library_chosen(self, event: LibraryList.Chosen) -> None:
        self.library = event.name
        self._load_concepts()

    @on(ConceptTable.FilterChanged)
    def _filter_changed(self, event: ConceptTable.FilterChanged) -> None:
        self.filter_text = event.text
        self._load_concepts()

    def _load_concepts(self) -> None:
        name, text, register = self.library, self.filter_text, self.rg.register
        if name is None:
            return
        in_background(
            self,
            lambda: load_concepts(register, name, text),
            lambda rows: self.query_one(ConceptTable).show(name, rows, CONCEPT_LIMIT),
            name="library-concepts",
        )

    @on(ConceptTable.Chosen)
    def _concept_chosen(self, event: ConceptTable.Chosen) -> None:
        row: ConceptRow = event.row
        register = self.rg.register
        in_background(
            self, lambda: load_detail(register, row), self._show_detail, name="library-detail"
        )

    def _show_detail(self, detail: ConceptDetail) -> None:
        self.query_one(ConceptDetailView).show(detail)

    def action_close(self) -> None:
        self.dismiss()

    def action_filter(self) -> None:
        self.query_one("#concept-filter").focus()
