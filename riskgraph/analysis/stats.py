"""Figures about a register: counts by type, risks by level, revision."""

from __future__ import annotations

from dataclasses import dataclass

from riskgraph.config import RegisterConfig
from riskgraph.model.entities import ENTITY_TYPES
from riskgraph.model.rdf import rdf_types_for
from riskgraph.scoring import all_levels
from riskgraph.store.base import Store, read_revision
from riskgraph.vocab import REGISTER_GRAPH, RG


@dataclass(frozen=True)
class RegisterStats:
    counts: dict[str, int]
    levels: dict[str, int]
    triples: int
    revision: int


def register_stats(store: Store, config: RegisterConfig) -> RegisterStats:
    result = store.select(
        "SELECT ?type (COUNT(DISTINCT ?s) AS ?n) "
        f"WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?s a ?type }} }} GROUP BY ?type"
    )
    by_type = {
        row["type"].value: int(row["n"].value) for row in result.rows if row["type"] and row["n"]
    }
    counts = {
        cls.plural: sum(by_type.get(t, 0) for t in rdf_types_for(cls)) for cls in ENTITY_TYPES
    }
    levels_result = store.select(
        f"SELECT ?level (COUNT(?r) AS ?n) WHERE {{ GRAPH <{REGISTER_GRAPH}> "
        f"{{ ?r <{RG}inherentLevel> ?level }} }} GROUP BY ?level"
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
