"""The gap rules with the most gaps, for a dashboard: the short form of ``run_gaps``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from riskgraph.analysis.gaps import run_gaps
from riskgraph.queries import GAPS_TAG, load_library
from riskgraph.register import Register
from riskgraph.views.kept import kept

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
    """The gap rules with the most gaps (``riskgraph.analysis.gaps``), kept per register state,
    settings, day and rule texts (``riskgraph.views.kept``)."""
    library = load_library(register.queries_dir)
    rules = {query.name: query.sparql for query in library.tagged(GAPS_TAG)}
    return kept(
        register,
        "gap-summary",
        format=1,
        inputs={
            "today": today.isoformat(),
            "rules": hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest(),
            "problems": sorted(library.problems),
        },
        compute=lambda: _gap_summary(register, today),
        encode=lambda summary: asdict(summary),
        decode=_summary_from_data,
    )


def _gap_summary(register: Register, today: date) -> GapSummary:
    with register.reader() as store:
        report = run_gaps(register, store, today=today)
    lines = [GapLine(rule.name, rule.title, rule.count) for rule in report.rules if rule.count]
    lines.sort(key=lambda line: -line.count)
    return GapSummary(len(report.rules), report.total, lines[:SHOWN_GAPS])


def _summary_from_data(data: dict[str, Any]) -> GapSummary:
    top = [GapLine(str(g["name"]), str(g["title"]), int(g["count"])) for g in data["top"]]
    return GapSummary(int(data["rules"]), int(data["total"]), top)
