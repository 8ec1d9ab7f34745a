"""Browsing the register and moving around the graph: tabs, search, filters, sorting, opening
a row, following links, back and forward."""

from __future__ import annotations

from conftest import make_app
from textual.widgets import DataTable, Input, Select, Tabs
from tui_helpers import SIZE, settle

from riskgraph.register import Register
from riskgraph.tui.browser.browser import BrowserScreen
from riskgraph.tui.data.browse import load_listing
from riskgraph.tui.detail.detail_pane import LinkList
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.tui.detail.neighbourhood_view import NeighbourhoodTree, NeighbourhoodView
from riskgraph.tui.navigation import History
from riskgraph.views.table import Filters, filter_rows, sort_rows


def ids(table: DataTable[str]) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def test_filters_and_sorting_of_a_listing(example: Register) -> None:
    risks = load_listing(example, "risks")
    assert len(risks.rows) == 46
    credit = filter_rows(risks.rows, Filters(system="SYS-CREDIT"))
    assert credit and all("SYS-CREDIT" in row.systems for row in credit)
    high = filter_rows(risks.rows, Filters(level="high"))
    assert high and all(row.level == "high" for row in high)
    by_owner = filter_rows(risks.rows, Filters(owner="P-DMURPHY", text="credit"))
    assert by_owner and all(r.owner == "P-DMURPHY" and "credit" in r.search for r in by_owner)
    inherent = [c.name for c in risks.columns].index("Inherent")
    ranked = sort_rows(list(risks.rows), risks.columns, inherent, reverse=True)
    ranks = [row.cells[inherent] for row in ranked]
    assert ranks[0] == "very high" and ranks[-1] in ("very low", "low")
    ordered = sort_rows(list(risks.rows), risks.columns, 0, reverse=False)
    assert [r.cells[0] for r in ordered[:3]] == ["R-001", "R-002", "R-003"]


def test_history_goes_back_and_forward_like_a_browser() -> None:
    history = History()
    for iri in ("a", "b", "c"):
        history.visit(iri)
    assert history.back() == "b" and history.back() == "a" and not history.can_go_back
    assert history.forward() == "b"
    history.visit("d")
    assert history.entries == ["a", "b", "d"] and not history.can_go_forward
    history.forget("b")
    assert history.entries == ["a", "d"] and history.current == "d"


async def test_search_filter_sort_and_open(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        screen.query_one("#tabs", Tabs).active = "controls"
        await settle(pilot)
        table = screen.query_one("#listing", DataTable)
        assert table.row_count == 46
        await pilot.press("slash", *"fairness")
        await settle(pilot)
        assert 0 < table.row_count < 46
        assert all("fairness" in r.search for r in screen.shown_rows)
        screen.query_one("#search", Input).value = ""
        screen.query_one("#filter-status", Select).value = "planned"
        await settle(pilot)
        assert table.row_count and all(r.status == "planned" for r in screen.shown_rows)
        await pilot.press("escape", "x")
        await settle(pilot)
        assert table.row_count == 46
        await pilot.press("s")
        await settle(pilot)
        assert ids(table)[0] == "C-046"  # the ID column, descending
        await pilot.click(DataTable, offset=(9, 0))  # the title header
        await settle(pilot)
        titles = [r.cells[1] for r in screen.shown_rows]
        assert titles == sorted(titles, key=str.lower)
        await pilot.press("home", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        assert app.history.current == screen.shown_rows[0].iri


async def test_follow_links_back_and_forward(example: Register) -> None:
    app = make_app(example)
    risk = example.base_iri + "R-001"
    async with app.run_test(size=SIZE) as pilot:
        app.open_node(risk)
        await settle(pilot)
        explorer = app.screen
        assert isinstance(explorer, ExploreScreen) and explorer.detail is not None
        links = explorer.query_one("#detail-links", LinkList)
        assert links.has_focus
        outgoing = explorer.detail.links
        first = outgoing[0]
        await pilot.press("enter")
        await settle(pilot)
        assert app.history.current == first.node.iri
        assert explorer.detail is not None and explorer.detail.node.iri == first.node.iri
        # the way back: R-001 is linked from there
        assert any(link.node.iri == risk for link in explorer.detail.links)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.history.current == risk and explorer.detail.node.iri == risk
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert explorer.detail.node.iri == first.node.iri
        await pilot.press("alt+left")
        await settle(pilot)
        assert explorer.detail.node.iri == risk


async def test_neighbourhood_of_a_control_shows_what_loses_mitigation(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        app.open_node(example.base_iri + "C-001")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        view = app.screen.query_one(NeighbourhoodView)
        tree = view.query_one(NeighbourhoodTree)
        assert tree.has_focus  # the view stays on the neighbourhood
        labels = [str(node.label) for node in tree.root.children]
        assert labels[0].startswith("Risks back to their inherent level")
        reverting = tree.root.children[0].children
        assert [child.data for child in reverting] == [example.base_iri + "R-006"]
        tree.move_cursor(reverting[0])
        await pilot.press("enter")
        await settle(pilot)
        assert app.history.current == example.base_iri + "R-006"
