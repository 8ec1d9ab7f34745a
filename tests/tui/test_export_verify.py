"""Query to file and verify are one core function each, reached from the CLI and the TUI alike:
the same query exported by both faces gives the same file, and both faces verify it the same
way (the TUI through the export dialog's ^k)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import TODAY, make_app
from textual.widgets import Input, Select
from tui_helpers import SIZE, settle

from riskgraph.analysis.verify import verify_export
from riskgraph.queries import builtin_queries
from riskgraph.register import Register
from riskgraph.results import get_format, read_manifest
from riskgraph.tui.data.query import export_all, verify
from riskgraph.tui.export.export_dialog import ExportDialog
from riskgraph.tui.query.console import QueryScreen

QUERY = "risks-by-system"


def _cli(register: Register, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "riskgraph", *args, "-r", str(register.folder)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_both_faces_write_the_same_export_and_verify_it_alike(
    writable: Register, tmp_path: Path
) -> None:
    by_cli, by_tui = tmp_path / "cli.csv", tmp_path / "tui.csv"
    done = _cli(
        writable, "query", "run", QUERY, "-p", "system=SYS-CREDIT", "--today", str(TODAY),
        "-o", str(by_cli),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    exported = export_all(
        writable,
        builtin_queries()[QUERY],
        {"system": "SYS-CREDIT"},
        today=TODAY,
        path=by_tui,
        fmt=get_format("csv"),
        manifest=True,
    )
    assert by_cli.read_bytes() == by_tui.read_bytes()
    assert exported.manifest == tmp_path / "tui.csv.manifest.json"
    cli_manifest, tui_manifest = read_manifest(by_cli), read_manifest(by_tui)
    assert cli_manifest.result_sha256 == tui_manifest.result_sha256
    assert cli_manifest.parameters == tui_manifest.parameters

    # both faces call the same verify: unchanged register, both say it matches
    assert verify(writable, by_tui).matches
    assert _cli(writable, "verify", str(by_cli)).returncode == 0

    # a change to a risk of the export: both say it no longer matches, in the same words
    edited = _cli(writable, "edit", "R-001", "--title", "Retitled since the export")
    assert edited.returncode == 0, edited.stderr
    outcome = verify(writable, by_tui)
    assert not outcome.matches and outcome.register_changed
    cli = _cli(writable, "verify", str(by_tui))
    assert cli.returncode == 1
    for line in verify_export(by_tui, writable).describe():
        if not line.startswith("manifest:"):
            assert line in cli.stdout


async def test_the_export_dialog_verifies_a_file(writable: Register, tmp_path: Path) -> None:
    target = tmp_path / "credit.csv"
    export_all(
        writable,
        builtin_queries()[QUERY],
        {"system": "SYS-CREDIT"},
        today=TODAY,
        path=target,
        fmt=get_format("csv"),
        manifest=True,
    )
    app = make_app(writable)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        console = app.screen
        assert isinstance(console, QueryScreen)
        console.query_one("#stored", Select).value = QUERY
        await settle(pilot)
        console.query_one("#param-system", Input).value = "SYS-CREDIT"
        await pilot.press("ctrl+enter")
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("ctrl+k")
        await settle(pilot)
        notes = list(app._notifications)
    assert notes, "verify showed nothing"
    last = notes[-1]
    assert last.title == "The export still matches"
    assert "result:   matches" in last.message and "is unchanged since the export" in last.message
