"""The gap rule overdue-reviews means what ``riskgraph due`` means by "overdue": the same kinds
(risks, controls, treatments, AI systems), the same date rule (the stored review date, else the
last review plus the item's own interval, else the register's setting for its kind) and the same
today. Checked on the Harbourline example and on a copy where items of all four kinds are overdue
only by their interval, with the documented rule (riskgraph/queries/library) and the gap report
(which runs its fast form on the embedded store)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from cli_run import run

from riskgraph.analysis.gaps import TODAY_PARAM, review_params, run_gaps
from riskgraph.queries import builtin_queries, run_query
from riskgraph.register import Register, init_register
from riskgraph.views.due import load_due

RULE = "overdue-reviews"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("overdue") / "example"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture(scope="module")
def by_interval(example: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with items of every kind whose next review is computed, not stored."""
    folder = tmp_path_factory.mktemp("interval") / "register"
    shutil.copytree(example, folder)
    edits = [
        # controls: the register's setting (set to 200 days below), an own interval, not yet due
        {"id": "C-001", "last_reviewed": "2026-04-01"},
        {"id": "C-002", "last_reviewed": "2026-10-01", "review_interval": 30},
        {"id": "C-003", "last_reviewed": "2026-06-01"},
        # a system, a treatment and risks whose stored date is cleared
        {"id": "SYS-CHATBOT", "review_due": None, "last_reviewed": "2025-11-01"},
        {"id": "T-001", "review_due": None, "last_reviewed": "2026-05-01"},
        {"id": "R-001", "review_due": None, "last_reviewed": "2025-11-21"},
        {"id": "R-002", "review_due": None, "last_reviewed": "2025-11-22"},
        {"id": "R-003", "review_due": None, "last_reviewed": "2025-12-01", "review_interval": 300},
    ]
    changes = folder.parent / "edits.json"
    changes.write_text(json.dumps(edits), encoding="utf-8")
    done = run("edit", "-r", str(folder), "-f", str(changes))
    assert done.code == 0, done.out + done.err
    done = run("settings", "set", "review.control_days", "200", "-r", str(folder))
    assert done.code == 0, done.out + done.err
    return folder


def _due(folder: Path, today: date) -> list[tuple[str, str, str]]:
    schedule = load_due(Register.open(folder), today)
    overdue = [e for e in schedule.entries if e.status(today) == "overdue"]
    return [(e.kind, e.id, e.next_review.isoformat()) for e in overdue]


def _gaps(folder: Path, today: date) -> list[tuple[str, str, str]]:
    register = Register.open(folder)
    with register.reader() as store:
        rule = run_gaps(register, store, today=today).rule(RULE)
    return [(str(r["kind"]), str(r["id"]), str(r["review_due"])) for r in rule.rows]


def _documented(folder: Path, today: date) -> list[tuple[str, str, str]]:
    register = Register.open(folder)
    params = {
        TODAY_PARAM: today,
        **review_params(register.config.review),
    }
    with (
        register.reader() as store,
        run_query(
            store,
            builtin_queries()[RULE],
            params,
            base_iri=register.base_iri,
            today=today,
            limit=None,
            time_limit=None,
        ) as answer,
    ):
        rows = list(answer.result.rows)  # type: ignore[union-attr]
    return [(r["kind"].value, r["id"].value, r["review_due"].value) for r in rows]


@pytest.mark.parametrize("today", ["2026-11-22", "2027-03-01", "2027-12-31"])
def test_on_the_example_the_rule_lists_what_due_calls_overdue(example: Path, today: str) -> None:
    day = date.fromisoformat(today)
    expected = _due(example, day)
    assert expected
    assert _gaps(example, day) == expected
    assert _documented(example, day) == expected


@pytest.mark.parametrize("today", ["2026-11-22", "2027-01-01"])
def test_items_overdue_only_by_their_interval_are_listed(by_interval: Path, today: str) -> None:
    day = date.fromisoformat(today)
    expected = _due(by_interval, day)
    assert _gaps(by_interval, day) == expected
    assert _documented(by_interval, day) == expected


def test_computed_dates_follow_own_interval_then_the_setting(by_interval: Path) -> None:
    rows = {item_id: (kind, due) for kind, item_id, due in _gaps(by_interval, date(2026, 11, 22))}
    assert rows["C-001"] == ("control", "2026-10-18")  # 2026-04-01 + 200 days (the setting)
    assert rows["C-002"] == ("control", "2026-10-31")  # 2026-10-01 + 30 days (its own)
    assert "C-003" not in rows  # 2026-06-01 + 200 days = 2026-12-18
    assert rows["SYS-CHATBOT"] == ("system", "2026-11-01")
    assert rows["T-001"] == ("treatment", "2026-10-28")  # 2026-05-01 + 180 days
    assert rows["R-001"] == ("risk", "2026-11-21")
    assert "R-002" not in rows  # due 2026-11-22: today, not overdue
    assert rows["R-003"] == ("risk", "2026-09-27")  # 2025-12-01 + 300 days
