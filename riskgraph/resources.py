"""Locate the data files (ontology, prompts) shipped with riskgraph.

In a wheel they sit in ``riskgraph/_data``; in a source checkout (editable install)
they sit at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder ``name`` ("ontology", "prompts" or "examples") of the installed data."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"riskgraph data folder {name!r} is missing from this installation")


def ontology_file(filename: str) -> Path:
    return data_dir("ontology") / filename


def prompts_dir() -> Path:
    return data_dir("prompts")


def example_register() -> Path:
    """The bundled example register (Turtle)."""
    return data_dir("examples") / "harbourline" / "register.ttl"


def example_snapshots() -> Path:
    """The snapshots shipped with the example register: earlier states of it."""
    return data_dir("examples") / "harbourline" / "snapshots"
