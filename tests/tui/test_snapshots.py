"""Snapshots of the main screens at 80x24 and 120x40, on the example register, judged on the
example's own "today" (no clock, no animation). Update after a deliberate change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from conftest import make_app
from textual.pilot import Pilot
from tui_helpers import SIZE, WIDE, settle

from riskgraph.register import Register
from riskgraph.tui.browser.browser import PREVIEW_DELAY

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def dashboard(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def browser(pilot: Pilot[None]) -> None:
    await pilot.press("2")
    await settle(pilot)
    await pilot.press("t", "t")  # the risks tab
    await settle(pilot)
    await pilot.pause(PREVIEW_DELAY + 0.1)  # the preview of the selected row (wide only)
    await settle(pilot)


async def explorer(pilot: Pilot[None]) -> None:
    app = pilot.app
    app.open_node(app.register.base_iri + "R-001")  # type: ignore[attr-defined]
    await settle(pilot)


async def query_console(pilot: Pilot[None]) -> None:
    from riskgraph.tui.query.console import QueryScreen

    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueryScreen)
    await screen.open_query("risks-above-appetite-without-approved-treatment", run=True)
    await settle(pilot)
    await pilot.press("ctrl+l")  # to the results: no text cursor, whose drawing varies
    await settle(pilot)


async def help_screen(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await settle(pilot)


def steadily(steps: Steps) -> Steps:
    """The steps, then cursors that do not blink, so that the picture does not depend on when
    it is taken."""

    async def run(pilot: Pilot[None]) -> None:
        await steps(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            widget.cursor_blink = False  # type: ignore[attr-defined]
        await pilot.pause()

    return run


SCREENS: dict[str, Steps] = {
    "dashboard": dashboard,
    "browser": browser,
    "explorer": explorer,
    "query": query_console,
    "help": help_screen,
}


@pytest.mark.parametrize("size", [SIZE, WIDE], ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Callable[..., bool], example: Register, screen: str, size: tuple[int, int]
) -> None:
    app = make_app(example)
    app.animation_level = "none"  # e.g. the tab underline would otherwise slide
    assert snap_compare(app, terminal_size=size, run_before=steadily(SCREENS[screen]))
