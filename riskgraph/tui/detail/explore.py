"""The explorer: one node with its links, and its neighbourhood from the graph analytics.
``enter`` follows a link; ``[`` and ``]`` (or alt+left and alt+right) go back and forward."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static, TabbedContent, TabPane

from riskgraph.tui.data.editing import EDITABLE
from riskgraph.tui.data.neighbourhood import Neighbourhood, load_neighbourhood
from riskgraph.tui.detail.detail_pane import DetailPane, LinkList
from riskgraph.tui.detail.neighbourhood_view import NeighbourhoodTree, NeighbourhoodView
from riskgraph.tui.messages import EditEntity, IdentifyRisks
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.workers import describe_error, in_background
from riskgraph.views.detail import Detail, load_detail
from riskgraph.views.nodes import short_key
from riskgraph.vocab import RG

EMPTY_HINT = (
    "Nothing open yet. Open an entity from the dashboard or the browser (enter), "
    "or type its ID or title in the command palette (ctrl+p)."
)

AI_SYSTEM = RG + "AISystem"


class ExploreScreen(RegisterScreen):
    MODE = "explore"
    AUTO_FOCUS = "#detail-links"
    CSS_PATH = "explore.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket,alt+left", "back", "Back", key_display="[", id="explore.back"),
        Binding(
            "right_square_bracket,alt+right",
            "forward",
            "Forward",
            key_display="]",
            id="explore.forward",
        ),
        Binding("g", "toggle_view", "Links/neighbourhood", id="explore.toggle-view"),
        Binding("e", "edit", "Edit", id="explore.edit"),
        Binding("i", "identify", "Identify risks", id="explore.identify"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.detail: Detail | None = None
        self.shown: str | None = None
        self.neighbourhood_of: str | None = None

    def body(self) -> ComposeResult:
        yield Static("", id="explore-nav")
        with TabbedContent(id="explore-tabs"):
            with TabPane("Links", id="links"):
                yield DetailPane(id="explore-pane")
            with TabPane("Neighbourhood", id="neighbourhood"):
                yield NeighbourhoodView(id="explore-neighbourhood")

    def reload(self) -> None:
        self.shown = None
        self.show_current()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.shown != self.rg.history.current:
            self.show_current()

    def show_current(self) -> None:
        """Load the history's current node (and its neighbourhood, when that tab is open)."""
        iri = self.rg.history.current
        self._update_nav()
        pane = self.query_one("#explore-pane", DetailPane)
        if iri is None:
            pane.show_message(Text(EMPTY_HINT, style="dim"))
            return
        self.shown = iri
        self.neighbourhood_of = None
        register = self.rg.register
        in_background(
            self,
            lambda: load_detail(register, iri, frozenset(EDITABLE)),
            self._show_detail,
            name="explore-detail",
            failed=lambda exc: pane.show_message(Text(describe_error(exc), style="red")),
        )
        if self.query_one("#explore-tabs", TabbedContent).active == "neighbourhood":
            self._load_neighbourhood()

    def _show_detail(self, detail: Detail) -> None:
        if detail.node.iri != self.shown:
            return
        self.detail = detail
        self.query_one("#explore-pane", DetailPane).show(detail)
        self._update_nav()
        self.refresh_bindings()
        if self.query_one("#explore-tabs", TabbedContent).active == "links":
            self.query_one("#detail-links", LinkList).focus()

    def _update_nav(self) -> None:
        history = self.rg.history
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("[ back ", style="bold" if history.can_go_back else "dim")
        text.append(" forward ]", style="bold" if history.can_go_forward else "dim")
        if history.entries:
            text.append(f"   {history.position + 1}/{len(history.entries)}  ", style="dim")
            trail = [short_key(i, self.rg.register.base_iri) for i in history.entries]
            start = max(0, history.position - 3)
            for index in range(start, history.position + 1):
                text.append(trail[index], style="bold" if index == history.position else "dim")
                if index < history.position:
                    text.append(" › ", style="dim")
        self.query_one("#explore-nav", Static).update(text)

    # --- neighbourhood ----------------------------------------------------------------------

    @on(TabbedContent.TabActivated, "#explore-tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "neighbourhood":
            self._load_neighbourhood()

    def _load_neighbourhood(self) -> None:
        iri = self.shown
        if iri is None or self.neighbourhood_of == iri:
            return
        self.neighbourhood_of = iri
        view = self.query_one("#explore-neighbourhood", NeighbourhoodView)
        view.show_message(Text("working out the neighbourhood…", style="italic dim"))
        register = self.rg.register
        key = short_key(iri, register.base_iri)
        in_background(
            self,
            lambda: load_neighbourhood(register, key),
            self._show_neighbourhood,
            name="explore-neighbourhood",
            failed=lambda exc: view.show_message(Text(describe_error(exc), style="red")),
        )

    def _show_neighbourhood(self, neighbourhood: Neighbourhood) -> None:
        self.query_one("#explore-neighbourhood", NeighbourhoodView).show(neighbourhood)

    # --- navigation -------------------------------------------------------------------------

    @on(LinkList.Follow)
    @on(NeighbourhoodView.Follow)
    def _follow(self, event: LinkList.Follow | NeighbourhoodView.Follow) -> None:
        self.rg.open_node(event.iri)

    def action_back(self) -> None:
        if self.rg.history.can_go_back:
            self.rg.history.back()
            self.show_current()

    def action_forward(self) -> None:
        if self.rg.history.can_go_forward:
            self.rg.history.forward()
            self.show_current()

    def action_toggle_view(self) -> None:
        """Links or neighbourhood; the focus goes along, so that the view does not jump back
        to the pane that held it."""
        tabs = self.query_one("#explore-tabs", TabbedContent)
        tabs.active = "neighbourhood" if tabs.active == "links" else "links"
        target = NeighbourhoodTree if tabs.active == "neighbourhood" else LinkList
        self.query_one(target).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        history = self.rg.history
        if action == "back":
            return history.can_go_back or None
        if action == "forward":
            return history.can_go_forward or None
        if action == "edit":
            return (self.detail is not None and self.detail.editable) or None
        if action == "identify":
            return self._showing_system()  # hidden unless an AI system is shown
        return True

    def _showing_system(self) -> bool:
        return self.detail is not None and AI_SYSTEM in self.detail.node.types

    def action_identify(self) -> None:
        """Propose candidate risks for the AI system shown, then review them."""
        if self.detail is not None and self._showing_system():
            self.post_message(IdentifyRisks(self.detail.node.key))

    def action_edit(self) -> None:
        if self.detail is not None and self.detail.editable:
            self.post_message(EditEntity(self.detail.node.key))
