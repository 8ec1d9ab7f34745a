"""The risks tab at every terminal size: the columns a risk manager sorts and filters by (ID,
level, owner, review date, systems) always show whole and on screen; titles are what gets cut.
Wide terminals get more columns and the preview beside the table."""

from __future__ import annotations

import pytest
from conftest import make_app
from textual.widgets import DataTable
from tui_helpers import SIZE_IDS, SIZES, settle

from riskgraph.register import Register
from riskgraph.tui.browser.browser import PREVIEW_FROM, BrowserScreen
from riskgraph.tui.widgets.columns import fit_columns

ALWAYS = ("ID", "Level", "Owner", "Review due", "Systems")


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
async def test_risk_columns_that_matter_always_show(
    example: Register, size: tuple[int, int]
) -> None:
    app = make_app(example)
    async with app.run_test(size=size) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("t", "t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen) and screen.tab == "risks"
        table = screen.query_one("#listing", DataTable)
        headers = [str(column.label) for column in table.ordered_columns]
        right = {}
        x = 0
        for column in table.ordered_columns:
            x += column.get_render_width(table)
            right[str(column.label)] = x
        for name in ALWAYS:
            assert name in headers, f"{name} hidden at {size}"
            assert right[name] <= table.scrollable_content_region.width + 2, (name, size)
        if size == (80, 24):  # the titles are what gets cut to make room
            listing = screen.listings["risks"]
            longest = max(len(row.cells[1]) for row in listing.rows)
            assert table.ordered_columns[1].width < longest
        preview = screen.query_one("#preview")
        assert preview.display == (size[0] >= PREVIEW_FROM)
        if size[0] >= 220:
            assert "Inherent" in headers and "Residual" in headers


def test_fit_columns_cuts_titles_first_and_adds_optional_columns_with_room() -> None:
    headers = ["ID", "Title", "Level", "Inherent"]
    widths = [5, 50, 9, 9]
    narrow = fit_columns(headers, widths, 40, flexible=frozenset({"Title"}), optional=["Inherent"])
    assert narrow == [(0, 5), (1, 20), (2, 9)]
    wide = fit_columns(headers, widths, 100, flexible=frozenset({"Title"}), optional=["Inherent"])
    assert wide == [(0, 5), (1, 50), (2, 9), (3, 9)]
    tiny = fit_columns(headers, widths, 10, flexible=frozenset({"Title"}), optional=["Inherent"])
    assert [i for i, _ in tiny] == [0, 1, 2] and tiny[1] == (1, 10)
