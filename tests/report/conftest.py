"""Fixtures for the SoA and report tests: the Harbourline example register, in memory."""

from __future__ import annotations

import pytest
from report_support import harbourline_config

from riskgraph.register import Register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.store.base import ChangeSet, Store, commit
from riskgraph.vocab import REGISTER_GRAPH


@pytest.fixture(scope="module")
def harbourline() -> Register:
    """The Harbourline example register, in memory (shared by the tests of a module: read only)."""
    register = Register.in_memory(harbourline_config())
    with register.writer() as store:
        commit(store, ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    return register


@pytest.fixture(scope="module")
def harbourline_store(harbourline: Register) -> Store:
    with harbourline.reader() as store:
        return store
