"""``riskgraph tui`` tells the shell how it ended: 0 when the user quits, non-zero after a crash.

The command runs in-process through the console script's entry point, with Textual's headless
driver (there is no terminal under pytest). The crash is a fault injected into the dashboard,
the first screen the app shows."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import pytest
import textual.constants
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.tui.dashboard.dashboard import DashboardScreen

HEADLESS = "textual.drivers.headless_driver:HeadlessDriver"


def run_cli(*args: str) -> int:
    with (
        CliRunner().isolation(),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 1
        return 0


@pytest.fixture(autouse=True)
def _headless(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textual.constants, "DRIVER", HEADLESS)
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)


def test_a_crash_exits_non_zero(example_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: DashboardScreen) -> None:
        raise RuntimeError("injected fault")

    monkeypatch.setattr(DashboardScreen, "reload", crash)
    assert run_cli("tui", "-r", str(example_folder)) == 1


def test_quitting_exits_zero(example_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def quit_at_once(self: DashboardScreen) -> None:
        self.app.exit()

    monkeypatch.setattr(DashboardScreen, "reload", quit_at_once)
    assert run_cli("tui", "-r", str(example_folder)) == 0
