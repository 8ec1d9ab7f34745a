"""Fixtures for import/export tests: real registers in memory (disk ones are made in tests)."""

from __future__ import annotations

import pytest
from io_support import config, every_kind, fill

from riskgraph.register import Register


@pytest.fixture
def empty() -> Register:
    return Register.in_memory(config())


@pytest.fixture
def full() -> Register:
    """A register holding every kind of entity with every field set."""
    register = Register.in_memory(config())
    fill(register, every_kind())
    return register
