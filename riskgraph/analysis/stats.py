"""Figures about a register: counts by type, risks by level, revision."""

from __future__ import annotations

from dataclasses import dataclass

from riskgraph.config import RegisterConfig
from riskgraph.model.entities import CATALOGUE_RISK
from riskgraph.scoring import all_levels
from riskgraph.store.base import Store, read_revision
from riskgraph.views.dashboard import CATALOGUE_RISKS, entity_counts
from riskgraph.vocab import REGISTER_GRAPH, RG


@dataclass(frozen=True)
class RegisterStats:
    counts: dict[str, int]
    """Entity kind (plural) -> how many; catalogue risks not adopted apart, under
    ``CATALOGUE_RISKS`` (when there are any), never among the risks."""
    levels: dict[str, int]
    triples: int
    revision: int


def register_stats(store: Store, config: RegisterConfig) -> RegisterStats:
    counts, catalogue = entity_counts(store)
    if catalogue:
        counts[CATALOGUE_RISKS] = catalogue
    levels_result = store.select(
        f"SELECT ?level (COUNT(?r) AS ?n) WHERE {{ GRAPH <{REGISTER_GRAPH}> "
        f"{{ ?r <{RG}inherentLevel> ?level FILTER NOT EXISTS {{ ?r a <{CATALOGUE_RISK}> }} }} }} "
        "GROUP BY ?level"
    )
    known = all_levels()
    raw_levels = {
        row["level"].value: int(row["n"].value)
        for row in levels_result.rows
        if row["level"] and row["n"]
    }
    levels = {
        known[iri].label: n
        for iri, n in sorted(
            raw_levels.items(), key=lambda kv: -known[kv[0]].rank if kv[0] in known else 0
        )
        if iri in known
    }
    return RegisterStats(counts, levels, store.count(REGISTER_GRAPH), read_revision(store))
