"""Blast radius on the Harbourline example: failing components and suppliers (checked against the
exposure sections of EXPECTED_GAPS.md) and withdrawn controls (checked against register.ttl)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from riskgraph.analysis.graph import NodeKind, RegisterGraph
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.impact import ImpactReport, impact
from riskgraph.config import RegisterConfig
from riskgraph.errors import UserError
from riskgraph.register import Register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.store.base import ChangeSet
from riskgraph.vocab import REGISTER_GRAPH

BASE = "https://harbourline.example/ai-register/"
EXPECTED_GAPS = Path(__file__).resolve().parents[2] / "examples/harbourline/EXPECTED_GAPS.md"


@pytest.fixture(scope="module")
def graph() -> RegisterGraph:
    config = RegisterConfig()
    config.general.base_iri = BASE
    register = Register.in_memory(config)
    register.commit(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    return load_graph(register)


def exposure_sections() -> dict[str, list[str]]:
    """``exposure:<ID>`` sections of EXPECTED_GAPS.md -> the AI systems they list."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in EXPECTED_GAPS.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"^### `exposure:([^`]+)`", line):
            current = sections.setdefault(heading.group(1), [])
        elif line.startswith("#"):
            current = None
        elif current is not None and (item := re.match(r"^- `([^`]+)`", line)):
            current.append(item.group(1))
    return sections


EXPOSURES = exposure_sections()


def test_the_ground_truth_has_the_shared_dependencies() -> None:
    assert set(EXPOSURES) == {
        "SUP-NIMBUS", "MOD-FOUNDATION", "SUP-STRATUS", "DS-TRANSACTIONS", "DS-CUSTOMERS",
    }  # fmt: skip


@pytest.mark.parametrize("failed", sorted(EXPOSURES))
def test_exposed_systems_match_expected_gaps(graph: RegisterGraph, failed: str) -> None:
    report = impact(graph, [failed])
    assert [s.id for s in report.exposed_systems] == EXPOSURES[failed]
    assert report.risk_effects == [] and report.coverage_lost == []


def test_shared_foundation_model_exposes_three_systems_through_chains(
    graph: RegisterGraph,
) -> None:
    report = impact(graph, ["MOD-FOUNDATION"])
    chains = {s.id: s.via for s in report.exposed_systems}
    assert chains == {
        "SYS-CHATBOT": ["MOD-SUPPORT-FT", "MOD-FOUNDATION"],  # the fine-tune
        "SYS-CODE": ["MOD-FOUNDATION"],
        "SYS-DRAFTING": ["MOD-FOUNDATION"],
    }
    assert [(c.id, c.via) for c in report.exposed_components] == [
        ("MOD-SUPPORT-FT", ["MOD-FOUNDATION"])
    ]
    assert report.summary.systems == 3 and report.summary.components == 1


def test_supplier_failure_exposes_its_services_and_models(graph: RegisterGraph) -> None:
    report = impact(graph, ["SUP-STRATUS"])
    assert [c.id for c in report.exposed_components] == ["SVC-ML-PLATFORM", "SVC-VECTOR"]
    via = {s.id: s.via for s in report.exposed_systems}
    assert via["SYS-TRIAGE"] == ["SVC-ML-PLATFORM", "SUP-STRATUS"]


def test_withdrawn_control_reverts_or_weakens_its_risks(graph: RegisterGraph) -> None:
    # C-001 (verified) mitigates. R-001 keeps C-002 and C-042 (both in
    # effect): weakened, residual kept. R-006's only other control C-006 is planned: it
    # reverts from its residual 'high' to its inherent 'very-high'.
    report = impact(graph, ["C-001"])
    effects = {e.id: e for e in report.risk_effects}
    assert [e.id for e in report.risk_effects] == ["R-006", "R-001"]
    r006, r001 = effects["R-006"], effects["R-001"]
    assert (r006.outcome, r006.level_before, r006.level_after) == ("reverts", "high", "very-high")
    assert (r006.residual_before, r006.residual_after) == ("high", "very-high")
    assert r006.remaining_controls == [] and r006.lost_controls == ["C-001"]
    assert r006.treatments == ["T-006"]
    assert (r001.outcome, r001.level_before, r001.level_after) == (
        "weakened",
        "moderate",
        "moderate",
    )
    assert r001.remaining_controls == ["C-002", "C-042"]
    assert [(s.id, s.via, s.risks) for s in report.exposed_systems] == [
        ("SYS-CREDIT", [], ["R-001"]),
        ("SYS-CV", [], ["R-006"]),
    ]
    assert report.summary.model_dump() == {
        "systems": 2,
        "components": 0,
        "reverts": 1,
        "weakened": 1,
        "unchanged": 0,
        "level_rises": 1,
        "coverage_lost": 0,
    }


