"""Fixtures for the TUI tests: the Harbourline example on disk, built once per test module and
copied for each test that writes; a fixed "today" (the example's own) so that screens are
deterministic."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from riskgraph.register import Register, init_register
from riskgraph.tui.app import RiskgraphApp

TODAY = date(2026, 11, 22)
"""The day the example register is written for (examples/harbourline/EXPECTED_GAPS.md)."""


@pytest.fixture(scope="module")
def example_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One example register per test module, for tests that only read."""
    folder = tmp_path_factory.mktemp("tui") / "example"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def example(example_folder: Path) -> Register:
    """The module's shared example register (do not write to it)."""
    return Register.open(example_folder)


@pytest.fixture
def writable(example_folder: Path, tmp_path: Path) -> Register:
    """A copy of the example register of this test's own, to write to."""
    folder = tmp_path / "register"
    shutil.copytree(example_folder, folder)
    return Register.open(folder)


def make_app(register: Register) -> RiskgraphApp:
    return RiskgraphApp(register, today=TODAY)
