"""Incidents, audits and management reviews through the generic entity commands."""

from __future__ import annotations

from pathlib import Path

from tests.cli_run import run


def test_add_list_show_and_correct_an_incident(example_register_folder: Path) -> None:
    reg = str(example_register_folder)
    added = run(
        "add", "incident", "--title", "Triage assistant under-ranked a chest pain case",
        "--occurred-on", "2026-11-15", "--systems", "SYS-TRIAGE", "--realised-risks", "R-022",
        "--severity", "serious", "--nonconformity", "true", "-r", reg,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "INC-003" in added.out
    listed = run("list", "incidents", "-r", reg)
    assert "occurred on" in listed.out and "INC-003" in listed.out and "INC-002" in listed.out
    gaps = run("query", "run", "nonconformity-incidents-without-corrective-action", "-r", reg)
    assert "INC-003" in gaps.out
    action = run(
        "add", "action", "--title", "Retrain on chest pain presentations", "--finding", "INC-003",
        "-r", reg,
    )  # fmt: skip
    assert action.code == 0, action.err
    shown = run("show", "INC-003", "-r", reg)
    assert "R-022" in shown.out and "SYS-TRIAGE" in shown.out
    assert (
        "INC-003"
        not in run(
            "query", "run", "nonconformity-incidents-without-corrective-action", "-r", reg
        ).out
    )


def test_bad_values_are_refused_with_the_field(example_register_folder: Path) -> None:
    reg = str(example_register_folder)
    unknown_kind = run(
        "add", "audit", "--title", "x", "--audit-kind", "external", "--starts-on", "2026-12-01",
        "-r", reg,
    )  # fmt: skip
    assert unknown_kind.code != 0 and "audit_kind" in unknown_kind.err
    assert "internal" in unknown_kind.err
    wrong_link = run(
        "add", "management-review", "--title", "x", "--held-on", "2026-12-01",
        "--attendees", "ORG-NORTHGATE", "-r", reg,
    )  # fmt: skip
    assert wrong_link.code != 0 and "attendees" in wrong_link.err and "person" in wrong_link.err
    evidence = run("add", "evidence", "--title", "x", "--supports", "R-001", "-r", reg)
    assert evidence.code != 0 and "control, audit or management review" in evidence.err
    assert "Traceback" not in unknown_kind.err + wrong_link.err + evidence.err
