"""Fixtures shared by the whole suite: real registers, in memory and on disk."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from riskgraph.register import Register, init_register
from riskgraph.resources import example_register


@pytest.fixture
def memory_register() -> Register:
    """An empty in-memory register with the ontology and catalogue loaded."""
    return Register.in_memory()


@pytest.fixture
def disk_register(tmp_path: Path) -> Register:
    """An empty register folder on disk."""
    return init_register(tmp_path / "register")


@pytest.fixture
def example_register_folder(tmp_path: Path) -> Iterator[Path]:
    """A register folder on disk holding the Harbourline example."""
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    init_register(tmp_path / "example", with_example=True)
    yield tmp_path / "example"


_BESIDE_CLONE = Path(__file__).resolve().parents[2] / "shared" / "reference"
REFERENCE = Path(os.environ.get("RISKGRAPH_REFERENCE", _BESIDE_CLONE))
"""The shared reference material (upstream ontologies, ISO outline, real data sets)."""


def pytest_sessionstart(session: pytest.Session) -> None:
    # Tests that read the reference material skip without it on a developer's machine; CI has
    # it beside the clone, so there a missing folder is an error, not a reason to skip.
    if os.environ.get("CI") and not REFERENCE.is_dir():
        pytest.exit(f"CI needs the reference material at {REFERENCE}", returncode=1)
