"""Read models kept per register state (``riskgraph.views.kept``): served only for the state,
settings, day and rules they were computed on, and never an error when the file is damaged.

Each test proves that a kept model is served by planting a marked one under the current key,
then checks that a commit, another setting, another day, a new gap rule or a write that does not
keep the register hash makes riskgraph read the store again instead.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from riskgraph.analysis.gap_summary import load_gap_summary
from riskgraph.editing.input import Changes, Origin
from riskgraph.editing.write import Draft, prepare_edits, run_write
from riskgraph.model.entities import Risk
from riskgraph.register import Register, init_register
from riskgraph.views.dashboard import (
    _due_reviews,
    load_due_reviews,
    load_overview,
    read_overview,
)
from riskgraph.views.kept import KEPT_DIR

TODAY = date(2026, 10, 1)


@pytest.fixture
def register(tmp_path: Path) -> Register:
    return init_register(tmp_path / "register", with_example=True)


def _fresh_overview(register: Register):  # type: ignore[no-untyped-def]
    with register.reader() as store:
        return read_overview(store, register)


def _plant(register: Register, name: str, field: str, value: object) -> None:
    """Change one field of the kept model ``name`` in place, its key unchanged."""
    assert register.folder is not None
    path = register.folder / KEPT_DIR / f"{name}.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["value"][field] = value
    path.write_text(json.dumps(stored), encoding="utf-8")


def _raise_likelihood(register: Register, risk_id: str) -> None:
    def edit(repo):  # type: ignore[no-untyped-def]
        draft = Draft(Risk, Changes(values={"likelihood": 5}), Origin())
        return prepare_edits(repo, [(risk_id, draft)])

    run_write(register, edit)


def test_the_overview_is_kept_until_a_commit_changes_the_register(register: Register) -> None:
    first = load_overview(register)
    assert first == _fresh_overview(register)
    _plant(register, "overview", "above_appetite", 999)
    assert load_overview(register).above_appetite == 999  # served as kept

    _raise_likelihood(register, "R-001")
    after = load_overview(register)
    assert after == _fresh_overview(register)
    assert after.revision == first.revision + 1
    assert after.inherent.counts != first.inherent.counts


def test_other_settings_compute_the_overview_again(register: Register) -> None:
    load_overview(register)
    _plant(register, "overview", "above_appetite", 999)
    register.config.risk.appetite = "very-low"
    kept_for_new_settings = load_overview(register)
    assert kept_for_new_settings.above_appetite != 999
    assert kept_for_new_settings == _fresh_overview(register)


def test_a_write_that_does_not_keep_the_register_hash_stops_serving(register: Register) -> None:
    load_overview(register)
    _plant(register, "overview", "above_appetite", 999)
    with register.writer() as store:
        store.invalidate_hash()
    assert load_overview(register) == _fresh_overview(register)
    assert load_overview(register) == _fresh_overview(register)  # nothing kept meanwhile


def test_reviews_due_are_kept_per_day(register: Register) -> None:
    assert load_due_reviews(register, TODAY) == _due_reviews(register, TODAY)
    _plant(register, "due-reviews", "overdue", 999)
    assert load_due_reviews(register, TODAY).overdue == 999
    later = TODAY.replace(year=2027)
    assert load_due_reviews(register, later) == _due_reviews(register, later)


def test_a_new_gap_rule_computes_the_gap_summary_again(register: Register) -> None:
    before = load_gap_summary(register, TODAY)
    _plant(register, "gap-summary", "total", 999)
    assert load_gap_summary(register, TODAY).total == 999
    assert register.queries_dir is not None
    register.queries_dir.mkdir(exist_ok=True)
    (register.queries_dir / "every-risk.rq").write_text(
        "# title: Every risk\n# description: Every risk of the register.\n# tags: gaps\nPREFIX rg: <https://w3id.org/riskgraph#>\n"
        "SELECT ?risk WHERE { ?risk a rg:Risk }\n",
        encoding="utf-8",
    )
    after = load_gap_summary(register, TODAY)
    assert after.rules == before.rules + 1
    assert "every-risk" in [line.name for line in after.top]


@pytest.mark.parametrize("damage", ["not json", '{"key": 1}', "[]", '{"value": {}}'])
def test_a_damaged_kept_file_is_read_again_from_the_store(register: Register, damage: str) -> None:
    load_overview(register)
    assert register.folder is not None
    (register.folder / KEPT_DIR / "overview.json").write_text(damage, encoding="utf-8")
    assert load_overview(register) == _fresh_overview(register)


def test_a_kept_model_with_fields_missing_is_read_again(register: Register) -> None:
    load_overview(register)
    assert register.folder is not None
    path = register.folder / KEPT_DIR / "overview.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    del stored["value"]["inherent"]["cells"]
    path.write_text(json.dumps(stored), encoding="utf-8")
    assert load_overview(register) == _fresh_overview(register)


def test_a_folder_where_nothing_can_be_kept_still_shows_the_dashboard(
    register: Register,
) -> None:
    assert register.folder is not None
    (register.folder / KEPT_DIR).write_text("a file where the folder would be", encoding="utf-8")
    assert load_overview(register) == _fresh_overview(register)
    assert load_gap_summary(register, TODAY).rules > 0


def test_registers_in_memory_keep_nothing() -> None:
    register = Register.in_memory()
    assert load_overview(register) == _fresh_overview(register)
