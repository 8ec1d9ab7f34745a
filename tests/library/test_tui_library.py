"""The library browser in the real Textual app, driven with Pilot."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from riskgraph.library.adopt import adopt
from riskgraph.library.catalogue import load
from riskgraph.register import Register, init_register
from riskgraph.tui.app import RiskgraphApp
from riskgraph.tui.library.library_screen import LibraryScreen


async def _settle(pilot: Pilot[None]) -> None:
    idle = 0
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if any(worker.is_running for worker in pilot.app.workers):
            idle = 0
            continue
        idle += 1
        if idle >= 3:
            return


async def _until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Let the app work until ``condition`` holds (workers hand results back in their own
    time); fails if it never does."""
    for _ in range(300):
        await _settle(pilot)
        if condition():
            return
    raise AssertionError("the screen never reached the expected state")


def _detail_text(app: RiskgraphApp) -> str:
    content = app.screen.query_one("#concept-detail", Static).content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def _register(tmp_path: Path) -> Register:
    register = init_register(tmp_path / "reg")
    load(register, ["finos-aigf"])
    adopt(register, "finos-aigf:mi-3")
    return register


async def test_browse_a_loaded_library_filter_and_read_a_concept(tmp_path: Path) -> None:
    app = RiskgraphApp(_register(tmp_path), today=date(2026, 12, 4))
    async with app.run_test(size=(140, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("l")
        await _until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        libraries = app.screen.query_one("#library-list", DataTable)
        await _until(pilot, lambda: libraries.row_count > 0)
        names = [libraries.get_row_at(i)[0].plain for i in range(libraries.row_count)]
        assert "finos-aigf" in names and "mitre-atlas" in names
        libraries.move_cursor(row=names.index("finos-aigf"))
        await _settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"firewall")
        table = app.screen.query_one("#concept-table", DataTable)

        def notations() -> list[str]:
            return [table.get_row_at(i)[0].plain for i in range(table.row_count)]

        await _until(pilot, lambda: "mi-3" in notations() and "mi-1" not in notations())
        table.move_cursor(row=notations().index("mi-3"))
        await _until(pilot, lambda: "Firewalling" in _detail_text(app))
        text = _detail_text(app)
        assert "User/App/Model Firewalling/Filtering" in text
        assert "In the register: C-001" in text
        assert "-relatedMatch->" in text and "FINOS AI Governance Framework" in text
        assert "-mitigates" not in text
        await pilot.press("escape")
        await _settle(pilot)
        assert not isinstance(app.screen, LibraryScreen)


async def test_a_library_that_is_not_loaded_is_browsed_from_the_bundle(tmp_path: Path) -> None:
    app = RiskgraphApp(_register(tmp_path), today=date(2026, 12, 4))
    async with app.run_test(size=(100, 30)) as pilot:
        await _settle(pilot)
        await pilot.press("l")
        await _until(pilot, lambda: isinstance(app.screen, LibraryScreen))
        libraries = app.screen.query_one("#library-list", DataTable)
        await _until(pilot, lambda: libraries.row_count > 0)
        names = [libraries.get_row_at(i)[0].plain for i in range(libraries.row_count)]
        libraries.move_cursor(row=names.index("mitre-atlas"))
        await _settle(pilot)
        app.screen.query_one("#concept-filter", Input).value = "AML.T0051"
        table = app.screen.query_one("#concept-table", DataTable)
        await _until(
            pilot,
            lambda: table.row_count >= 1 and table.get_row_at(0)[0].plain.startswith("AML.T0051"),
        )
        table.move_cursor(row=0)
        await _until(pilot, lambda: "(not loaded)" in _detail_text(app))
