"""The certification screens of the terminal UI: readiness (key c and the palette) and the
trust report written from the palette through the export dialog, at a small and a wide size."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TODAY, make_app
from textual.command import CommandPalette
from textual.widgets import Input
from tui_helpers import settle, text_of

from riskgraph.analysis.readiness import readiness
from riskgraph.register import Register
from riskgraph.tui.dashboard.dashboard import DashboardScreen
from riskgraph.tui.export.export_dialog import DocumentDialog
from riskgraph.tui.readiness.readiness import ReadinessScreen

SMALL_AND_WIDE = [(80, 24), (220, 60)]


async def _palette(pilot, words: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*words)
    await pilot.pause(0.5)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_readiness_screen_shows_every_stage(example: Register, size: tuple[int, int]) -> None:
    with example.reader() as store:
        expected = readiness(example, store, today=TODAY)
    app = make_app(example)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ReadinessScreen)
        head = text_of(app, "#readiness-head")
        done = sum(1 for s in expected.stages if s.state == "done")
        assert f"{done} of 5 stages done" in head
        for stage in expected.stages:
            shown = text_of(app, f"#stage-{stage.key}")
            assert stage.title in shown and str(stage.state) in shown
            for criterion in stage.criteria:
                assert criterion.name.split()[0] in shown
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_readiness_from_the_palette(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _palette(pilot, "certification readiness")
        assert isinstance(app.screen, ReadinessScreen)


@pytest.mark.parametrize("size", SMALL_AND_WIDE, ids=["80x24", "220x60"])
async def test_trust_report_from_the_palette(
    example: Register, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(example)
    target = tmp_path / "public" / "trust.html"
    target.parent.mkdir()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await _palette(pilot, "write trust report")
        assert isinstance(app.screen, DocumentDialog)
        box = app.screen.query_one("#export-path", Input)
        box.value = str(tmp_path / "trust.pdf")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DocumentDialog), "a .pdf is refused, the dialog stays"
        assert ".html" in text_of(app, "#export-error")
        assert not (tmp_path / "trust.pdf").exists()
        box.value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, DocumentDialog)
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Retail credit scoring" in html
    assert "Internal code assistant" not in html
