"""Fixtures shared by the whole suite: real registers, in memory and on disk."""

from __future__ import annotations

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
