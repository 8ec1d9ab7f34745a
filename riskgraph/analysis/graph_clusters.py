"""Risk clusters: groups of risks with the same sources and controls, which one treatment could
cover.

Each risk is described by its features: its risk sources (register and Annex C) and the controls
(not retired) that mitigate it. Two risks are similar when the Jaccard index of their features,
|A ∩ B| / |A ∪ B|, reaches the threshold (default 0.5). Clusters are the communities of that
similarity graph (Louvain modularity, edges weighted by the Jaccard index, fixed seed), with two
risks or more. A community never spans two unconnected groups, so on a small register clusters
are usually the connected components; on a large one, where popular controls and sources chain
most risks into one component, the communities are the dense groups inside it.

Pairs are found through an inverted index of the features (a sparse risk x feature matrix
multiplied by its transpose, a block of risks at a time): only pairs that share a feature are
ever looked at, each with its exact intersection, and memory stays bounded by the block. The
answer is the same as comparing every pair. Communities are found with igraph's Louvain method
(C code; its random choices come from a generator seeded with ``COMMUNITY_SEED``).
"""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from typing import Final, Literal

import igraph
import numpy as np
import scipy.sparse as sp
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


PAIR_BLOCK = 500
"""Risks whose pairs are computed at once: what bounds the pair search's memory."""


def similar_pairs(
    features: dict[str, frozenset[str]], threshold: float
) -> list[tuple[str, str, float]]:
    """Every pair (a, b, jaccard) with jaccard >= threshold, a < b in natural order."""
    risks, first, second, jaccard = _similarity(features, threshold)
    order = {r: natural_key(r) for r in risks}
    pairs = []
    for i, j, weight in zip(first.tolist(), second.tolist(), jaccard.tolist(), strict=True):
        a, b = risks[i], risks[j]
        pairs.append((a, b, weight) if order[a] < order[b] else (b, a, weight))
    pairs.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return pairs


def _similarity(
    features: dict[str, frozenset[str]], threshold: float
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The risks with features, and the similar pairs as arrays of their positions in that
    list (first < second) with their Jaccard index."""
    if not 0 < threshold <= 1:
        raise ValueError("the similarity threshold must be above 0 and at most 1")
    risks = [r for r, fs in features.items() if fs]
    column: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for risk in risks:
        indices.extend(column.setdefault(f, len(column)) for f in features[risk])
        indptr.append(len(indices))
    shape = (len(risks), len(column))
    matrix = sp.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), np.array(indices), np.array(indptr)),
        shape=shape,
    )
    sizes = np.diff(matrix.indptr)
    transposed = matrix.T.tocsr()
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(risks), PAIR_BLOCK):
        shared = (matrix[start : start + PAIR_BLOCK] @ transposed).tocoo()
        rows, cols = shared.row.astype(np.int64) + start, shared.col.astype(np.int64)
        upper = cols > rows
        rows, cols, common = rows[upper], cols[upper], shared.data[upper].astype(np.int64)
        jaccard = common / (sizes[rows] + sizes[cols] - common)
        similar = jaccard >= threshold - 1e-9
        found.append((rows[similar], cols[similar], jaccard[similar]))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return risks, empty, empty, np.zeros(0)
    first, second, jaccard = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return risks, first, second, jaccard


_RANDOM_LOCK = threading.Lock()


def _communities(
    size: int, first: np.ndarray, second: np.ndarray, weights: np.ndarray
) -> list[int]:
    """Louvain communities of the weighted similarity graph: each node's community number."""
    graph = igraph.Graph(n=size, edges=np.column_stack([first, second]))
    graph.es["weight"] = weights
    with _RANDOM_LOCK:  # igraph draws from one process-wide generator
        igraph.set_random_number_generator(random.Random(COMMUNITY_SEED))
        try:
            membership = graph.community_multilevel(weights="weight").membership
        finally:
            igraph.set_random_number_generator(random)
    return list(membership)


def cluster_risks(graph: RegisterGraph, *, threshold: float = DEFAULT_THRESHOLD) -> RiskClustering:
    """Risks grouped by shared sources and controls; biggest cluster first."""
    all_risks = graph.nodes_of(NodeKind.RISK)
    features = {r: risk_features(graph, r) for r in all_risks}
    risks, first, second, jaccard = _similarity(features, threshold)
    membership = np.array(_communities(len(risks), first, second, jaccard), dtype=np.int64)
    inside = membership[first] == membership[second]
    community = membership[first][inside]
    count = max(int(membership.max(initial=-1)) + 1, 1)
    weight_sum = np.bincount(community, weights=jaccard[inside], minlength=count)
    pair_count = np.bincount(community, minlength=count)
    members: dict[int, list[str]] = defaultdict(list)
    for position, number in enumerate(membership.tolist()):
        members[number].append(risks[position])
    clusters = []
    for number, group in members.items():
        if len(group) < 2 or not pair_count[number]:
            continue
        cohesion = float(weight_sum[number] / pair_count[number])
        clusters.append(_describe(graph, sorted(group, key=natural_key), features, cohesion))
    clusters.sort(key=lambda c: (-c.size, -level_rank(c.top_level), natural_key(c.risks[0].id)))
    for number, cluster in enumerate(clusters, start=1):
        cluster.number = number
    clustered = sum(c.size for c in clusters)
    return RiskClustering(
        revision=graph.revision,
        threshold=threshold,
        clusters=clusters,
        unclustered=len(all_risks) - clustered,
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
