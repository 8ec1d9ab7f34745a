"""Help, the light/dark toggle, the command palette, and the CLI command that starts it all."""

from __future__ import annotations

from conftest import make_app
from textual.command import CommandPalette
from textual.widgets import Markdown
from tui_helpers import SIZE, settle
from typer.testing import CliRunner

from riskgraph.cli.app import app as cli
from riskgraph.register import Register
from riskgraph.tui.dashboard.dashboard import DashboardScreen
from riskgraph.tui.detail.explore import ExploreScreen
from riskgraph.tui.help.help import HelpScreen, key_tables


async def test_help_opens_and_closes(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert "Levels and appetite" in text and "**moderate**" in text
        assert "| `ctrl+enter`, `ctrl+j`, `f5` | Run | `query.run` |" in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


def test_every_action_with_a_description_is_in_the_help() -> None:
    tables = key_tables({})
    for needed in ("Back", "Forward", "Export", "Check and save", "Reject", "Light/dark"):
        assert f"| {needed} |" in tables


async def test_theme_toggles_and_is_remembered(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        assert app.current_theme.dark
        await pilot.press("ctrl+t")
        assert not app.current_theme.dark
        app.theme = "solarized-light"  # chosen from the theme picker
        await pilot.press("ctrl+t")
        assert app.current_theme.dark and app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "solarized-light"  # the light theme of this session


async def test_palette_runs_actions_and_opens_entities(example: Register) -> None:
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"R-001")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExploreScreen)
        assert app.history.current == example.base_iri + "R-001"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"toggle light")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.current_theme.dark


def test_the_cli_command_finds_the_register_or_says_why(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["tui", "-r", str(tmp_path)])
    assert result.exit_code != 0
    assert "not a register" in str(result.exception) or "not a register" in result.output
