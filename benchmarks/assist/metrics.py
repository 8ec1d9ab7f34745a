"""Ranking metrics for the identification gold sets: precision@k, recall@k and MRR."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import mean

KS = (1, 3, 5, 10)


def precision_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    """Share of the first ``k`` places that hold a gold concept (empty places count as misses)."""
    return sum(1 for r in ranked[:k] if r in gold) / k


def recall_at(ranked: Sequence[str], gold: set[str], k: int) -> float:
    """Share of the gold concepts found in the first ``k`` places."""
    return sum(1 for g in gold if g in ranked[:k]) / len(gold) if gold else 0.0


def reciprocal_rank(ranked: Sequence[str], gold: set[str]) -> float:
    """1 / the place of the first gold concept, 0 when none is ranked."""
    for place, item in enumerate(ranked, start=1):
        if item in gold:
            return 1.0 / place
    return 0.0


def summary(runs: Sequence[tuple[Sequence[str], set[str]]], ks: Sequence[int] = KS) -> dict:
    """Mean precision@k, recall@k and MRR over (ranking, gold) pairs."""
    scored = [(r, g) for r, g in runs if g]
    if not scored:
        return {"cases": 0}
    out: dict = {"cases": len(scored)}
    for k in ks:
        out[f"precision@{k}"] = round(mean(precision_at(r, g, k) for r, g in scored), 4)
        out[f"recall@{k}"] = round(mean(recall_at(r, g, k) for r, g in scored), 4)
    out["mrr"] = round(mean(reciprocal_rank(r, g) for r, g in scored), 4)
    return out
