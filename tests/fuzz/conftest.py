"""Fixtures of the fuzz suite: one CLI worker per module, a pristine example register."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_support import Worker

from riskgraph.register import init_register


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Harbourline example register, never changed: registers are copied from it."""
    folder = tmp_path_factory.mktemp("fuzz-template") / "register"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture(scope="module")
def register(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working copy of the template; the worker puts it back after a command changed it."""
    folder = tmp_path_factory.mktemp("fuzz-register") / "register"
    shutil.copytree(template, folder, symlinks=True)
    return folder


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    # Commands that write a default file (report -> report.html) write it here, not in the
    # folder the tests were started from.
    running = Worker(cwd=tmp_path_factory.mktemp("fuzz-cwd"))
    yield running
    running.close()
