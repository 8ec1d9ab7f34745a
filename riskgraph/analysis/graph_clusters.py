"""Risk clusters: groups of risks with the same sources and controls, which one treatment could
cover.

Each risk is described by its features: its risk sources (register and Annex C) and the controls
(not retired) that mitigate it. Two risks are similar when the Jaccard index of their features,
|A ∩ B| / |A ∪ B|, reaches the threshold (default 0.5). Clusters are the communities of that
similarity graph (Louvain modularity, edges weighted by the Jaccard index, fixed seed), with two
risks or more. A community never spans two unconnected groups, so on a small register clusters
are usually the connected components; on a large one, where popular controls and sources chain
most risks into one component, the communities are the dense groups inside it.

Pairs are found with prefix filtering (All-Pairs, Bayardo et al. 2007): with the features of each
risk ordered rarest first, two risks can reach the threshold only if they share one of the first
|A| - ceil(t |A|) + 1 features of the larger, so only those are indexed and probed; every
candidate is then checked exactly. The answer is the same as comparing every pair.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Final, Literal

import networkx as nx
from pydantic import BaseModel

from riskgraph.analysis.graph import (
    NodeKind,
    RegisterGraph,
    Relation,
    level_rank,
    node_order,
)
from riskgraph.ids import natural_key

RANK_RISKS_FORMAT: Final = "riskgraph.rank-risks/1"
DEFAULT_THRESHOLD = 0.5
COMMUNITY_SEED = 42


class ClusterRisk(BaseModel):
    id: str
    title: str
    level: str | None
    """Inherent level."""


class SharedFeature(BaseModel):
    id: str
    kind: NodeKind
    title: str
    risks: int
    """Members of the cluster that have it."""


class RiskCluster(BaseModel):
    number: int
    size: int
    top_level: str | None
    """Highest inherent level among the members."""
    cohesion: float
    """Mean Jaccard index over the similar pairs inside the cluster."""
    risks: list[ClusterRisk]
    shared: list[SharedFeature]
    """Sources and controls held by at least two members, most shared first (then risk
    sources, controls and Annex C sources, by ID)."""
    systems: list[str]
    """AI systems the members affect."""


class RiskClustering(BaseModel):
    format: Literal["riskgraph.rank-risks/1"] = RANK_RISKS_FORMAT
    revision: int
    threshold: float
    clusters: list[RiskCluster]
    unclustered: int
    """Risks similar to no other risk (or with no sources and controls at all)."""


def risk_features(graph: RegisterGraph, risk: str) -> frozenset[str]:
    """Risk sources and mitigating controls (retired ones left out) of a risk."""
    sources = graph.out(risk, Relation.HAS_RISK_SOURCE)
    controls = [c for c in graph.into(risk, Relation.MITIGATES) if graph.status(c) != "retired"]
    return frozenset([*sources, *controls])


def similar_pairs(
    features: dict[str, frozenset[str]], threshold: float
) -> list[tuple[str, str, float]]:
    """Every pair (a, b, jaccard) with jaccard >= threshold, a < b in natural order."""
    if not 0 < threshold <= 1:
        raise ValueError("the similarity threshold must be above 0 and at most 1")
    frequency = Counter(f for fs in features.values() for f in fs)
    order = {r: natural_key(r) for r in features}
    ordered = {r: sorted(fs, key=lambda f: (frequency[f], f)) for r, fs in features.items() if fs}
    index: dict[str, list[str]] = defaultdict(list)
    pairs = []
    for risk in sorted(ordered, key=lambda r: (len(ordered[r]), order[r])):
        mine = ordered[risk]
        size = len(mine)
        prefix = size - math.ceil(threshold * size - 1e-9) + 1
        candidates: set[str] = set()
        for feature in mine[:prefix]:
            candidates.update(index[feature])
        for other in candidates:
            if len(ordered[other]) < threshold * size - 1e-9:
                continue  # too small to reach the threshold
            a, b = features[risk], features[other]
            shared = len(a & b)
            jaccard = shared / (len(a) + len(b) - shared)
            if jaccard >= threshold - 1e-9:
                first, second = (risk, other) if order[risk] < order[other] else (other, risk)
                pairs.append((first, second, jaccard))
        for feature in mine[:prefix]:
            index[feature].append(risk)
    pairs.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return pairs


def cluster_risks(graph: RegisterGraph, *, threshold: float = DEFAULT_THRESHOLD) -> RiskClustering:
    """Risks grouped by shared sources and controls; biggest cluster first."""
    risks = graph.nodes_of(NodeKind.RISK)
    features = {r: risk_features(graph, r) for r in risks}
    similarity = nx.Graph()
    similarity.add_weighted_edges_from(similar_pairs(features, threshold))
    communities = nx.community.louvain_communities(similarity, weight="weight", seed=COMMUNITY_SEED)
    clusters = []
    for community in communities:
        if len(community) < 2:
            continue
        members = sorted(community, key=natural_key)
        weights = [w for _, _, w in similarity.subgraph(members).edges(data="weight")]
        clusters.append(_describe(graph, members, features, sum(weights) / len(weights)))
    clusters.sort(key=lambda c: (-c.size, -level_rank(c.top_level), natural_key(c.risks[0].id)))
    for number, cluster in enumerate(clusters, start=1):
        cluster.number = number
    clustered = sum(c.size for c in clusters)
    return RiskClustering(
        revision=graph.revision,
        threshold=threshold,
        clusters=clusters,
        unclustered=len(risks) - clustered,
    )


def _describe(
    graph: RegisterGraph,
    members: list[str],
    features: dict[str, frozenset[str]],
    cohesion: float,
) -> RiskCluster:
    counts = Counter(f for m in members for f in features[m])
    shared = sorted(
        (f for f, n in counts.items() if n >= 2),
        key=lambda f: (-counts[f], node_order(graph.kind(f), f)),
    )
    levels = [graph.level(m) for m in members]
    return RiskCluster(
        number=0,
        size=len(members),
        top_level=max(levels, key=level_rank),
        cohesion=round(cohesion, 4),
        risks=[ClusterRisk(id=m, title=graph.title(m), level=graph.level(m)) for m in members],
        shared=[
            SharedFeature(id=f, kind=graph.kind(f), title=graph.title(f), risks=counts[f])
            for f in shared
        ],
        systems=graph.sorted({s for m in members for s in graph.out(m, Relation.AFFECTS)}),
    )
