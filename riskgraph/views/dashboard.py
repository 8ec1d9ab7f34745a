"""What a dashboard shows: how many entities of each kind, the heatmaps of the register's matrix,
the risks above appetite, and the reviews due.

Each part loads on its own, so a dashboard can fill in as the parts arrive; the gap summary is
``riskgraph.analysis.gap_summary``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyoxigraph as ox

from riskgraph.ids import natural_key
from riskgraph.model.entities import CATALOGUE_RISK, ENTITY_TYPES, Risk
from riskgraph.model.rdf import rdf_types_for
from riskgraph.register import Register
from riskgraph.store.base import Store, Term, read_revision
from riskgraph.views.heatmap import (
    Heatmap,
    count_above_appetite,
    matrix_heatmaps,
    read_scored_risks,
)
from riskgraph.views.nodes import NodeInfo, describe
from riskgraph.vocab import REGISTER_GRAPH, RG, XSD

REVIEW_HORIZON_DAYS = 30
"""Reviews due within this many days count as 'due soon'."""
REVIEWED_KINDS = (RG + "Risk", RG + "Treatment", RG + "Control")
"""What the review panel watches."""
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


def _rows(store: Store, sparql: str) -> Iterator[dict[str, Term | None]]:
    """Rows of a query over our own vocabulary (its IRIs are constants, not user input)."""
    result = store.select(sparql)
    return result.rows


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
        for row in _rows(store, _COUNTS)
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
    with register.reader() as store:
        return read_overview(store, register)


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


_DUE = f"""
PREFIX rg: <{RG}>
SELECT ?s ?due WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?s rg:reviewDue ?due .
    FILTER(?due <= ?horizon)
    ?s a ?type .
    FILTER(?type IN ({", ".join(f"<{t}>" for t in REVIEWED_KINDS)}))
  }}
}}"""


def load_due_reviews(register: Register, today: date) -> DueReviews:
    """Risks, treatments and controls whose review is overdue or due within the horizon."""
    horizon = ox.Literal((today + timedelta(days=REVIEW_HORIZON_DAYS)).isoformat(), datatype=_DATE)
    with register.reader() as store:
        due: dict[str, date] = {}
        for row in _rows(store, _DUE.replace("?horizon", str(horizon))):
            subject, when = row["s"], row["due"]
            if not isinstance(subject, ox.NamedNode) or not isinstance(when, ox.Literal):
                continue
            try:
                due[subject.value] = date.fromisoformat(when.value)
            except ValueError:
                continue
        ordered = sorted(due, key=lambda iri: (due[iri], natural_key(iri)))
        shown = ordered[:SHOWN_DUE]
        items = [DueItem(describe(store, iri, register.base_iri), due[iri]) for iri in shown]
    overdue = sum(1 for iri in ordered if due[iri] < today)
    return DueReviews(overdue, len(ordered) - overdue, items)


_DATE = ox.NamedNode(XSD + "date")
