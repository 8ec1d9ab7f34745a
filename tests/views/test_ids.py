"""One ID order for every list: the SoA, the analytics, the TUI and the listings agree."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from riskgraph.ids import natural_key, sort_ids

MIXED = ["4", "4.1", "6.1.2", "10.2", "A.2.2", "A.6.2.4", "A.6.2.10", "A.10.4", "C.3.4"]
REGISTER = ["C-9", "C-10", "R-2", "R-10", "R-100", "SYS-A", "SYS-B"]


def test_numbers_inside_ids_sort_by_value_and_clauses_come_before_annexes() -> None:
    for expected in (MIXED, REGISTER):
        shuffled = expected[:]
        random.Random(7).shuffle(shuffled)
        assert sort_ids(shuffled) == expected


@given(st.lists(st.from_regex(r"[A-Z]{0,3}[-.]?\d{0,3}(\.\d{1,2}){0,2}", fullmatch=True)))
def test_the_order_is_total_and_equal_keys_mean_equal_ids(ids: list[str]) -> None:
    ordered = sorted(ids, key=natural_key)
    assert sorted(reversed(ids), key=natural_key) == ordered
    for a, b in itertools.pairwise(ordered):
        assert natural_key(a) <= natural_key(b)
        assert (natural_key(a) == natural_key(b)) == (a == b)


def test_every_module_that_orders_ids_uses_the_one_key() -> None:
    from riskgraph.analysis import graph, graph_clusters, impact, rank, soa
    from riskgraph.tui.data import tab_reader
    from riskgraph.views import detail, heatmap, listing, table

    modules = (
        graph,
        graph_clusters,
        impact,
        rank,
        soa,
        heatmap,
        detail,
        listing,
        table,
        tab_reader,
    )
    for module in modules:
        assert module.natural_key is natural_key, module.__name__
