"""The gap rules with the most gaps, for a dashboard: the short form of ``run_gaps``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from riskgraph.analysis.gaps import run_gaps
from riskgraph.register import Register

SHOWN_GAPS = 8


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


def load_gap_summary(register: Register, today: date) -> GapSummary:
    """The gap rules with the most gaps (``riskgraph.analysis.gaps``)."""
    with register.reader() as store:
        report = run_gaps(register, store, today=today)
    lines = [GapLine(rule.name, rule.title, rule.count) for rule in report.rules if rule.count]
    lines.sort(key=lambda line: -line.count)
    return GapSummary(len(report.rules), report.total, lines[:SHOWN_GAPS])
