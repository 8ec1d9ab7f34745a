"""Risk scoring on the DPV risk matrices (3x3, 5x5, 7x7): likelihood x severity -> level."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import overload

import pyoxigraph as ox

from riskgraph.resources import ontology_file
from riskgraph.vocab import DPV, RG, RISK

MATRIX_NAMES = ("3x3", "5x5", "7x7")


@dataclass(frozen=True)
class Level:
    """A DPV risk level, e.g. risk:HighRisk, with its global rank (1 extremely low ... 7)."""

    iri: str
    rank: int

    @property
    def name(self) -> str:
        """kebab-case name, e.g. 'very-high'."""
        local = self.iri.removeprefix(RISK).removesuffix("Risk")
        return "".join("-" + c.lower() if c.isupper() else c for c in local).lstrip("-")

    @property
    def label(self) -> str:
        return self.name.replace("-", " ")


@dataclass(frozen=True)
class Matrix:
    name: str  # "5x5"
    size: int
    iri: str
    cells: dict[tuple[int, int], Level]  # (likelihood, severity) -> level

    def level(self, likelihood: int, severity: int) -> Level:
        try:
            return self.cells[(likelihood, severity)]
        except KeyError:
            raise ValueError(
                f"likelihood {likelihood} and severity {severity} are outside the {self.name} "
                f"matrix; both must be whole numbers from 1 to {self.size}"
            ) from None

    def cell_iri(self, likelihood: int, severity: int) -> str:
        return f"{RISK}RM{self.name}S{severity}L{likelihood}"

    @property
    def levels(self) -> list[Level]:
        return sorted(set(self.cells.values()), key=lambda lv: lv.rank)


@cache
def _matrices() -> dict[str, Matrix]:
    triples = list(ox.parse(path=str(ontology_file("matrices.ttl")), format=ox.RdfFormat.TURTLE))
    ranks: dict[str, int] = {}
    by_subject: dict[str, dict[str, ox.NamedNode | ox.Literal]] = {}
    for t in triples:
        subject = t.subject.value
        obj = t.object
        if t.predicate.value == RG + "levelRank":
            ranks[subject] = int(obj.value)
        elif isinstance(obj, ox.NamedNode | ox.Literal):
            by_subject.setdefault(subject, {})[t.predicate.value] = obj
    cells: dict[str, dict[tuple[int, int], Level]] = {name: {} for name in MATRIX_NAMES}
    for subject, props in by_subject.items():
        level = props.get(DPV + "hasRiskLevel")
        if level is None:
            continue
        name = subject.removeprefix(RISK + "RM").split("S")[0]
        likelihood = int(props[RG + "likelihoodIndex"].value)
        severity = int(props[RG + "severityIndex"].value)
        cells[name][(likelihood, severity)] = Level(level.value, ranks[level.value])
    return {
        name: Matrix(name, int(name[0]), f"{RISK}RiskMatrix{name}", cells[name])
        for name in MATRIX_NAMES
    }


def matrix(name: str) -> Matrix:
    try:
        return _matrices()[name]
    except KeyError:
        raise ValueError(f"unknown risk matrix {name!r}; expected one of {MATRIX_NAMES}") from None


def matrix_by_iri(iri: str) -> Matrix:
    for m in _matrices().values():
        if m.iri == iri:
            return m
    raise ValueError(f"unknown risk matrix {iri!r}")


@cache
def all_levels() -> dict[str, Level]:
    """Every DPV level used by the matrices, by IRI."""
    return {lv.iri: lv for m in _matrices().values() for lv in m.cells.values()}


def level_by_name(name: str) -> Level:
    for lv in all_levels().values():
        if lv.name == name:
            return lv
    raise ValueError(f"unknown risk level {name!r}")


@overload
def current_level(inherent: Level, residual: Level | None) -> Level: ...
@overload
def current_level(inherent: Level | None, residual: Level | None) -> Level | None: ...
def current_level(inherent: Level | None, residual: Level | None) -> Level | None:
    """The level a risk stands at now: its residual level when it has been re-scored after
    treatment, else its inherent level. The one definition every face and report uses."""
    return residual or inherent


def above_appetite(level: Level | None, appetite_rank: int) -> bool:
    """Whether ``level`` (a risk's current level, see ``current_level``) ranks above the appetite.

    A risk without a level is not above appetite."""
    return level is not None and level.rank > appetite_rank