def test_withdrawing_a_planned_or_retired_control_changes_nothing(graph: RegisterGraph) -> None:
    for control, risk in (("C-006", "R-006"), ("C-045", "R-016")):
        report = impact(graph, [control])
        [effect] = report.risk_effects
        assert (effect.id, effect.outcome, effect.lost_controls) == (risk, "unchanged", [])
        assert effect.withdrawn_not_in_effect == [control]
        assert effect.level_after == effect.level_before
        assert report.exposed_systems == [] and report.coverage_lost == []


def test_annex_a_controls_and_clauses_losing_their_only_implementation(
    graph: RegisterGraph,
) -> None:
    # C-042 is the only control in effect for A.5.2, A.5.3, 6.1.4 and 8.4.
    report = impact(graph, ["C-042"])
    assert [(c.id, c.kind, c.lost_controls) for c in report.coverage_lost] == [
        ("6.1.4", NodeKind.CLAUSE, ["C-042"]),
        ("8.4", NodeKind.CLAUSE, ["C-042"]),
        ("A.5.2", NodeKind.ANNEX_A, ["C-042"]),
        ("A.5.3", NodeKind.ANNEX_A, ["C-042"]),
    ]
    assert all(c.applicable for c in report.coverage_lost)
    # A.5.4 is addressed by C-001 and C-025 (verified) and C-026 (planned, does not count):
    # withdrawing one keeps it, withdrawing both loses it.
    assert "A.5.4" not in {c.id for c in impact(graph, ["C-001"]).coverage_lost}
    both = impact(graph, ["C-001", "C-025"])
    lost = {c.id: c.lost_controls for c in both.coverage_lost}
    assert lost["A.5.4"] == ["C-001", "C-025"]


def test_failures_combine(graph: RegisterGraph) -> None:
    report = impact(graph, ["MOD-FOUNDATION", "C-001", "mod-foundation"])
    assert [f.id for f in report.failed] == ["MOD-FOUNDATION", "C-001"]
    assert [(s.id, s.via, s.risks) for s in report.exposed_systems] == [
        ("SYS-CHATBOT", ["MOD-SUPPORT-FT", "MOD-FOUNDATION"], []),
        ("SYS-CODE", ["MOD-FOUNDATION"], []),
        ("SYS-CREDIT", [], ["R-001"]),
        ("SYS-CV", [], ["R-006"]),
        ("SYS-DRAFTING", ["MOD-FOUNDATION"], []),
    ]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("R-001", "R-001 is a risk; impact takes components"),
        ("SYS-CV", "SYS-CV is an AI system; impact takes"),
        ("A.6.2.4", "A.6.2.4 is an Annex A control; impact takes"),
        ("MOD-FOUNDATON", "did you mean MOD-FOUNDATION"),
    ],
)
def test_other_kinds_and_unknown_ids_are_refused(
    graph: RegisterGraph, ref: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        impact(graph, [ref])


def test_json_layout_is_stable(graph: RegisterGraph) -> None:
    report = impact(graph, ["C-001"])
    data = json.loads(report.model_dump_json())
    assert data["format"] == "riskgraph.impact/1"
    assert set(data) == {
        "format", "revision", "failed", "exposed_systems", "exposed_components",
        "risk_effects", "coverage_lost", "summary",
    }  # fmt: skip
    assert set(data["risk_effects"][0]) == {
        "id", "title", "outcome", "lost_controls", "remaining_controls",
        "withdrawn_not_in_effect", "inherent", "residual_before", "residual_after",
        "level_before", "level_after", "systems", "treatments",
    }  # fmt: skip
    assert ImpactReport.model_validate_json(report.model_dump_json()) == report
