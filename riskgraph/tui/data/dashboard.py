"""What the dashboard shows: counts, heatmaps, coverage gaps, reviews due and drafts waiting.

Each part loads on its own (the gap rules are the slowest), so the dashboard fills in as the
parts arrive instead of waiting for the slowest one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyoxigraph as ox

from riskgraph.ids import natural_key
from riskgraph.model.entities import ENTITY_TYPES
from riskgraph.model.rdf import rdf_types_for
from riskgraph.register import Register
from riskgraph.scoring import Level, Matrix, matrix, matrix_by_iri
from riskgraph.store.base import Store, Term, read_revision
from riskgraph.views.nodes import NodeInfo, describe
from riskgraph.vocab import REGISTER_GRAPH, RG, XSD

REVIEW_HORIZON_DAYS = 30
"""Reviews due within this many days count as 'due soon'."""
REVIEWED_KINDS = (RG + "Risk", RG + "Treatment", RG + "Control")
"""What the review panel watches."""
SHOWN_DUE = 50
"""Reviews listed on the dashboard; the counts cover them all."""
SHOWN_GAPS = 8


@dataclass(frozen=True)
class Heatmap:
    """Risks counted per likelihood and severity on one matrix."""

    matrix: Matrix
    counts: dict[tuple[int, int], int]
    """(likelihood, severity) -> number of risks."""
    elsewhere: int = 0
    """Risks scored on another matrix, not in this grid."""
    unscored: int = 0
    """Risks without these scores (for the residual map: not yet re-scored)."""

    def level(self, likelihood: int, severity: int) -> Level:
        return self.matrix.level(likelihood, severity)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Overview:
    register_name: str
    revision: int
    counts: dict[str, int]
    """Entity kind (plural) -> how many the register holds, for kinds it holds."""
    inherent: Heatmap
    residual: Heatmap
    appetite: str
    above_appetite: int
    """Risks whose current level ranks above the appetite."""


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


@dataclass(frozen=True)
class GapLine:
    name: str
    title: str
    count: int


@dataclass(frozen=True)
class GapSummary:
    rules: int
    total: int
    top: list[GapLine]
    """Rules with gaps, most gaps first, at most ``SHOWN_GAPS``."""


def _rows(store: Store, sparql: str) -> Iterator[dict[str, Term | None]]:
    """Rows of a query over our own vocabulary (its IRIs are constants, not user input)."""
    result = store.select(sparql)
    return result.rows


_COUNTS = f"""
SELECT ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?s a ?type }} }}
GROUP BY ?type"""
_SCORES = f"""
PREFIX rg: <{RG}>
SELECT ?m ?l ?s ?rl ?rs (COUNT(?r) AS ?n) WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?r a rg:Risk ; rg:likelihood ?l ; rg:severity ?s .
    OPTIONAL {{ ?r rg:riskMatrix ?m }}
    OPTIONAL {{ ?r rg:residualLikelihood ?rl ; rg:residualSeverity ?rs }}
  }}
}} GROUP BY ?m ?l ?s ?rl ?rs"""


def load_overview(register: Register) -> Overview:
    with register.reader() as store:
        return read_overview(store, register)


def read_overview(store: Store, register: Register) -> Overview:
    by_type = {
        row["type"].value: int(row["n"].value)
        for row in _rows(store, _COUNTS)
        if row["type"] is not None and row["n"] is not None
    }
    counts = {
        cls.plural: n
        for cls in ENTITY_TYPES
        if (n := sum(by_type.get(t, 0) for t in rdf_types_for(cls)))
    }
    rows = _rows(store, _SCORES)
    grid = matrix(register.config.risk.matrix)
    appetite = register.config.risk
    inherent: dict[tuple[int, int], int] = {}
    residual: dict[tuple[int, int], int] = {}
    elsewhere = unscored = above = 0
    for row in rows:
        n = _int(row["n"])
        on = _matrix_of(row["m"], grid)
        if on.name != grid.name:
            elsewhere += n
        likelihood, severity = _int(row["l"]), _int(row["s"])
        res_l, res_s = _int(row["rl"]), _int(row["rs"])
        current = (res_l, res_s) if res_l and res_s else (likelihood, severity)
        if _on_grid(on, *current) and on.level(*current).rank > appetite.appetite_rank:
            above += n
        if on.name != grid.name:
            continue
        if _on_grid(grid, likelihood, severity):
            inherent[(likelihood, severity)] = inherent.get((likelihood, severity), 0) + n
        if res_l and res_s and _on_grid(grid, res_l, res_s):
            residual[(res_l, res_s)] = residual.get((res_l, res_s), 0) + n
        else:
            unscored += n
    return Overview(
        register_name=register.display_name,
        revision=read_revision(store),
        counts=counts,
        inherent=Heatmap(grid, inherent, elsewhere),
        residual=Heatmap(grid, residual, elsewhere, unscored),
        appetite=appetite.appetite,
        above_appetite=above,
    )


def _int(term: object) -> int:
    if isinstance(term, ox.Literal) and term.value.lstrip("+-").isdigit():
        return int(term.value)
    return 0


def _matrix_of(term: object, default: Matrix) -> Matrix:
    if isinstance(term, ox.NamedNode):
        try:
            return matrix_by_iri(term.value)
        except ValueError:
            return default
    return default


def _on_grid(grid: Matrix, likelihood: int, severity: int) -> bool:
    return (likelihood, severity) in grid.cells


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


def load_gap_summary(register: Register, today: date) -> GapSummary:
    """The gap rules with the most gaps (``riskgraph.analysis.gaps``)."""
    from riskgraph.analysis.gaps import run_gaps

    with register.reader() as store:
        report = run_gaps(register, store, today=today)
    lines = [GapLine(rule.name, rule.title, rule.count) for rule in report.rules if rule.count]
    lines.sort(key=lambda line: -line.count)
    return GapSummary(len(report.rules), report.total, lines[:SHOWN_GAPS])
