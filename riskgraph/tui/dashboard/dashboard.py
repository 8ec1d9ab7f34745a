"""The dashboard screen. Each panel loads in its own worker and fills in when its data arrives;
``enter`` on a line opens it (an entity in the explorer, a gap rule in the query console, a
draft in the review screen)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from riskgraph.analysis.gap_summary import GapSummary, load_gap_summary
from riskgraph.assistant.records import StoredDraft
from riskgraph.tui.dashboard.heatmap import HeatmapView
from riskgraph.tui.data.review import load_pending
from riskgraph.tui.messages import OpenNode
from riskgraph.tui.screen import RegisterScreen
from riskgraph.tui.text import plain, visible
from riskgraph.tui.workers import describe_error, in_background
from riskgraph.views.dashboard import (
    CATALOGUE_RISKS,
    DueReviews,
    Overview,
    load_due_reviews,
    load_overview,
)

COUNTED = (
    "risks",
    "controls",
    "treatments",
    "systems",
    "components",
    "evidence",
    "findings",
    "assessments",
    "suppliers",
    "people",
    "stakeholders",
    "actions",
    "soa",
    "sources",
)
"""Kinds the counts panel shows, in this order, as many as fit beside the heatmaps."""
WIDE = 110
"""Terminal width from which the dashboard uses wider heatmap cells and two count columns."""


class Panel(OptionList):
    """A list panel of the dashboard: one line per item, ``enter`` opens it."""

    def __init__(self, title: str, *, id: str) -> None:
        super().__init__(Option(Text("loading…", style="italic dim"), disabled=True), id=id)
        self.border_title = title

    def fill(self, lines: list[tuple[str, Text]], subtitle: str) -> None:
        self.clear_options()
        if lines:
            self.add_options(Option(text, id=key) for key, text in lines)
            self.highlighted = 0
        else:
            self.add_option(Option(Text("nothing here", style="dim"), disabled=True))
        self.border_subtitle = subtitle

    def failed(self, message: str) -> None:
        self.clear_options()
        self.add_option(Option(plain(message, style="red"), disabled=True))


def line(*parts: tuple[str, str]) -> Text:
    """One panel line from (text, style) parts, cut with an ellipsis when too long."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for part, style in parts:
        text.append(visible(part), style=style)
    return text


def render_counts(overview: Overview, *, columns: int) -> Text:
    """Risks above appetite, then how many of each kind, in as many lines as the heatmaps
    have (so the top row stays as high as the heatmaps), in one or two columns."""
    above = overview.above_appetite
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{above} above appetite", style="bold red" if above else "bold green")
    if overview.catalogue_risks:
        text.append(f"\n{overview.catalogue_risks:,} {CATALOGUE_RISKS}", style="dim")
    lines = overview.inherent.matrix.size
    shown = COUNTED[: lines * columns]
    numbers = [f"{overview.counts.get(kind, 0):,}" for kind in shown]
    width = max(len(n) for n in numbers)
    label = max(len(kind) for kind in shown) + 3
    for row in range(lines):
        text.append("\n")
        for column in range(columns):
            index = column * lines + row
            if index < len(shown):
                text.append(f"{numbers[index]:>{width}} ", style="bold")
                text.append(f"{shown[index]:<{label}}")
    return text


class DashboardScreen(RegisterScreen):
    MODE = "dashboard"
    AUTO_FOCUS = "#gaps"
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "focus_panel('gaps')", "Gaps", id="dashboard.gaps"),
        Binding("v", "focus_panel('due')", "Reviews due", id="dashboard.due"),
        Binding("d", "focus_panel('drafts')", "Drafts", id="dashboard.drafts"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.overview: Overview | None = None

    def body(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static("loading…", id="counts")
            yield HeatmapView("Inherent", id="inherent")
            yield HeatmapView("Residual", id="residual")
        with Horizontal(id="panels"):
            yield Panel("Coverage gaps", id="gaps")
            yield Panel("Reviews due", id="due")
            yield Panel("Drafts waiting", id="drafts")

    def reload(self) -> None:
        """The counts and heatmaps first, on their own, so that they show as soon as they can;
        then the lists, the gap rules (the slowest) last."""
        register = self.rg.register
        in_background(
            self,
            lambda: load_overview(register),
            self._show_overview_then_panels,
            name="dashboard-overview",
            failed=self._counts_failed,
        )

    def _load_panels(self) -> None:
        register, today = self.rg.register, self.rg.today
        in_background(
            self,
            lambda: load_due_reviews(register, today),
            self._show_due,
            name="dashboard-due",
            failed=self._failed("due"),
        )
        in_background(
            self,
            lambda: load_pending(register),
            self._show_drafts,
            name="dashboard-drafts",
            failed=self._failed("drafts"),
        )
        in_background(
            self,
            lambda: load_gap_summary(register, today),
            self._show_gaps,
            name="dashboard-gaps",
            failed=self._failed("gaps"),
        )

    def _show_overview_then_panels(self, overview: Overview) -> None:
        self._show_overview(overview)
        self._load_panels()

    def _failed(self, panel: str):
        def show(exc: BaseException) -> None:
            self.query_one(f"#{panel}", Panel).failed(describe_error(exc))

        return show

    def _counts_failed(self, exc: BaseException) -> None:
        self.query_one("#counts", Static).update(Text(describe_error(exc), style="red"))
        self._load_panels()

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        wide = self.app.size.width >= WIDE
        counts = self.query_one("#counts", Static)
        counts.update(render_counts(overview, columns=2 if wide else 1))
        counts.border_title = "Register"
        counts.border_subtitle = f"appetite {overview.appetite.replace('-', ' ')}"
        self.query_one("#inherent", HeatmapView).show(overview.inherent, wide=wide)
        self.query_one("#residual", HeatmapView).show(overview.residual, wide=wide)

    def on_resize(self) -> None:
        if self.overview is not None:
            self._show_overview(self.overview)

    def _show_due(self, due: DueReviews) -> None:
        today = self.rg.today
        lines = [
            (
                item.node.iri,
                line(
                    (f"{item.state(today):<11}", "red" if item.due < today else "yellow"),
                    (item.node.key, "bold"),
                    (f"  {item.node.title}", ""),
                ),
            )
            for item in due.items
        ]
        self.query_one("#due", Panel).fill(lines, f"{due.overdue} overdue, {due.soon} soon")

    def _show_gaps(self, gaps: GapSummary) -> None:
        width = max((len(str(gap.count)) for gap in gaps.top), default=1)
        lines = [
            ("gap:" + gap.name, line((f"{gap.count:>{width}} ", "bold"), (gap.title, "")))
            for gap in gaps.top
        ]
        self.query_one("#gaps", Panel).fill(lines, f"{gaps.total} in {gaps.rules} rules")

    def _show_drafts(self, drafts: list[StoredDraft]) -> None:
        lines = [
            (
                "draft:" + draft.id,
                line(
                    (draft.id, "bold"),
                    (f"  {len(draft.flags)} flag(s)", "yellow" if draft.flags else "dim"),
                ),
            )
            for draft in drafts
        ]
        self.query_one("#drafts", Panel).fill(lines, f"{len(drafts)} pending")

    def action_focus_panel(self, panel: str) -> None:
        self.query_one(f"#{panel}", Panel).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id
        if not key:
            return
        if key.startswith("gap:"):
            self.rg.show_query(key.removeprefix("gap:"))
        elif key.startswith("draft:"):
            self.rg.show_draft(key.removeprefix("draft:"))
        else:
            self.post_message(OpenNode(key))
