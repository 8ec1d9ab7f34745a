"""Control leverage: which controls carry the most risk, and which are single points of failure.

- **Leverage** of a control = the sum, over the risks it mitigates, of ``2 ** (rank - 1)`` where
  rank is the risk's inherent level rank (1 extremely low ... 7 extremely high): a high risk
  (rank 5) weighs 16, a moderate one (4) weighs 8. Each level counts twice the one below, as the
  DPV matrix cells of a level roughly double in likelihood x severity from one level to the next.
  Retired controls are left out; planned ones are ranked (they are meant to carry their risks).
- **Single point of failure (SPOF)**: a control in effect (implemented or verified) that is the
  only control in effect mitigating at least ``spof_min_risks`` (default 2) risks whose inherent
  level ranks at or above ``spof_min_level`` (default high). Withdrawing it makes each of those
  risks revert to its inherent level (see ``impact``).
- **Order**: leverage, highest first; ties are broken by betweenness centrality (how often the
  control lies on shortest paths between other nodes), then by ID. Betweenness is computed only
  when two controls tie, on the undirected risk layer of the typed graph: AI systems, risks,
  controls and ISO/IEC 42001 items (treatments, evidence, sources and components only hang off
  that chain). It is exact up to ``EXACT_CENTRALITY_NODES`` nodes; beyond that it is estimated
  from a seeded sample of source nodes (so the order is the same on every run): as many as a
  budget of ``CENTRALITY_BUDGET`` node and edge visits allows, from 8 to 64.
"""

from __future__ import annotations

from typing import Final, Literal

import networkx as nx
from pydantic import BaseModel

from riskgraph.analysis.graph import (
    CATALOGUE_KINDS,
    NodeKind,
    RegisterGraph,
    Relation,
    level_rank,
)
from riskgraph.config import LEVEL_NAMES
from riskgraph.ids import natural_key

RANK_CONTROLS_FORMAT: Final = "riskgraph.rank-controls/1"
EXACT_CENTRALITY_NODES = 300
CENTRALITY_BUDGET = 1_000_000
"""Node and edge visits spent on estimating betweenness; each sampled source costs one walk."""
CENTRALITY_SAMPLES = (8, 64)
"""Fewest and most source nodes sampled."""
CENTRALITY_SEED = 42


def level_weight(level: str | None) -> int:
    """Weight of a risk by its inherent level: 2 ** (rank - 1); 0 for an unscored risk."""
    rank = level_rank(level)
    return 2 ** (rank - 1) if rank else 0


class SpofRule(BaseModel):
    min_risks: int
    min_level: str


class ControlLeverage(BaseModel):
    position: int
    """1 for the control with the most leverage."""
    id: str
    title: str
    status: str | None
    leverage: int
    risks: int
    """Risks it mitigates."""
    risks_by_level: dict[str, int]
    """Risks it mitigates, by inherent level, highest first."""
    sole_risks: list[str]
    """Risks for which it is the only control in effect (any level)."""
    spof: bool
    spof_risks: list[str]
    """Risks at or above the SPOF level it alone mitigates."""
    centrality: float | None
    """Betweenness on the risk layer; computed only when leverage ties need breaking."""


Centrality = Literal["exact", "sampled", "not needed"]


class ControlRanking(BaseModel):
    format: Literal["riskgraph.rank-controls/1"] = RANK_CONTROLS_FORMAT
    revision: int
    spof_rule: SpofRule
    centrality: Centrality
    """How the tie-breaker was computed: not at all when no two controls tie."""
    controls: list[ControlLeverage]


def rank_controls(
    graph: RegisterGraph, *, spof_min_risks: int = 2, spof_min_level: str = "high"
) -> ControlRanking:
    """Controls (not retired) ordered by leverage, with SPOF flags."""
    if spof_min_level not in LEVEL_NAMES:
        raise ValueError(f"spof_min_level must be one of {', '.join(LEVEL_NAMES)}")
    threshold = level_rank(spof_min_level)
    controls = [c for c in graph.nodes_of(NodeKind.CONTROL) if graph.status(c) != "retired"]
    rows = []
    for control in controls:
        risks = [
            r for r in graph.out(control, Relation.MITIGATES) if graph.kind(r) is NodeKind.RISK
        ]
        sole = (
            [r for r in risks if _effective_mitigators(graph, r) == {control}]
            if graph.in_effect(control)
            else []
        )
        spof_risks = [r for r in sole if level_rank(graph.level(r)) >= threshold]
        rows.append(
            ControlLeverage(
                position=0,
                id=control,
                title=graph.title(control),
                status=graph.status(control),
                leverage=sum(level_weight(graph.level(r)) for r in risks),
                risks=len(risks),
                risks_by_level=_by_level(graph, risks),
                sole_risks=sorted(sole, key=natural_key),
                spof=len(spof_risks) >= spof_min_risks,
                spof_risks=sorted(spof_risks, key=natural_key),
                centrality=None,
            )
        )
    method: Centrality = "not needed"
    leverages = [row.leverage for row in rows]
    if len(set(leverages)) < len(leverages):
        centrality, method = _centrality(graph)
        for row in rows:
            row.centrality = round(centrality.get(row.id, 0.0), 6)
    rows.sort(key=lambda row: (-row.leverage, -(row.centrality or 0.0), natural_key(row.id)))
    for position, row in enumerate(rows, start=1):
        row.position = position
    return ControlRanking(
        revision=graph.revision,
        spof_rule=SpofRule(min_risks=spof_min_risks, min_level=spof_min_level),
        centrality=method,
        controls=rows,
    )


def _effective_mitigators(graph: RegisterGraph, risk: str) -> set[str]:
    return {c for c in graph.into(risk, Relation.MITIGATES) if graph.in_effect(c)}


def _by_level(graph: RegisterGraph, risks: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for risk in sorted(risks, key=lambda r: -level_rank(graph.level(r))):
        name = graph.level(risk) or "unscored"
        counts[name] = counts.get(name, 0) + 1
    return counts


def _centrality(graph: RegisterGraph) -> tuple[dict[str, float], Centrality]:
    layer = graph.nodes_of(NodeKind.SYSTEM, NodeKind.RISK, NodeKind.CONTROL, *CATALOGUE_KINDS)
    members = set(layer)
    undirected = nx.Graph()  # a plain copy: much faster to walk than a subgraph view
    undirected.add_nodes_from(layer)
    undirected.add_edges_from((u, v) for u, v in graph.nx.edges if u in members and v in members)
    if undirected.number_of_nodes() <= EXACT_CENTRALITY_NODES:
        return nx.betweenness_centrality(undirected), "exact"
    size = undirected.number_of_nodes() + undirected.number_of_edges()
    fewest, most = CENTRALITY_SAMPLES
    k = max(fewest, min(most, CENTRALITY_BUDGET // size))
    return nx.betweenness_centrality(undirected, k=k, seed=CENTRALITY_SEED), "sampled"
