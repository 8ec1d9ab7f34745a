"""Fixtures for the library tests: registers with libraries loaded, the reference material."""

from __future__ import annotations

from pathlib import Path

import pytest
from library_support import REFERENCE

from riskgraph.library.catalogue import load
from riskgraph.register import Register, init_register


@pytest.fixture(scope="session")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"the reference material is not at {REFERENCE}")
    return REFERENCE


@pytest.fixture
def loaded_register() -> Register:
    """An in-memory register with FINOS, AI Atlas Nexus and the ISO harmonized structure loaded."""
    register = Register.in_memory()
    load(register, ["finos-aigf", "ai-atlas-nexus", "iso-hs"])
    return register


@pytest.fixture
def folder_register(tmp_path: Path) -> Register:
    return init_register(tmp_path / "reg")
