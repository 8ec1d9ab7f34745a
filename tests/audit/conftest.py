"""Shared by the audit tests: the console entry point as a function, and a clean environment."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No RISKGRAPH_* setting of the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("RISKGRAPH_"):
            monkeypatch.delenv(name)
