"""What a dashboard shows: how many entities of each kind, the heatmaps of the register's matrix,
the risks above appetite, and the reviews due.

Each part loads on its own, so a dashboard can fill in as the parts arrive; the gap summary is
``riskgraph.analysis.gap_summary``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from riskgraph.model.entities import CATALOGUE_RISK, ENTITY_TYPES, Risk
from riskgraph.model.rdf import rdf_types_for
from riskgraph.register import Register
from riskgraph.store.base import Store, read_revision
from riskgraph.views.due import load_due
from riskgraph.views.heatmap import (
    Heatmap,
    count_above_appetite,
    heatmap_data,
    heatmap_from_data,
    matrix_heatmaps,
    read_scored_risks,
)
from riskgraph.views.kept import kept
from riskgraph.views.nodes import NodeInfo
from riskgraph.vocab import REGISTER_GRAPH

REVIEW_HORIZON_DAYS = 30
"""Reviews due within this many days count as 'due soon'."""
SHOWN_DUE = 50
"""Reviews listed on the dashboard; the counts cover them all."""


@dataclass(frozen=True)
class Overview:
    register_name: str
    revision: int
    counts: dict[str, int]
    """Entity kind (plural) -> how many the register holds, for kinds it holds; risks are the
    register's own, catalogue risks not adopted are ``catalogue_risks``."""
    inherent: Heatmap
    """On the register's matrix; ``elsewhere`` counts the risks on other matrices."""
    residual: Heatmap
    appetite: str
    above_appetite: int
    """Risks whose current level ranks above the appetite (on whichever matrix they are)."""
    catalogue_risks: int = 0
    """Catalogue risks not adopted (rg:CatalogueRisk, e.g. imported from the MIT AI Risk
    Repository): counted apart, in no heatmap and no other figure."""


@dataclass(frozen=True)
class DueItem:
    node: NodeInfo
    due: date

    def state(self, today: date) -> str:
        """'12 d late', 'today', 'in 5 d'."""
        days = (self.due - today).days
        if days < 0:
            return f"{-days} d late"
        return "today" if days == 0 else f"in {days} d"


@dataclass(frozen=True)
class DueReviews:
    overdue: int
    soon: int
    items: list[DueItem] = field(default_factory=list)
    """The most urgent first, at most ``SHOWN_DUE``."""


_COUNTS = f"""
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?s a ?type }} }}
GROUP BY ?type"""

CATALOGUE_RISKS = "catalogue risks, not adopted"
"""The label of the catalogue risks' own figure, in every face."""


def entity_counts(store: Store) -> tuple[dict[str, int], int]:
    """(entity kind (plural) -> how many the register holds, for every kind; catalogue risks
    not adopted). Catalogue risks are not among the risks: they are counted apart."""
    by_type = {
        row["type"].value: int(row["n"].value)
        for row in store.select(_COUNTS).rows
        if row["type"] is not None and row["n"] is not None
    }
    catalogue = by_type.get(CATALOGUE_RISK, 0)
    counts = {
        cls.plural: sum(by_type.get(t, 0) for t in rdf_types_for(cls))
        - (catalogue if cls is Risk else 0)
        for cls in ENTITY_TYPES
    }
    return counts, catalogue


def load_overview(register: Register) -> Overview:
    """``read_overview`` on the register, kept per register state (``riskgraph.views.kept``):
    at size L, reading it costs about 1.5 s, reading it kept a few milliseconds."""

    def compute() -> Overview:
        with register.reader() as store:
            return read_overview(store, register)

    return kept(
        register,
        "overview",
        format=1,
        inputs={},
        compute=compute,
        encode=_overview_data,
        decode=_overview_from_data,
    )


def _overview_data(overview: Overview) -> dict[str, Any]:
    return {
        "register_name": overview.register_name,
        "revision": overview.revision,
        "counts": overview.counts,
        "inherent": heatmap_data(overview.inherent),
        "residual": heatmap_data(overview.residual),
        "appetite": overview.appetite,
        "above_appetite": overview.above_appetite,
        "catalogue_risks": overview.catalogue_risks,
    }


def _overview_from_data(data: dict[str, Any]) -> Overview:
    return Overview(
        register_name=str(data["register_name"]),
        revision=int(data["revision"]),
        counts={str(kind): int(n) for kind, n in data["counts"].items()},
        inherent=heatmap_from_data(data["inherent"]),
        residual=heatmap_from_data(data["residual"]),
        appetite=str(data["appetite"]),
        above_appetite=int(data["above_appetite"]),
        catalogue_risks=int(data["catalogue_risks"]),
    )


def read_overview(store: Store, register: Register) -> Overview:
    every, catalogue = entity_counts(store)
    counts = {kind: n for kind, n in every.items() if n}
    config = register.config.risk
    risks = read_scored_risks(store, config.matrix)
    grid = matrix_heatmaps(store, risks, config.matrix)
    return Overview(
        register_name=register.display_name,
        revision=read_revision(store),
        counts=counts,
        inherent=grid.inherent,
        residual=grid.residual,
        appetite=config.appetite,
        above_appetite=count_above_appetite(risks, config.appetite_rank),
        catalogue_risks=catalogue,
    )


def load_due_reviews(register: Register, today: date) -> DueReviews:
    """Risks, treatments, controls and AI systems whose review is overdue or due within the
    horizon: the review schedule of ``riskgraph.views.due`` (what ``riskgraph due`` lists), kept
    per register state and day (``riskgraph.views.kept``)."""
    return kept(
        register,
        "due-reviews",
        format=1,
        inputs={
            "today": today.isoformat(),
            "horizon": REVIEW_HORIZON_DAYS,
            "shown": SHOWN_DUE,
        },
        compute=lambda: _due_reviews(register, today),
        encode=_due_data,
        decode=_due_from_data,
    )


def _due_reviews(register: Register, today: date) -> DueReviews:
    schedule = load_due(register, today, within_days=REVIEW_HORIZON_DAYS)
    items = [
        DueItem(
            NodeInfo(entry.iri, entry.id, KIND_WORDS.get(entry.kind, entry.kind), entry.title),
            entry.next_review,
        )
        for entry in schedule.entries[:SHOWN_DUE]
    ]
    return DueReviews(schedule.overdue, schedule.due, items)


KIND_WORDS = {"system": "AI system", "treatment": "risk treatment"}
"""Entity kinds as the panel names them, where that differs from the kind."""


def _due_data(due: DueReviews) -> dict[str, Any]:
    return {
        "overdue": due.overdue,
        "soon": due.soon,
        "items": [
            [i.node.iri, i.node.key, i.node.kind, i.node.title, i.due.isoformat()]
            for i in due.items
        ],
    }


def _due_from_data(data: dict[str, Any]) -> DueReviews:
    items = [
        DueItem(NodeInfo(str(iri), str(key), str(kind), str(title)), date.fromisoformat(day))
        for iri, key, kind, title, day in data["items"]
    ]
    return DueReviews(int(data["overdue"]), int(data["soon"]), items)
