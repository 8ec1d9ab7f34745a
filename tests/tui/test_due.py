"""The review schedule screen: what is due or overdue for review, by owner, reached by its key
and the command palette, opening an item's detail; and the detail pane saying "changed since
accepted" for a risk edited after its acceptance."""

from __future__ import annotations

import pytest
from conftest import TODAY, make_app
from textual.widgets import DataTable
from tui_helpers import settle, text_of

from riskgraph.editing.input import TYPED, Changes
from riskgraph.editing.write import Draft, prepare_edits, run_write
from riskgraph.model.entities import Risk
from riskgraph.register import Register
from riskgraph.tui.dashboard.dashboard import DashboardScreen
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.tui.due.due_screen import DueScreen
from riskgraph.views.due import load_due

SIZES = [(80, 24), (220, 60)]


def rows(screen: DueScreen) -> list[list[str]]:
    table = screen.query_one("#due-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_due_screen_lists_by_owner_and_opens_an_item(
    example: Register, size: tuple[int, int]
) -> None:
    app = make_app(example)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DueScreen)
        expected = load_due(example, TODAY, within_days=30)
        shown = rows(screen)
        assert [row[2] for row in shown] == [
            entry.id for group in expected.by_owner() for entry in group.entries
        ]
        assert shown[0][0] == "P-CROSSI (Carla Rossi)" and shown[0][2] == "R-019"
        first = [row[0] for row in shown].index("P-NNWOSU (Dr Ngozi Nwosu)")
        assert [row[2] for row in shown[first : first + 3]] == ["R-026", "R-023", "SYS-TRIAGE"]
        assert shown[first + 1][0] == shown[first + 2][0] == ""  # the owner heads the group once
        summary = text_of(app, "#due-summary")
        assert f"{expected.overdue} overdue" in summary and "2026-12-22" in summary
        late = next(row for row in shown if row[2] == "R-008")
        assert late[5] == "145 d late" and late[4] == "2026-06-30"
        table = screen.query_one("#due-table", DataTable)
        table.move_cursor(row=[row[2] for row in shown].index("SYS-CV"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        assert app.history.current == example.base_iri + "SYS-CV"


async def test_the_look_ahead_moves_by_a_week_and_escape_closes(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DueScreen)
        before = len(rows(screen))
        for _ in range(5):
            await pilot.press("minus")
        await settle(pilot)
        assert screen.within_days == 0
        assert len(rows(screen)) == len(load_due(example, TODAY).entries) < before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_the_palette_opens_the_due_screen(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Reviews due")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DueScreen)


async def test_the_dashboard_counts_overdue_reviews_of_every_kind(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=(220, 60)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        due = app.screen.query_one("#due")
        schedule = load_due(example, TODAY, within_days=30)
        assert str(due.border_subtitle) == f"{schedule.overdue} overdue, {schedule.due} soon"
        assert schedule.overdue == 10


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_the_detail_pane_says_changed_since_accepted(
    writable: Register, size: tuple[int, int]
) -> None:
    def lower_likelihood(repo):  # type: ignore[no-untyped-def]
        draft = Draft(Risk, Changes(values={"likelihood": 4}), TYPED)
        return prepare_edits(repo, [("R-029", draft)])

    app = make_app(writable)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_node(writable.base_iri + "R-029")
        await settle(pilot)
        assert "accepted by ACC-001" in " ".join(text_of(app, "#detail-fields").split())
        run_write(writable, lower_likelihood)
        await pilot.press("ctrl+r")
        await settle(pilot)
        app.open_node(writable.base_iri + "R-029")
        await settle(pilot)
        shown = " ".join(text_of(app, "#detail-fields").split())
        assert "changed since accepted: ACC-001" in shown
