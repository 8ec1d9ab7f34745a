"""The key map: every binding has an ID, [keys] in register.toml rebinds it, the help screen
shows the keys in force with their IDs, and a map naming an unknown action is refused before the
app starts."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import pytest
import textual.constants
from conftest import make_app
from textual.widgets import Markdown
from tui_helpers import SIZE, settle
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.errors import InputError
from riskgraph.register import Register
from riskgraph.tui.browser.browser import BrowserScreen
from riskgraph.tui.editor.form import EditorScreen
from riskgraph.tui.help.help import HelpScreen
from riskgraph.tui.keys import binding_ids, check_keymap, sections


def test_every_binding_of_ours_has_an_id() -> None:
    missing = [
        (title, b.key, b.action)
        for title, bindings in sections()
        if title != "Review"  # the review screen's bindings belong to the assistant's work
        for b in bindings
        if not b.id
    ]
    assert missing == []
    assert {"browse.edit", "query.run", "form.save", "app.help"} <= binding_ids()


async def test_a_remapped_key_works_and_the_old_one_does_not(example: Register) -> None:
    example.config.keys = {"browse.edit": "f4"}
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("t", "t")  # the risks tab
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)  # "e" no longer edits
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen) and app.screen.entity_id == "R-001"


async def test_the_help_shows_the_keys_in_force_with_their_ids(example: Register) -> None:
    example.config.keys = {"browse.edit": "f4", "query.run": "f9,ctrl+r"}
    app = make_app(example)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        assert "| `f4` | Edit | `browse.edit` |" in source
        assert "| `f9`, `ctrl+r` | Run | `query.run` |" in source
        assert "| `s` | Sort | `browse.sort` |" in source


def test_an_unknown_action_or_no_key_is_refused_with_where() -> None:
    with pytest.raises(InputError) as caught:
        check_keymap({"browse.edt": "f4"}, Path("reg"))
    said = str(caught.value)
    assert "reg/register.toml" in said and "[keys] browse.edt" in said and "browse.edit" in said
    with pytest.raises(InputError, match="not keys"):
        check_keymap({"browse.edit": " , "})
    assert check_keymap({"query.run": "f9, ctrl+r"}) == {"query.run": "f9,ctrl+r"}


def test_the_cli_refuses_a_bad_key_map_before_the_app_starts(
    writable: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert writable.folder is not None
    config = writable.folder / "register.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[keys]\n"browse.edt" = "f4"\n', encoding="utf-8"
    )
    monkeypatch.setattr(
        textual.constants, "DRIVER", "textual.drivers.headless_driver:HeadlessDriver"
    )
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    with (
        CliRunner().isolation() as (_out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", "tui", "-r", str(writable.folder)]),
    ):
        with pytest.raises(SystemExit) as exited:
            main()
        sys.stderr.flush()
        said = " ".join(err.getvalue().decode().split())
    assert exited.value.code not in (0, None)
    assert "register.toml" in said and "browse.edt" in said
