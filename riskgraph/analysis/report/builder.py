"""Gather everything the audit report shows: figures, heatmaps, coverage, gaps and the SoA.

The gap lists come from ``riskgraph.analysis.gaps.run_gaps`` and the Statement of Applicability
from ``riskgraph.analysis.soa``; this module adds the headline figures and the heatmaps, and
stamps it all with one register fingerprint and one time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from riskgraph import __version__
from riskgraph.analysis.gaps import GapReport, run_gaps
from riskgraph.analysis.readiness import Readiness, build_readiness
from riskgraph.analysis.soa import ImplementationStatus, StatementOfApplicability, build_soa
from riskgraph.analysis.stats import register_stats
from riskgraph.library.summary import LibrarySummary, library_summary
from riskgraph.register import Register
from riskgraph.scoring import Level, above_appetite, level_by_name
from riskgraph.store.base import Store
from riskgraph.views.dashboard import CATALOGUE_RISKS
from riskgraph.views.diff import RegisterDiff
from riskgraph.views.heatmap import (
    MatrixHeatmaps,
    ScoredRisk,
    build_heatmaps,
    read_scored_risks,
    unplaceable,
)

Tone = Literal["neutral", "good", "warning", "alert"]


@dataclass(frozen=True)
class Figure:
    """One headline number of the summary."""

    label: str
    value: str
    detail: str
    tone: Tone = "neutral"


@dataclass(frozen=True)
class AuditReport:
    register_name: str
    register_sha256: str
    generated_at: datetime
    today: date
    riskgraph_version: str
    appetite: Level
    figures: list[Figure]
    heatmaps: list[MatrixHeatmaps]
    unknown_matrix: list[str]
    """IDs of risks scored on a matrix riskgraph does not know (left out of the heatmaps)."""
    gaps: GapReport
    soa: StatementOfApplicability
    libraries: LibrarySummary | None = None
    """Loaded libraries with their attribution, and the register's framework coverage."""
    readiness: Readiness | None = None
    """Certification readiness per stage: the read model of ``riskgraph readiness``."""
    diff: RegisterDiff | None = None
    """What changed between two snapshots (or a snapshot and now), when the report was asked
    for it: the read model of ``riskgraph diff``."""


def build_report(
    register: Register,
    store: Store,
    *,
    today: date,
    generated_at: datetime | None = None,
    diff: RegisterDiff | None = None,
) -> AuditReport:
    """The audit report of ``register`` (read through ``store``) as of ``today``; with
    ``diff`` (from ``riskgraph.snapshots.diff_snapshots``), a section of what changed."""
    moment = generated_at or datetime.now(UTC)
    gaps = run_gaps(register, store, today=today)
    soa = build_soa(
        store,
        register_name=register.display_name,
        register_sha256=gaps.register_sha256,
        today=today,
        generated_at=moment,
        riskgraph_version=__version__,
    )
    default_matrix = register.config.risk.matrix
    risks = read_scored_risks(store, default_matrix)
    appetite = level_by_name(register.config.risk.appetite)
    counts = register_stats(store, register.config).counts
    return AuditReport(
        register_name=register.display_name,
        register_sha256=gaps.register_sha256,
        generated_at=moment,
        today=today,
        riskgraph_version=__version__,
        appetite=appetite,
        figures=_figures(counts, risks, appetite, soa, gaps),
        heatmaps=build_heatmaps(store, risks, default_matrix),
        unknown_matrix=unplaceable(risks),
        gaps=gaps,
        soa=soa,
        libraries=library_summary(store),
        readiness=build_readiness(store, register=register, today=today, soa=soa, gaps=gaps),
        diff=diff,
    )


def _figures(
    counts: dict[str, int],
    risks: list[ScoredRisk],
    appetite: Level,
    soa: StatementOfApplicability,
    gaps: GapReport,
) -> list[Figure]:
    inherent_above = sum(1 for r in risks if above_appetite(r.level("inherent"), appetite.rank))
    current_above = sum(1 for r in risks if above_appetite(r.current_level, appetite.rank))
    statuses = soa.counts()
    implemented = statuses[ImplementationStatus.IMPLEMENTED]
    applicable = soa.applicable_count
    share = f"{round(100 * implemented / applicable)} %" if applicable else "n/a"
    rules_with_gaps = sum(1 for rule in gaps.rules if rule.count)
    return [
        Figure(
            "AI systems",
            str(counts.get("systems", 0)),
            f"{counts.get('components', 0)} components, {counts.get('suppliers', 0)} suppliers",
        ),
        Figure(
            "Risks",
            str(counts.get("risks", 0)),
            f"{counts.get('treatments', 0)} treatments, {counts.get('controls', 0)} controls"
            + (
                f"; {catalogue:,} {CATALOGUE_RISKS}"
                if (catalogue := counts.get(CATALOGUE_RISKS))
                else ""
            ),
        ),
        Figure(
            "Risks above appetite",
            str(current_above),
            f"{inherent_above} before treatment; appetite: {appetite.label}",
            "alert" if current_above else "good",
        ),
        Figure(
            "Annex A implemented",
            f"{implemented} of {applicable}",
            f"{share} of applicable controls; {statuses[ImplementationStatus.EXCLUDED]} excluded",
            "good" if implemented == applicable else "warning",
        ),
        Figure(
            "Gaps found",
            str(gaps.total),
            f"by {rules_with_gaps} of {len(gaps.rules)} checks",
            "warning" if gaps.total else "good",
        ),
        Figure(
            "Evidence",
            str(counts.get("evidence", 0)),
            f"{counts.get('findings', 0)} audit findings",
        ),
    ]
