"""Column headings for people: no underscores, no internal names, IDs by what they identify."""

from __future__ import annotations

import pytest

from riskgraph.queries.library import builtin_queries
from riskgraph.results.headings import heading


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("id", "ID"),
        ("title", "Title"),
        ("owner_id", "Owner"),
        ("level_rank", "Level (1 to 7)"),
        ("inherent_level", "Inherent level"),
        ("risk_title", "Risk title"),
        ("annex_a_ref", "Annex A"),
        ("?days_left", "Days left"),
    ],
)
def test_heading(variable: str, expected: str) -> None:
    assert heading(variable) == expected


def test_no_stored_query_column_is_headed_with_an_internal_name() -> None:
    import re

    for query in builtin_queries().values():
        for variable in set(re.findall(r"\?([A-Za-z_][A-Za-z0-9_]*)", query.sparql)):
            shown = heading(variable)
            assert "_" not in shown and shown[:1].isupper(), (query.name, variable, shown)
