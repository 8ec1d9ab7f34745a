"""Helpers shared by the SoA and report tests (fixtures live in conftest.py).

"Today" is 2026-11-22, the day examples/harbourline/EXPECTED_GAPS.md is written for.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.register import Register
from riskgraph.store.base import ChangeSet, SelectResult, Store
from riskgraph.vocab import REGISTER_GRAPH, sparql_prefix_block

TODAY = date(2026, 11, 22)
GENERATED_AT = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
HARBOURLINE = "https://harbourline.example/ai-register/"


def harbourline_config() -> RegisterConfig:
    config = RegisterConfig()
    config.general.name = "Harbourline Group AI risk register (example)"
    config.general.base_iri = HARBOURLINE
    return config


def memory_register(turtle: str = "", config: RegisterConfig | None = None) -> Register:
    """An in-memory register holding ``turtle`` (prefix ``:`` is the register's base IRI)."""
    config = config or RegisterConfig()
    register = Register.in_memory(config)
    if turtle:
        text = f"@prefix : <{config.general.base_iri}> .\n{sparql_prefix_block()}{turtle}"
        target = ox.NamedNode(REGISTER_GRAPH)
        quads = [
            ox.Quad(t.subject, t.predicate, t.object, target)
            for t in ox.parse(text, format=ox.RdfFormat.TURTLE)
        ]
        register.commit(ChangeSet(add=quads))
    return register


def select(store: Store, body: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, str]]:
    """Rows of a SELECT (standard prefixes added), each value as its plain text."""
    result = store.query(sparql_prefix_block() + body, bindings or None)
    assert isinstance(result, SelectResult)
    return [
        {name: term.value for name, term in row.items() if term is not None} for row in result.rows
    ]
