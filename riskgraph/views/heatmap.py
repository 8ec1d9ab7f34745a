"""Risks placed on their risk matrix: counts per (likelihood, severity) cell, inherent and residual.

One rule for every face (the HTML report, the TUI dashboard): a risk sits on the matrix it was
scored on (``rg:riskMatrix``); a risk that names none is placed on the register's configured
matrix; a risk that names a matrix riskgraph does not know is on none. A heatmap of one matrix
counts the risks on other matrices (``elsewhere``) and lists those on it whose scores of its kind
are missing or do not fit it (``not_placed``), so that every risk is accounted for. Risks above
appetite are counted on their current level (``riskgraph.scoring.current_level``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

import pyoxigraph as ox

from riskgraph.ids import natural_key
from riskgraph.scoring import (
    MATRIX_NAMES,
    Level,
    Matrix,
    above_appetite,
    current_level,
    matrix,
    matrix_by_iri,
)
from riskgraph.store.base import Store, Term, term_value
from riskgraph.vocab import sparql_prefix_block

Kind = Literal["inherent", "residual"]

_RISKS_QUERY = f"""{sparql_prefix_block()}
SELECT ?id ?matrix ?likelihood ?severity ?residual_likelihood ?residual_severity
WHERE {{
  ?risk a rg:Risk ;
      dcterms:identifier ?id .
  FILTER NOT EXISTS {{ ?risk a rg:CatalogueRisk }}
  OPTIONAL {{ ?risk rg:riskMatrix ?matrix }}
  OPTIONAL {{ ?risk rg:likelihood ?likelihood }}
  OPTIONAL {{ ?risk rg:severity ?severity }}
  OPTIONAL {{ ?risk rg:residualLikelihood ?residual_likelihood }}
  OPTIONAL {{ ?risk rg:residualSeverity ?residual_severity }}
}}
"""

# The DPV likelihood and severity concepts of each matrix index, e.g. risk:VeryHighLikelihood.
_AXES_QUERY = f"""{sparql_prefix_block()}
SELECT DISTINCT ?matrix ?axis ?index ?concept
WHERE {{
  ?cell skos:broader ?matrix .
  {{
    ?cell rg:likelihoodIndex ?index ; dpv:hasLikelihood ?concept .
    BIND("likelihood" AS ?axis)
  }} UNION {{
    ?cell rg:severityIndex ?index ; dpv:hasSeverity ?concept .
    BIND("severity" AS ?axis)
  }}
}}
"""


@dataclass(frozen=True)
class ScoredRisk:
    id: str
    matrix: Matrix | None
    inherent: tuple[int, int] | None
    """(likelihood, severity), when both are given."""
    residual: tuple[int, int] | None

    def level(self, kind: Kind) -> Level | None:
        cell = self.inherent if kind == "inherent" else self.residual
        if self.matrix is None or cell is None or cell not in self.matrix.cells:
            return None
        return self.matrix.cells[cell]

    @property
    def current_level(self) -> Level | None:
        """Residual level when scored, else inherent."""
        return current_level(self.level("inherent"), self.level("residual"))


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    severity: int
    level: Level
    risk_ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.risk_ids)


@dataclass(frozen=True)
class Heatmap:
    kind: Kind
    matrix: Matrix
    cells: dict[tuple[int, int], HeatCell]
    likelihood_labels: dict[int, str]
    severity_labels: dict[int, str]
    not_placed: tuple[str, ...] = field(default=())
    """IDs of the risks on this matrix that have no scores of this kind (or scores off it)."""
    elsewhere: int = 0
    """Risks on another matrix (or on one riskgraph does not know), not in this grid."""

    @property
    def placed(self) -> int:
        return sum(cell.count for cell in self.cells.values())

    total = placed

    @property
    def unscored(self) -> int:
        """Risks on this matrix without scores of this kind (for residual: not re-scored yet)."""
        return len(self.not_placed)

    @property
    def counts(self) -> dict[tuple[int, int], int]:
        """(likelihood, severity) -> number of risks, for the cells that hold any."""
        return {position: cell.count for position, cell in self.cells.items() if cell.count}

    def level(self, likelihood: int, severity: int) -> Level:
        return self.matrix.level(likelihood, severity)


def heatmap_data(heatmap: Heatmap) -> dict[str, Any]:
    """``heatmap`` as JSON data (``heatmap_from_data`` reads it back), to keep it."""
    return {
        "kind": heatmap.kind,
        "matrix": heatmap.matrix.name,
        "cells": [[c.likelihood, c.severity, list(c.risk_ids)] for c in heatmap.cells.values()],
        "likelihood_labels": {str(k): v for k, v in heatmap.likelihood_labels.items()},
        "severity_labels": {str(k): v for k, v in heatmap.severity_labels.items()},
        "not_placed": list(heatmap.not_placed),
        "elsewhere": heatmap.elsewhere,
    }


def heatmap_from_data(data: dict[str, Any]) -> Heatmap:
    """The heatmap ``heatmap_data`` wrote; levels come from the matrix riskgraph ships."""
    grid = matrix(data["matrix"])
    kind: Kind = "residual" if data["kind"] == "residual" else "inherent"
    cells = {
        (int(likelihood), int(severity)): HeatCell(
            int(likelihood),
            int(severity),
            grid.level(int(likelihood), int(severity)),
            tuple(str(i) for i in ids),
        )
        for likelihood, severity, ids in data["cells"]
    }
    return Heatmap(
        kind,
        grid,
        cells,
        {int(k): str(v) for k, v in data["likelihood_labels"].items()},
        {int(k): str(v) for k, v in data["severity_labels"].items()},
        tuple(str(i) for i in data["not_placed"]),
        int(data["elsewhere"]),
    )


@dataclass(frozen=True)
class MatrixHeatmaps:
    matrix: Matrix
    inherent: Heatmap
    residual: Heatmap


def read_scored_risks(store: Store, default_matrix: str) -> list[ScoredRisk]:
    """Every risk of the register with its matrix and scores, in ID order; catalogue risks not
    adopted (rg:CatalogueRisk, placeholder scores) are left out."""
    result = store.select(_RISKS_QUERY)
    fallback = matrix(default_matrix)
    risks: dict[str, ScoredRisk] = {}
    for row in result.rows:
        risk_id = term_value(row["id"])
        if risk_id is None or risk_id in risks:
            continue
        risks[risk_id] = ScoredRisk(
            id=risk_id,
            matrix=_matrix(row["matrix"], fallback),
            inherent=_pair(row["likelihood"], row["severity"]),
            residual=_pair(row["residual_likelihood"], row["residual_severity"]),
        )
    return [risks[key] for key in sorted(risks, key=natural_key)]


def build_heatmaps(
    store: Store, risks: list[ScoredRisk], default_matrix: str
) -> list[MatrixHeatmaps]:
    """Inherent and residual heatmaps for each matrix that risks use (the default one if none)."""
    used = {risk.matrix.name for risk in risks if risk.matrix is not None}
    names = [name for name in MATRIX_NAMES if name in used] or [default_matrix]
    labels = _axis_labels(store)
    return [_heatmap_pair(matrix(name), risks, labels) for name in names]


def matrix_heatmaps(store: Store, risks: list[ScoredRisk], name: str) -> MatrixHeatmaps:
    """Inherent and residual heatmaps of one matrix, whether risks use it or not."""
    return _heatmap_pair(matrix(name), risks, _axis_labels(store))


def count_above_appetite(risks: list[ScoredRisk], appetite_rank: int) -> int:
    """Risks whose current level ranks above the appetite."""
    return sum(1 for risk in risks if above_appetite(risk.current_level, appetite_rank))


def _heatmap_pair(
    grid: Matrix, risks: list[ScoredRisk], labels: dict[tuple[str, str], dict[int, str]]
) -> MatrixHeatmaps:
    on_grid = [risk for risk in risks if risk.matrix is not None and risk.matrix.name == grid.name]
    elsewhere = len(risks) - len(on_grid)
    likelihood_labels = labels.get((grid.iri, "likelihood"), {})
    severity_labels = labels.get((grid.iri, "severity"), {})
    return MatrixHeatmaps(
        grid,
        _heatmap("inherent", grid, on_grid, likelihood_labels, severity_labels, elsewhere),
        _heatmap("residual", grid, on_grid, likelihood_labels, severity_labels, elsewhere),
    )


def unplaceable(risks: list[ScoredRisk]) -> list[str]:
    """IDs of risks that name a matrix riskgraph does not know."""
    return [risk.id for risk in risks if risk.matrix is None]


def _heatmap(
    kind: Kind,
    grid: Matrix,
    risks: list[ScoredRisk],
    likelihood_labels: dict[int, str],
    severity_labels: dict[int, str],
    elsewhere: int,
) -> Heatmap:
    by_cell: dict[tuple[int, int], list[str]] = defaultdict(list)
    not_placed = []
    for risk in risks:
        cell = risk.inherent if kind == "inherent" else risk.residual
        if cell is None or cell not in grid.cells:
            not_placed.append(risk.id)
        else:
            by_cell[cell].append(risk.id)
    cells = {
        position: HeatCell(position[0], position[1], level, tuple(by_cell.get(position, [])))
        for position, level in grid.cells.items()
    }
    return Heatmap(
        kind, grid, cells, likelihood_labels, severity_labels, tuple(not_placed), elsewhere
    )


def _axis_labels(store: Store) -> dict[tuple[str, str], dict[int, str]]:
    """(matrix IRI, axis) -> index -> label such as 'very high', read from the DPV concepts."""
    result = store.select(_AXES_QUERY)
    labels: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    for row in result.rows:
        matrix_iri, axis, index, concept = (
            term_value(row["matrix"]),
            term_value(row["axis"]),
            _integer(row["index"]),
            term_value(row["concept"]),
        )
        if matrix_iri and axis and index is not None and concept:
            labels[(matrix_iri, axis)][index] = _concept_label(concept, axis)
    return labels


def _concept_label(iri: str, axis: str) -> str:
    """risk:VeryHighLikelihood -> 'very high'."""
    local = iri.rsplit("#", 1)[-1].removesuffix(axis.capitalize())
    return "".join(" " + c.lower() if c.isupper() else c for c in local).strip()


def _matrix(term: Term | None, fallback: Matrix) -> Matrix | None:
    if term is None:
        return fallback
    try:
        return matrix_by_iri(term.value)
    except ValueError:
        return None


def _pair(likelihood: Term | None, severity: Term | None) -> tuple[int, int] | None:
    first, second = _integer(likelihood), _integer(severity)
    if first is None or second is None:
        return None
    return first, second


def _integer(term: Term | None) -> int | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return int(term.value.strip())
    except ValueError:
        return None
