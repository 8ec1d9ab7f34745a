"""The dashboard: counts, heatmaps, gaps, reviews due and drafts, and opening what they list."""

from __future__ import annotations

from conftest import TODAY, make_app
from textual.widgets import OptionList
from tui_helpers import SIZE, settle, text_of

from riskgraph.register import Register
from riskgraph.tui.dashboard.dashboard import DashboardScreen
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.views.dashboard import load_due_reviews, load_overview


def test_overview_counts_and_heatmaps_add_up(example: Register) -> None:
    overview = load_overview(example)
    assert overview.counts["risks"] == 46 and overview.counts["systems"] == 8
    assert overview.inherent.total == 46
    assert overview.residual.total + overview.residual.unscored == 46
    # Inherent levels above the moderate appetite are the risks "above appetite" unless
    # a residual score brings them down; the map's cells agree with the levels.
    high = sum(
        n
        for (likelihood, severity), n in overview.inherent.counts.items()
        if overview.inherent.level(likelihood, severity).rank > 4
    )
    assert overview.above_appetite <= high


def test_reviews_due_are_overdue_or_within_the_horizon(example: Register) -> None:
    due = load_due_reviews(example, TODAY)
    assert due.overdue == sum(1 for item in due.items if item.due < TODAY)
    assert all((item.due - TODAY).days <= 30 for item in due.items)
    kinds = {item.node.kind for item in due.items}
    assert kinds <= {"risk", "risk treatment", "control", "AI system"}
    assert [i.due for i in due.items] == sorted(i.due for i in due.items)


async def test_dashboard_fills_in_and_opens_what_it_lists(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "above appetite" in text_of(app, "#counts")
        gaps = app.screen.query_one("#gaps", OptionList)
        assert gaps.option_count > 0 and "rules" in str(gaps.border_subtitle)
        due = app.screen.query_one("#due", OptionList)
        first = due.get_option_at_index(0)
        assert first.id is not None and first.id.startswith(example.base_iri)
        await pilot.press("v", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        assert app.history.current == first.id
