"""Snapshots of every screen at 80x24, 120x36, 160x48 and 220x60, on the example register, judged
on the example's own "today" (no clock, no animation, cursors that do not blink, query times never
shown). Update after a deliberate change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs.

Each snapshot starts the app (a few seconds each): the screens whose layout depends on the width
are taken at all four sizes; a few variants of a screen already covered (other browser tabs, the
neighbourhood, the palette) at the smallest and one wide size only.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from conftest import make_app
from textual.pilot import Pilot
from textual.widgets import Select, Tabs
from tui_helpers import SIZE_IDS, SIZES, settle, store_pending_draft

from riskgraph.register import Register
from riskgraph.tui.browser.browser import PREVIEW_DELAY
from riskgraph.tui.editor.fields import FieldRow
from riskgraph.tui.editor.form import EditorScreen
from riskgraph.tui.query.console import QueryScreen
from riskgraph.tui.query.sparql_area import SparqlArea

Steps = Callable[[Pilot[None]], Awaitable[None]]


async def dashboard(pilot: Pilot[None]) -> None:
    await settle(pilot)


def browser_tab(tab: str) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await pilot.press("2")
        await settle(pilot)
        pilot.app.screen.query_one("#tabs", Tabs).active = tab
        await settle(pilot)
        await pilot.pause(PREVIEW_DELAY + 0.1)  # the preview of the selected row (wide only)
        await settle(pilot)

    return steps


async def explorer(pilot: Pilot[None]) -> None:
    app = pilot.app
    app.open_node(app.register.base_iri + "R-001")  # type: ignore[attr-defined]
    await settle(pilot)


async def neighbourhood(pilot: Pilot[None]) -> None:
    app = pilot.app
    app.open_node(app.register.base_iri + "C-001")  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("g")
    await settle(pilot)


async def form(pilot: Pilot[None]) -> None:
    pilot.app.edit("R-001")  # type: ignore[attr-defined]
    await settle(pilot)


async def form_with_errors(pilot: Pilot[None]) -> None:
    await form(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    for name, value in (("title", None), ("likelihood", None), ("review_due", "2027-02-30")):
        screen.query_one(f"#row-{name}", FieldRow).set_value(value)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def console_results(pilot: Pilot[None]) -> None:
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueryScreen)
    await screen.open_query("risks-above-appetite-without-approved-treatment", run=True)
    await settle(pilot)
    await pilot.press("ctrl+l")  # to the results: no text cursor, whose drawing varies
    await settle(pilot)


async def console_error(pilot: Pilot[None]) -> None:
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, QueryScreen)
    screen.query_one("#editor", SparqlArea).load_text("SELECT % WHERE { ?s ?p ?o }")
    await pilot.press("ctrl+enter")
    await settle(pilot)
    await pilot.press("ctrl+l")  # away from the editor: its text cursor is drawn or not by chance
    await settle(pilot)


async def review(pilot: Pilot[None]) -> None:
    await pilot.press("5")
    await settle(pilot)


async def help_screen(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f1")
    await settle(pilot)


async def palette(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"R-00")
    await pilot.pause(0.5)  # the palette searches as you type, in its own workers
    await settle(pilot)


async def readiness(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)


async def due(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("R")
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


async def snapshot_diff(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("D")
    await settle(pilot)
    # between the two shipped snapshots: the picture does not change when the example does
    screen = pilot.app.screen
    screen.query_one("#diff-before", Select).value = "2026-03-internal-audit"
    await settle(pilot)
    screen.query_one("#diff-after", Select).value = "2026-09-certification-audit"
    await settle(pilot)


async def snapshot_read_only(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    pilot.app.screen.dismiss("2026-03-internal-audit")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press("2")
    await settle(pilot)
    await pilot.pause(PREVIEW_DELAY + 0.1)
    await settle(pilot)


EVERY_SIZE: dict[str, Steps] = {
    "dashboard": dashboard,
    "browser-risks": browser_tab("risks"),
    "explorer": explorer,
    "form": form,
    "form-errors": form_with_errors,
    "console-results": console_results,
    "console-error": console_error,
    "review": review,
    "help": help_screen,
    "due": due,
}
"""Screens taken at every size."""
SOME_SIZES: dict[str, Steps] = {
    "browser-controls": browser_tab("controls"),
    "browser-iso": browser_tab("catalogue"),
    "neighbourhood": neighbourhood,
    "palette": palette,
    "readiness": readiness,
    "snapshot-diff": snapshot_diff,
    "snapshot-read-only": snapshot_read_only,
}
"""Variants taken at 80x24 and 160x48 only (the snapshot screens at 80x24 and 220x60)."""
CASES = [
    pytest.param(name, size, id=f"{name}-{size_id}")
    for name in EVERY_SIZE
    for size, size_id in zip(SIZES, SIZE_IDS, strict=True)
] + [
    pytest.param(name, size, id=f"{name}-{size[0]}x{size[1]}")
    for name in SOME_SIZES
    for size in ((SIZES[0], SIZES[3]) if name.startswith("snapshot-") else (SIZES[0], SIZES[2]))
]
NARROW_AND_WIDEST: dict[str, Steps] = {"review-candidates": review}
"""Taken at 80x24 and 220x60: the review screen on risk candidates of the offline ranker."""
CASES += [
    pytest.param(name, size, id=f"{name}-{size[0]}x{size[1]}")
    for name in NARROW_AND_WIDEST
    for size in (SIZES[0], SIZES[3])
]


@pytest.fixture(scope="module")
def with_draft(example_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Register:
    """The example register with one pending draft of the assistant (for the review screen)."""
    folder = tmp_path_factory.mktemp("snapshots") / "with-draft"
    shutil.copytree(example_folder, folder)
    register = Register.open(folder)
    store_pending_draft(
        register, "R-008", statement="Test the vendor model for bias; see C-999 for the method."
    )
    return register


@pytest.fixture(scope="module")
def with_candidates(example_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Register:
    """The example register with FINOS loaded and three pending risk candidates of the offline
    ranker for SYS-CREDIT, stored at a fixed time (for the review screen)."""
    from datetime import UTC, datetime

    from riskgraph.assistant.candidates import _prepare, baseline_maker, store_candidates
    from riskgraph.assistant.identify import SHORTLIST, baseline_candidates
    from riskgraph.library.catalogue import load

    folder = tmp_path_factory.mktemp("snapshots") / "with-candidates"
    shutil.copytree(example_folder, folder)
    register = Register.open(folder)
    load(register, ["finos-aigf"])
    when = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with register.writer() as store:
        ident = _prepare(store, register, "SYS-CREDIT", SHORTLIST)
        maker = baseline_maker(register.base_iri)
        candidates = baseline_candidates(ident, 3)
        store_candidates(
            store, register.base_iri, ident, candidates, maker, started=when, ended=when
        )
    return register


@pytest.fixture(autouse=True)
def _no_query_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """A query that is slow on a busy machine would say how long it took."""
    monkeypatch.setattr("riskgraph.tui.data.query.SLOW_SECONDS", float("inf"))


@pytest.mark.parametrize(("screen", "size"), CASES)
def test_screen(
    snap_compare: Callable[..., bool],
    example: Register,
    with_draft: Register,
    with_candidates: Register,
    screen: str,
    size: tuple[int, int],
) -> None:
    registers = {"review": with_draft, "review-candidates": with_candidates}
    app = make_app(registers.get(screen, example))
    app.animation_level = "none"  # e.g. the tab underline would otherwise slide
    steps = EVERY_SIZE.get(screen) or SOME_SIZES.get(screen) or NARROW_AND_WIDEST[screen]
    assert snap_compare(app, terminal_size=size, run_before=steadily(steps))
