"""The certification journey, part A, from the command line on the Harbourline example: the
review schedule (due), recording a review (review), signing a risk acceptance (accept-risk),
"changed since accepted" in show and gaps, and control test records that cannot change.

Every command runs in-process through ``riskgraph.cli.main`` (the error boundary users get) on a
register on disk; 2026-11-22 is the day EXPECTED_GAPS.md is written for.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_run import Run, run

from riskgraph.analysis.gaps import run_gaps
from riskgraph.model.risk_hash import risk_hash
from riskgraph.register import Register, init_register

TODAY = "2026-11-22"
BASE = "https://harbourline.example/ai-register/"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cadence") / "example"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def example(pristine: Path, tmp_path: Path) -> Path:
    """A fresh copy of the example for a test that writes."""
    folder = tmp_path / "example"
    shutil.copytree(pristine, folder)
    return folder


def ok(*args: str) -> Run:
    done = run(*args)
    assert done.code == 0, done.out + done.err
    return done


def refused(*args: str) -> Run:
    done = run(*args)
    assert done.code == 2, done.out + done.err
    assert "Traceback" not in done.err
    return done


def due_json(folder: Path, *extra: str) -> dict[str, Any]:
    done = ok("due", "-r", str(folder), "--today", TODAY, "-f", "json", *extra)
    data: dict[str, Any] = json.loads(done.out)
    return data


def ids(schedule: dict[str, Any]) -> list[str]:
    return [item["id"] for group in schedule["owners"] for item in group["items"]]


def gap_ids(folder: Path, rule: str, today: str = TODAY) -> list[str]:
    done = ok("gaps", "-r", str(folder), "--today", today, "-f", "json")
    report = json.loads(done.out)
    found = next(r for r in report["rules"] if r["name"] == rule)
    return [item["values"]["id"] for item in found["items"]]


# --- due ---------------------------------------------------------------------------------------


def test_due_lists_the_overdue_items_of_every_kind_by_owner(pristine: Path) -> None:
    schedule = due_json(pristine)
    assert schedule["summary"] == {"overdue": 10, "due": 1, "unscheduled": 52}
    by_owner = {
        group["owner"]: [item["id"] for item in group["items"]] for group in schedule["owners"]
    }
    assert by_owner["P-SPATEL"] == ["R-008", "SYS-CV"]
    assert by_owner["P-NNWOSU"] == ["R-026", "R-023"]  # R-023 is due today, not overdue
    assert by_owner[None] == ["T-004", "T-029", "R-031"]
    assert [group["owner"] for group in schedule["owners"]][-1] is None  # unowned items last
    r008 = schedule["owners"][[g["owner"] for g in schedule["owners"]].index("P-SPATEL")]
    first = r008["items"][0]
    assert first == {
        "owner": "P-SPATEL",
        "owner_name": "Sunita Patel",
        "kind": "risk",
        "id": "R-008",
        "title": "Vendor ranking model cannot be audited for bias",
        "next_review": "2026-06-30",
        "status": "overdue",
        "days": -145,
        "last_reviewed": "2025-12-31",
        "interval_days": 365,
        "date_source": "stored",
    }
    # The overdue gap rule lists what the schedule calls overdue (R-023 is due today, not overdue).
    overdue_rule = gap_ids(pristine, "overdue-reviews")
    assert sorted([*overdue_rule, "R-023"]) == sorted(ids(schedule))


def test_due_within_looks_ahead_and_owner_limits(pristine: Path) -> None:
    ahead = ids(due_json(pristine, "--within", "30d"))
    assert {"SYS-TRIAGE", "R-046"} <= set(ahead)
    assert ids(due_json(pristine, "--within", "4w")) == ids(due_json(pristine, "--within", "28"))
    mine = due_json(pristine, "--within", "30d", "--owner", "P-NNWOSU")
    assert ids(mine) == ["R-026", "R-023", "SYS-TRIAGE"]
    assert mine["owner"] == "P-NNWOSU"


@pytest.mark.parametrize("bad", ["3x", "30 days", "-5d", "d"])
def test_a_bad_duration_is_a_clear_error(pristine: Path, bad: str) -> None:
    done = refused("due", "-r", str(pristine), "--within", bad)
    assert "'--within'" in done.err and "not a duration" in done.err
    assert "30d" in done.err and repr(bad) in done.err


def test_an_unknown_owner_is_an_error_not_an_empty_list(pristine: Path) -> None:
    done = refused("due", "-r", str(pristine), "--owner", "P-NOBODY")
    assert "P-NOBODY" in done.err and "no person" in done.err


def test_due_formats_go_through_the_registry(pristine: Path, tmp_path: Path) -> None:
    text = ok("due", "-r", str(pristine), "--today", TODAY, "-f", "csv").out
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["owner"] and {"id", "next_review", "status", "days"} <= set(rows[0])
    assert [r["id"] for r in rows] == ids(due_json(pristine))
    md = ok("due", "-r", str(pristine), "--today", TODAY, "-f", "md").out
    assert "## P-SPATEL (Sunita Patel)" in md and "| risk | R-008 |" in md
    table = ok("due", "-r", str(pristine), "--today", TODAY).out
    assert "10 overdue" in table and "145 d late" in table
    written = tmp_path / "due.md"
    ok("due", "-r", str(pristine), "--today", TODAY, "-o", str(written))
    assert written.read_text(encoding="utf-8").startswith("# Reviews due")
    wrong = refused("due", "-r", str(pristine), "-o", str(tmp_path / "due.pdf"))
    assert ".pdf" in wrong.err and ".csv" in wrong.err
    assert not (tmp_path / "due.pdf").exists()
    mismatch = refused("due", "-r", str(pristine), "-f", "csv", "-o", str(tmp_path / "d.json"))
    assert "csv" in mismatch.err


# --- review ------------------------------------------------------------------------------------


def test_a_review_moves_the_next_review_date_and_can_be_undone(example: Path) -> None:
    assert "R-008" in ids(due_json(example))
    done = ok(
        "review",
        "R-008",
        "-r",
        str(example),
        "--by",
        "P-SPATEL",
        "--outcome",
        "confirmed",
        "--notes",
        "Vendor audit report received",
        "--on",
        "2026-11-20",
    )
    assert "REV-006" in done.out and "review_due: 2026-06-30 -> 2027-11-20" in done.out
    shown = json.loads(ok("show", "R-008", "-r", str(example), "--format", "json").out)
    assert shown["fields"]["last_reviewed"] == "2026-11-20"
    assert shown["fields"]["review_due"] == "2027-11-20"
    record = json.loads(ok("show", "REV-006", "-r", str(example), "--format", "json").out)
    assert record["fields"]["reviewed_by"] == "P-SPATEL"
    assert record["fields"]["notes"] == "Vendor audit report received"
    assert "R-008" not in ids(due_json(example))
    assert "R-008" not in gap_ids(example, "overdue-reviews")
    ok("undo", "-r", str(example))
    assert "R-008" in gap_ids(example, "overdue-reviews")


def test_an_item_s_own_interval_wins_and_add_review_moves_the_date_too(example: Path) -> None:
    ok("edit", "SYS-CV", "-r", str(example), "--review-interval", "90")
    ok(
        "add",
        "review",
        "-r",
        str(example),
        "--title",
        "CV screening review",
        "--item",
        "SYS-CV",
        "--reviewed-by",
        "P-SPATEL",
        "--reviewed-on",
        "2026-11-21",
        "--outcome",
        "updated",
    )
    shown = json.loads(ok("show", "SYS-CV", "-r", str(example), "--format", "json").out)
    assert shown["fields"]["review_due"] == "2027-02-19"  # 90 days, not the 365 of the setting


def test_a_review_dated_before_the_last_one_is_history(example: Path) -> None:
    ok(
        "review",
        "R-019",
        "-r",
        str(example),
        "--by",
        "P-CROSSI",
        "--outcome",
        "confirmed",
        "--on",
        "2026-01-10",
    )
    shown = json.loads(ok("show", "R-019", "-r", str(example), "--format", "json").out)
    assert shown["fields"]["last_reviewed"] == "2026-04-15"


def test_review_refuses_bad_input_and_writes_nothing(example: Path) -> None:
    evidence = refused(
        "review", "EV-005", "-r", str(example), "--by", "P-SPATEL", "--outcome", "confirmed"
    )
    assert "EV-005 is an evidence" in evidence.err
    outcome = refused(
        "review", "R-008", "-r", str(example), "--by", "P-SPATEL", "--outcome", "fine"
    )
    assert "outcome" in outcome.err and "confirmed, updated, escalated" in outcome.err
    unknown = refused(
        "review", "R-999", "-r", str(example), "--by", "P-SPATEL", "--outcome", "confirmed"
    )
    assert "R-999" in unknown.err
    nobody = refused(
        "review", "R-008", "-r", str(example), "--by", "P-NOBODY", "--outcome", "confirmed"
    )
    assert "P-NOBODY" in nobody.err
    assert "R-008" in ids(due_json(example))


# --- accept-risk -------------------------------------------------------------------------------


def accept(folder: Path, *extra: str) -> Run:
    return run("accept-risk", "R-046", "-r", str(folder), *extra)


def test_acceptance_needs_the_authority_role_a_justification_and_an_expiry(example: Path) -> None:
    full = ("--justification", "Sandboxed agent mode only", "--expires", "2027-06-30")
    no_role = accept(example, "--by", "P-SPATEL", *full)
    assert no_role.code == 2
    assert "P-SPATEL does not hold the role ROLE-TOP-MGMT" in no_role.err
    assert "acceptance.authority_role" in no_role.err
    no_reason = accept(example, "--by", "P-AOKAFOR", "--expires", "2027-06-30")
    assert no_reason.code == 2 and "justification is required" in no_reason.err
    no_expiry = accept(example, "--by", "P-AOKAFOR", "--justification", "Sandboxed")
    assert no_expiry.code == 2 and "expires is required" in no_expiry.err
    backwards = accept(
        example,
        "--by",
        "P-AOKAFOR",
        "--justification",
        "x",
        "--expires",
        "2020-01-01",
        "--on",
        "2026-11-22",
    )
    assert backwards.code == 2 and "must be after accepted_on" in backwards.err
    for done in (no_role, no_reason, no_expiry, backwards):
        assert "Traceback" not in done.err
    assert "ACC-004" not in ok("list", "acceptances", "-r", str(example)).out


def test_the_same_refusal_from_add_and_from_accept_risk(example: Path) -> None:
    friendly = accept(
        example, "--by", "P-SPATEL", "--justification", "x", "--expires", "2027-06-30"
    )
    generic = run(
        "add",
        "acceptance",
        "-r",
        str(example),
        "--title",
        "x",
        "--risk",
        "R-046",
        "--accepted-by",
        "P-SPATEL",
        "--accepted-on",
        "2026-11-22",
        "--justification",
        "x",
        "--expires",
        "2027-06-30",
    )
    assert generic.code == friendly.code == 2
    line = next(x for x in friendly.err.splitlines() if "does not hold" in x)
    assert line in generic.err


def test_no_authority_role_set_means_no_one_can_accept(example: Path) -> None:
    ok("settings", "set", "acceptance.authority_role", "", "-r", str(example))
    done = accept(example, "--by", "P-AOKAFOR", "--justification", "x", "--expires", "2027-06-30")
    assert done.code == 2 and "name no authority role" in done.err


def test_a_risk_edited_after_its_acceptance_shows_as_changed_since_accepted(
    example: Path,
) -> None:
    ok(
        "accept-risk",
        "R-046",
        "-r",
        str(example),
        "--by",
        "P-AOKAFOR",
        "--justification",
        "Agent mode stays in the sandbox",
        "--expires",
        "2027-06-30",
        "--on",
        "2026-11-20",
    )
    shown = ok("show", "R-046", "-r", str(example)).out
    assert "accepted by ACC-004" in shown and "changed since accepted" not in shown
    assert "ACC-004" not in gap_ids(example, "accepted-risks-changed-since-acceptance")
    register = Register.open(example)
    with register.reader() as store:
        recorded = json.loads(ok("show", "ACC-004", "-r", str(example), "--format", "json").out)
        assert recorded["fields"]["risk_hash"] == risk_hash(store, BASE + "R-046")
    # A review does not change what was accepted.
    ok("review", "R-046", "-r", str(example), "--by", "P-RIVANOVA", "--outcome", "confirmed")
    assert "changed since accepted" not in ok("show", "R-046", "-r", str(example)).out
    # An edit does.
    ok("edit", "R-046", "-r", str(example), "--likelihood", "3")
    shown = ok("show", "R-046", "-r", str(example)).out
    assert "changed since accepted: ACC-004" in " ".join(shown.split())
    data = json.loads(ok("show", "R-046", "-r", str(example), "--format", "json").out)
    assert data["acceptance"]["changed_since_accepted"] is True
    assert data["acceptance"]["acceptance"] == "ACC-004"
    assert gap_ids(example, "accepted-risks-changed-since-acceptance") == ["ACC-003", "ACC-004"]
    # Signed acceptances cannot change or go.
    edit = refused("edit", "ACC-004", "-r", str(example), "--justification", "changed")
    assert "signed risk acceptance" in edit.err
    gone = refused("remove", "ACC-004", "-r", str(example))
    assert "signed risk acceptance" in gone.err


def test_the_rule_s_sparql_hash_is_the_recorded_hash(pristine: Path) -> None:
    """The gap rule computes the hash in SPARQL; for every acceptance of the example whose risk
    is as it was signed, it agrees with riskgraph.model.risk_hash (ACC-003 was signed on purpose
    before its risk changed)."""
    register = Register.open(pristine)
    with register.reader() as store:
        report = run_gaps(register, store)
        changed = report.rule("accepted-risks-changed-since-acceptance").rows
        assert [row["id"] for row in changed] == ["ACC-003"]
        for acceptance, risk in (("ACC-001", "R-029"), ("ACC-002", "R-004")):
            shown = json.loads(ok("show", acceptance, "-r", str(pristine), "--format", "json").out)
            assert shown["fields"]["risk_hash"] == risk_hash(store, BASE + risk)


def test_expired_acceptances_follow_today(pristine: Path) -> None:
    assert gap_ids(pristine, "expired-risk-acceptances") == ["ACC-002"]
    assert gap_ids(pristine, "expired-risk-acceptances", "2026-09-29") == []
    later = gap_ids(pristine, "expired-risk-acceptances", "2027-06-01")
    assert later == ["ACC-002", "ACC-003", "ACC-001"]


# --- control tests -----------------------------------------------------------------------------


def test_closed_test_records_are_immutable_and_corrections_supersede(example: Path) -> None:
    edit = refused("edit", "CT-003", "-r", str(example), "--result", "passed")
    assert "CT-003 is a closed test record" in edit.err and "supersedes" in edit.err
    gone = refused("remove", "CT-003", "-r", str(example))
    assert "closed test record" in gone.err
    assert gap_ids(example, "failed-control-tests-without-corrective-action") == ["CT-003"]
    ok(
        "add",
        "test",
        "-r",
        str(example),
        "--title",
        "Redaction test, Q4 2026 (corrected)",
        "--control",
        "C-014",
        "--tested-on",
        "2026-10-20",
        "--tester",
        "P-HBECK",
        "--result",
        "failed",
        "--supersedes",
        "CT-003",
        "--closed",
        "true",
        "--notes",
        "Same result; the evidence link was missing",
    )
    assert gap_ids(example, "failed-control-tests-without-corrective-action") == ["CT-006"]


def test_control_test_gap_rules_follow_records_and_today(example: Path) -> None:
    assert gap_ids(example, "controls-never-tested") == ["C-030"]
    assert gap_ids(example, "control-tests-overdue") == ["TP-002"]
    assert gap_ids(example, "control-tests-overdue", "2026-09-06") == []  # 180 days after 03-10
    assert gap_ids(example, "control-tests-overdue", "2026-09-07") == ["TP-002"]
    ok(
        "add",
        "test",
        "-r",
        str(example),
        "--title",
        "PO cap walkthrough 2026",
        "--control",
        "C-030",
        "--plan",
        "TP-005",
        "--tested-on",
        "2026-11-21",
        "--tester",
        "P-TBRENNAN",
        "--result",
        "passed",
    )
    assert gap_ids(example, "controls-never-tested") == []
    # An open (not closed) record may still be corrected in place.
    ok("edit", "CT-006", "-r", str(example), "--notes", "Cap of 5,000 units held")
