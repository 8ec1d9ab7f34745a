"""Certification readiness on the example register: every criterion is computed from the graph
(the gap rules and the Statement of Applicability it reuses), and changes when the data does."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from riskgraph.analysis.gaps import run_gaps
from riskgraph.analysis.readiness import readiness
from riskgraph.analysis.soa import statement_of_applicability
from riskgraph.ids import natural_key
from riskgraph.register import Register
from tests.cli_run import run

TODAY = date(2026, 11, 22)
STAGES = ["gap-analysis", "implementation", "internal-audit", "certification-audit", "surveillance"]


def _readiness(folder: Path, today: date = TODAY):
    reg = Register.open(folder)
    with reg.reader() as store:
        return readiness(reg, store, today=today)


def test_stages_in_order_each_criterion_names_its_data(example_register_folder: Path) -> None:
    report = _readiness(example_register_folder)
    assert [s.key for s in report.stages] == STAGES
    for stage in report.stages:
        assert stage.criteria
        for criterion in stage.criteria:
            assert criterion.looked_at.strip()
            assert criterion.shows.strip()
            assert criterion.met == (not criterion.missing)


def test_criteria_agree_with_the_gap_rules_and_the_soa(example_register_folder: Path) -> None:
    reg = Register.open(example_register_folder)
    with reg.reader() as store:
        report = readiness(reg, store, today=TODAY)
        gaps = run_gaps(reg, store, today=TODAY)
        soa = statement_of_applicability(reg, store, today=TODAY)
    by_name = {c.name: c for s in report.stages for c in s.criteria}
    unassessed = gaps.rule("systems-without-impact-assessment")
    expected = sorted(iri.rsplit("/", 1)[-1] for iri in unassessed.iris if iri)
    assert unassessed.count > 0
    assert sorted(by_name["Impact assessment for every AI system"].missing) == expected
    overdue = gaps.rule("overdue-reviews").count
    assert overdue > 0
    assert len(by_name["Reviews not overdue"].missing) == min(overdue, 10) + (overdue > 10)
    not_in_place = [r.ref for r in soa.rows if r.applicable and r.status.value != "implemented"]
    assert list(by_name["Applicable Annex A controls implemented"].missing) == not_in_place[:10]
    decided = sum(1 for r in soa.rows if r.decided)
    assert f"{decided} of {len(soa.rows)}" in by_name["Statement of Applicability complete"].shows
    # Control tests: exactly what the three control-test gap rules find (in ID order).
    never = [f"{r['id']} never tested" for r in gaps.rule("controls-never-tested").rows]
    late = [
        f"{r['control_id']} test overdue (last {r['last_tested']})"
        for r in gaps.rule("control-tests-overdue").rows
    ]
    failed = [
        f"{r['control_id']} test {r['id']} failed with no corrective action"
        for r in gaps.rule("failed-control-tests-without-corrective-action").rows
    ]
    assert late
    found = sorted([*never, *late, *failed], key=natural_key)
    assert 0 < len(found) <= 10
    assert list(by_name["Control tests current"].missing) == found


def _adder(folder: Path):  # type: ignore[no-untyped-def]
    def add(*args: str) -> None:
        done = run("add", *args, "-r", str(folder))
        assert done.code == 0, done.err

    return add


@pytest.fixture
def small_register(disk_register: Register) -> Path:
    """An empty register with one person and one control: the audit and test records of the
    tests below are all it holds (the example's own records may change)."""
    folder = disk_register.folder
    assert folder is not None
    add = _adder(folder)
    add("person", "--id", "P-1", "--title", "Ines Auditor")
    add("control", "--id", "C-1", "--title", "A control", "--status", "implemented")
    return folder


def test_control_tests_criterion_follows_plans_and_tests(small_register: Path) -> None:
    add = _adder(small_register)
    before = _readiness(small_register).stage("surveillance").criteria[2]
    assert not before.met and before.missing == ("no control test plan is recorded",)
    assert before.shows.startswith("0 test plans")

    add(
        "testplan",
        "--id",
        "TP-901",
        "--title",
        "Quarterly check",
        "--control",
        "C-1",
        "--method",
        "inspection",
        "--frequency",
        "90",
    )
    untested = _readiness(small_register).stage("surveillance").criteria[2]
    assert untested.missing == ("C-1 never tested",)

    add(
        "test",
        "--id",
        "CT-901",
        "--title",
        "Q4 check",
        "--control",
        "C-1",
        "--tested-on",
        (TODAY - timedelta(days=10)).isoformat(),
        "--tester",
        "P-1",
        "--result",
        "passed",
        "--plan",
        "TP-901",
    )
    assert _readiness(small_register).stage("surveillance").criteria[2].met
    late = _readiness(small_register, TODAY + timedelta(days=200))
    assert late.stage("surveillance").criteria[2].missing == (
        f"C-1 test overdue (last {(TODAY - timedelta(days=10)).isoformat()})",
    )

    # A failed test counts as the gap rule says: only while no corrective action answers it.
    add(
        "test", "--id", "CT-902", "--title", "Re-check", "--control", "C-1",
        "--tested-on", (TODAY - timedelta(days=2)).isoformat(), "--tester", "P-1",
        "--result", "failed", "--plan", "TP-901",
    )  # fmt: skip
    failed = _readiness(small_register).stage("surveillance").criteria[2]
    assert failed.missing == ("C-1 test CT-902 failed with no corrective action",)
    add("finding", "--id", "F-901", "--title", "C-1 failed its check", "--concerns", "CT-902")
    add("action", "--id", "CA-901", "--title", "Fix C-1", "--finding", "F-901")
    assert _readiness(small_register).stage("surveillance").criteria[2].met


def test_cli_formats(example_register_folder: Path, tmp_path: Path) -> None:
    folder = str(example_register_folder)
    table = run("readiness", "-r", folder, "--today", TODAY.isoformat())
    assert table.code == 0, table.err
    for title in (
        "Gap analysis",
        "Implementation",
        "Internal audit",
        "Certification audit",
        "Surveillance",
    ):
        assert title in table.out
    as_json = run("readiness", "-r", folder, "--today", TODAY.isoformat(), "-f", "json")
    data = json.loads(as_json.out)
    assert [s["stage"] for s in data["stages"]] == STAGES
    assert data["today"] == TODAY.isoformat()
    target = tmp_path / "ready.md"
    written = run("readiness", "-r", folder, "--today", TODAY.isoformat(), "-o", str(target))
    assert written.code == 0, written.err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Certification readiness")
    assert "| criterion | met |" in text


def test_cli_refuses_an_unknown_extension(example_register_folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "ready.pdf"
    refused = run("readiness", "-r", str(example_register_folder), "-o", str(target))
    assert refused.code != 0
    assert "ready.pdf" in refused.err and "Traceback" not in refused.err
    assert not target.exists()


def _criterion(folder: Path, stage: str, index: int, today: date = TODAY):
    return _readiness(folder, today).stage(stage).criteria[index]


def test_audits_and_management_reviews_move_the_audit_stages(small_register: Path) -> None:
    example_register_folder = small_register
    add = _adder(small_register)

    assert not _readiness(example_register_folder).stage("internal-audit").criteria[0].met
    add(
        "audit",
        "--id",
        "AU-901",
        "--title",
        "Internal audit 2026",
        "--audit-kind",
        "internal",
        "--starts-on",
        "2026-06-01",
        "--ends-on",
        "2026-06-05",
        "--scope-clauses",
        "4,5,6.1,7.2,8,9",
        "--auditors",
        "P-1",
    )
    internal = _readiness(example_register_folder).stage("internal-audit")
    assert internal.criteria[0].met
    assert internal.criteria[1].missing == ("clause 10",)
    add(
        "audit",
        "--id",
        "AU-902",
        "--title",
        "Internal audit, clause 10",
        "--audit-kind",
        "internal",
        "--starts-on",
        "2026-07-01",
        "--scope-clauses",
        "10.2",
        "--auditors",
        "P-1",
    )
    assert _criterion(example_register_folder, "internal-audit", 1).met
    # a year later neither audit counts any more
    assert not _criterion(example_register_folder, "internal-audit", 0, date(2027, 7, 2)).met

    assert not _criterion(example_register_folder, "internal-audit", 3).met
    add(
        "management-review",
        "--id",
        "MR-901",
        "--title",
        "Management review 2026",
        "--held-on",
        "2026-10-01",
        "--attendees",
        "P-1",
        "--decisions",
        "Go on.",
    )
    assert _criterion(example_register_folder, "internal-audit", 3).met

    certification = _readiness(example_register_folder).stage("certification-audit")
    assert certification.state == "not started"
    add(
        "audit",
        "--id",
        "AU-903",
        "--title",
        "Stage 2 audit",
        "--audit-kind",
        "certification",
        "--starts-on",
        "2025-10-01",
        "--ends-on",
        "2025-10-03",
        "--scope-clauses",
        "4",
        "--auditors",
        "P-1",
        "--certification-body",
        "Example Certification Ltd",
    )
    add(
        "finding",
        "--id",
        "F-901",
        "--title",
        "Stage 2 observation",
        "--audit",
        "AU-903",
        "--concerns",
        "C-1",
    )
    certification = _readiness(example_register_folder).stage("certification-audit")
    assert certification.criteria[0].met
    assert certification.criteria[1].missing == ("F-901",)
    add("action", "--id", "CA-901", "--title", "Answer F-901", "--finding", "F-901")
    assert _criterion(example_register_folder, "certification-audit", 1).met

    # certified 2025-10-03: the first surveillance year ended 2026-10-03 without an audit
    surveillance = _criterion(example_register_folder, "surveillance", 0)
    assert surveillance.missing == ("no surveillance audit in year 1 after certification",)
    add(
        "audit",
        "--id",
        "AU-904",
        "--title",
        "Surveillance 1",
        "--audit-kind",
        "surveillance",
        "--starts-on",
        "2026-09-20",
        "--scope-clauses",
        "9",
        "--auditors",
        "P-1",
        "--certification-body",
        "Example Certification Ltd",
    )
    assert _criterion(example_register_folder, "surveillance", 0).met
