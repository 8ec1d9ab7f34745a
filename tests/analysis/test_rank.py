"""Control leverage, single points of failure and risk clusters on the Harbourline example.

SPOFs are checked against a plain SPARQL query; clusters against an all-pairs comparison.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskgraph.analysis import graph_clusters
from riskgraph.analysis.graph import NodeKind, RegisterGraph
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.graph_clusters import cluster_risks, risk_features, similar_pairs
from riskgraph.analysis.impact import impact
from riskgraph.analysis.rank import level_weight, rank_controls
from riskgraph.config import RegisterConfig
from riskgraph.model.entities import Control, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.store.base import ChangeSet, SelectResult
from riskgraph.vocab import PREFIXES, REGISTER_GRAPH, sparql_prefix_block

BASE = "https://harbourline.example/ai-register/"


def example() -> Register:
    config = RegisterConfig()
    config.general.base_iri = BASE
    register = Register.in_memory(config)
    register.commit(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    return register


@pytest.fixture(scope="module")
def register() -> Register:
    return example()


@pytest.fixture(scope="module")
def graph(register: Register) -> RegisterGraph:
    return load_graph(register)


# Control leverage ----------------------------------------------------------------------------


def test_level_weights_double_per_level() -> None:
    assert [level_weight(n) for n in ("very-low", "low", "moderate", "high", "very-high")] == [
        2, 4, 8, 16, 32,
    ]  # fmt: skip
    assert level_weight(None) == 0


def test_leverage_sums_the_weights_of_mitigated_risks(graph: RegisterGraph) -> None:
    rows = {row.id: row for row in rank_controls(graph).controls}
    # C-001: R-001 high (16) + R-006 very high (32); C-004: R-018 very high + R-003, R-028
    # moderate (8 each); C-042, both high; C-041 mitigates nothing.
    assert (rows["C-001"].leverage, rows["C-001"].risks) == (48, 2)
    assert rows["C-001"].risks_by_level == {"very-high": 1, "high": 1}
    assert (rows["C-004"].leverage, rows["C-004"].risks_by_level) == (
        48,
        {"very-high": 1, "moderate": 2},
    )
    assert rows["C-042"].leverage == 32
    assert (rows["C-041"].leverage, rows["C-041"].risks) == (0, 0)


def test_order_is_leverage_then_centrality_then_id(graph: RegisterGraph) -> None:
    ranking = rank_controls(graph)
    controls = ranking.controls
    assert len(controls) == 45 and "C-045" not in {c.id for c in controls}  # C-045 is retired
    assert [c.position for c in controls] == list(range(1, 46))
    assert ranking.centrality == "exact"  # the example has ties, and is small
    for a, b in itertools.pairwise(controls):
        assert a.leverage >= b.leverage
        if a.leverage == b.leverage:
            assert a.centrality is not None and b.centrality is not None
            assert a.centrality >= b.centrality
    assert controls[0].id in ("C-001", "C-004")  # the two with 48


SOLE_HIGH = """
SELECT ?control ?risk WHERE {
  ?c a rg:Control ; dcterms:identifier ?control ; rg:mitigates ?r ; rg:status ?status .
  FILTER (?status IN (rg:Implemented, rg:Verified))
  ?r dcterms:identifier ?risk ; rg:inherentLevel/rg:levelRank ?rank . FILTER (?rank >= 5)
  FILTER NOT EXISTS {
    ?other rg:mitigates ?r ; rg:status ?s2 .
    FILTER (?other != ?c && ?s2 IN (rg:Implemented, rg:Verified))
  }
}"""


def sole_high_risks(register: Register) -> dict[str, set[str]]:
    with register.reader() as store:
        result = store.query(sparql_prefix_block(PREFIXES) + SOLE_HIGH)
        assert isinstance(result, SelectResult)
        found: dict[str, set[str]] = {}
        for row in result.rows:
            assert row["control"] is not None and row["risk"] is not None
            found.setdefault(row["control"].value, set()).add(row["risk"].value)
    return found


def test_spof_flags_match_sparql(register: Register, graph: RegisterGraph) -> None:
    expected = sole_high_risks(register)
    assert expected  # some controls are the sole mitigation of one high risk ...
    assert all(len(risks) == 1 for risks in expected.values())  # ... but none of two
    default = rank_controls(graph)
    assert [c.id for c in default.controls if c.spof] == []
    assert {c.id: set(c.spof_risks) for c in default.controls if c.spof_risks} == expected
    one = rank_controls(graph, spof_min_risks=1)
    assert {c.id for c in one.controls if c.spof} == set(expected)
    assert {"C-001", "C-039"} <= set(expected)


def test_lower_spof_level_counts_more_risks(graph: RegisterGraph) -> None:
    rows = {c.id: c for c in rank_controls(graph, spof_min_level="moderate").controls}
    # C-004 is the only control in effect for R-003 and R-028 (both moderate).
    assert rows["C-004"].spof and rows["C-004"].spof_risks == ["R-003", "R-028"]
    assert rows["C-004"].sole_risks == ["R-003", "R-028"]


def test_a_second_sole_high_risk_makes_a_spof() -> None:
    register = example()
    with register.reader() as store:
        repository = Repository(store, BASE)
        control = repository.get("C-039")
        assert isinstance(control, Control) and control.mitigates == ["R-043"]
        risk = Risk(id="R-901", title="Batch jobs overrun", likelihood=3, severity=4)
        control.mitigates = ["R-043", "R-901"]
        plan = repository.plan_upsert([risk, control])
    register.commit(plan.changes)
    graph = load_graph(register)
    row = next(c for c in rank_controls(graph).controls if c.id == "C-039")
    assert row.spof and row.spof_risks == ["R-043", "R-901"]
    # Withdrawing the SPOF sends both back to their inherent level.
    effects = {e.id: e.outcome for e in impact(graph, ["C-039"]).risk_effects}
    assert effects == {"R-043": "reverts", "R-901": "reverts"}


# Risk clusters -------------------------------------------------------------------------------


def brute_force_pairs(
    features: dict[str, frozenset[str]], threshold: float
) -> set[tuple[str, str]]:
    pairs = set()
    for a, b in itertools.combinations(sorted(features), 2):
        fa, fb = features[a], features[b]
        if fa and fb and len(fa & fb) / len(fa | fb) >= threshold:
            pairs.add((a, b))
    return pairs


def test_example_clusters(graph: RegisterGraph) -> None:
    clustering = cluster_risks(graph)
    assert [[r.id for r in c.risks] for c in clustering.clusters] == [
        ["R-012", "R-025", "R-033", "R-038", "R-041", "R-042"],
        ["R-003", "R-018", "R-028"],
        ["R-001", "R-006"],
        ["R-009", "R-019"],
        ["R-002", "R-044"],
        ["R-026", "R-029"],
    ]
    assert clustering.unclustered == 46 - 17
    # On the example the communities are the connected components of the all-pairs graph.
    features = {r: risk_features(graph, r) for r in graph.nodes_of(NodeKind.RISK)}
    components = nx.Graph(list(brute_force_pairs(features, 0.5)))
    assert sorted(sorted(c) for c in nx.connected_components(components)) == sorted(
        sorted(r.id for r in c.risks) for c in clustering.clusters
    )
    second = clustering.clusters[1]
    assert (second.number, second.top_level) == (2, "very-high")
    assert [(f.id, f.kind, f.risks) for f in second.shared] == [
        ("RS-MODEL-DRIFT", NodeKind.SOURCE, 3),
        ("C-004", NodeKind.CONTROL, 3),
        ("C.3.1", NodeKind.ANNEX_C, 3),
    ]
    assert second.systems == ["SYS-CREDIT", "SYS-DEMAND", "SYS-FRAUD"]


def test_threshold_one_groups_identical_features(graph: RegisterGraph) -> None:
    clustering = cluster_risks(graph, threshold=1.0)
    assert [[r.id for r in c.risks] for c in clustering.clusters] == [["R-002", "R-044"]]
    assert clustering.clusters[0].cohesion == 1.0


def test_retired_controls_are_not_features(graph: RegisterGraph) -> None:
    assert "C-045" not in risk_features(graph, "R-016")
    assert "C-010" in risk_features(graph, "R-016")


def test_clusters_are_deterministic(graph: RegisterGraph) -> None:
    assert cluster_risks(graph).model_dump_json() == cluster_risks(graph).model_dump_json()


feature_sets = st.dictionaries(
    st.from_regex(r"R-[0-9]{1,2}", fullmatch=True),
    st.frozensets(st.sampled_from([f"F{i}" for i in range(8)]), max_size=6),
    max_size=25,
)


@settings(max_examples=100, deadline=None)
@given(
    features=feature_sets,
    threshold=st.sampled_from([0.2, 1 / 3, 0.5, 0.6, 2 / 3, 0.75, 1.0]),
    block=st.sampled_from([1, 3, graph_clusters.PAIR_BLOCK]),
)
def test_the_pair_search_finds_every_similar_pair(
    features: dict[str, frozenset[str]], threshold: float, block: int
) -> None:
    """The inverted-index search, in blocks of any size, equals comparing every pair."""
    kept = graph_clusters.PAIR_BLOCK
    graph_clusters.PAIR_BLOCK = block
    try:
        found = similar_pairs(features, threshold)
    finally:
        graph_clusters.PAIR_BLOCK = kept
    assert {tuple(sorted((a, b))) for a, b, _ in found} == brute_force_pairs(features, threshold)
    for a, b, jaccard in found:
        assert jaccard == len(features[a] & features[b]) / len(features[a] | features[b])


def test_threshold_must_be_a_fraction() -> None:
    with pytest.raises(ValueError, match="above 0 and at most 1"):
        similar_pairs({}, 0)
