"""``riskgraph import`` applies the certification record rules of riskgraph/editing/records.py, as
every other write does: a risk acceptance needs a signer holding the authority role, signed
acceptances and closed control tests cannot change, and a review moves its item's next review
date. Through the CLI (tests/cli_run.py) on a copy of the Harbourline example on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_run import Run, run

from riskgraph.model.entities import ControlTest, Risk, RiskAcceptance
from riskgraph.model.repository import Repository
from riskgraph.model.risk_hash import risk_hash
from riskgraph.register import Register, init_register

ACCEPTANCE_HEADER = (
    "# riskgraph template: acceptance v1\n"
    "id,title,description,risk,accepted_by,accepted_on,justification,expires,treatment,risk_hash\n"
)
REVIEW_HEADER = (
    "# riskgraph template: review v1\n"
    "id,title,description,item,reviewed_by,reviewed_on,outcome,notes\n"
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("import-records") / "example"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def example(pristine: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "example"
    shutil.copytree(pristine, folder)
    return folder


def _import(folder: Path, name: str, text: str) -> Run:
    path = folder.parent / name
    path.write_text(text, encoding="utf-8")
    return run("import", str(path), "-r", str(folder))


def _get(folder: Path, entity_id: str):
    register = Register.open(folder)
    with register.reader() as store:
        return Repository(store, register.base_iri).get(entity_id)


def _revision(folder: Path) -> str:
    return run("stats", "-r", str(folder), "-f", "json").out


def test_an_acceptance_signed_without_the_authority_role_is_refused(example: Path) -> None:
    before = _revision(example)
    done = _import(
        example,
        "acceptances.csv",
        ACCEPTANCE_HEADER
        + "ACC-010,Accept R-012,,R-012,P-AOKAFOR,2026-11-20,Costs too much to fix,2027-06-30,,\n"
        + "ACC-011,Accept R-014,,R-014,P-SPATEL,2026-11-20,Costs too much to fix,2027-06-30,,\n",
    )
    assert done.code == 2, done.out + done.err
    assert "Traceback" not in done.err
    assert "acceptances.csv, row 4, column 'accepted_by'" in done.err
    assert "P-SPATEL does not hold the role ROLE-TOP-MGMT" in done.err
    assert "nothing was imported" in done.err
    assert _get(example, "ACC-010") is None  # all or nothing: the good row is not written either
    assert _revision(example) == before


def test_an_acceptance_signed_with_the_role_is_imported_with_the_risk_hash(example: Path) -> None:
    done = _import(
        example,
        "acceptance.csv",
        ACCEPTANCE_HEADER
        + "ACC-010,Accept R-012,,R-012,P-AOKAFOR,2026-11-20,Costs too much to fix,2027-06-30,,\n",
    )
    assert done.code == 0, done.out + done.err
    accepted = _get(example, "ACC-010")
    assert isinstance(accepted, RiskAcceptance)
    register = Register.open(example)
    with register.reader() as store:
        assert accepted.risk_hash == risk_hash(store, register.base_iri + "R-012")


def test_a_change_to_a_closed_test_or_a_signed_acceptance_is_refused(example: Path) -> None:
    exported = example.parent / "tests.csv"
    assert run("export", "-r", str(example), "-o", str(exported), "--kind", "test").code == 0
    text = exported.read_text(encoding="utf-8")
    stored = _get(example, "CT-001")
    assert isinstance(stored, ControlTest) and stored.closed
    # The same records again change nothing and are fine.
    again = run("import", str(exported), "-r", str(example))
    assert again.code == 0, again.err
    edited = text.replace("Fairness test re-performance, Q3 2026", "Fairness test, edited")
    assert edited != text
    done = _import(example, "tests-edited.csv", edited)
    assert done.code == 2, done.out + done.err
    assert "tests-edited.csv, row 3, column 'id'" in done.err
    assert "CT-001 is a closed test record and cannot change" in done.err
    assert _get(example, "CT-001") == stored

    acceptances = example.parent / "acceptances.csv"
    assert (
        run("export", "-r", str(example), "-o", str(acceptances), "--kind", "acceptance").code == 0
    )
    changed = acceptances.read_text(encoding="utf-8").replace("2027-05-31", "2028-05-31")
    done = _import(example, "acceptances-edited.csv", changed)
    assert done.code == 2, done.out + done.err
    assert "ACC-001 is a signed risk acceptance and cannot change" in done.err


def test_an_imported_review_moves_the_next_review_date(example: Path) -> None:
    before = _get(example, "R-019")
    assert isinstance(before, Risk) and before.review_due is not None
    done = _import(
        example,
        "reviews.csv",
        REVIEW_HEADER + "REV-050,Review of R-019,,R-019,P-SPATEL,2026-11-20,confirmed,\n",
    )
    assert done.code == 0, done.out + done.err
    after = _get(example, "R-019")
    assert isinstance(after, Risk)
    assert after.last_reviewed is not None and after.last_reviewed.isoformat() == "2026-11-20"
    assert after.review_due is not None and after.review_due.isoformat() == "2027-11-20"
    due = run("due", "-r", str(example), "--today", "2026-11-22", "-f", "json")
    assert '"R-019"' not in due.out  # no longer overdue


def test_a_review_of_an_item_in_the_same_file_moves_it_there(example: Path) -> None:
    path = example.parent / "both.yaml"
    path.write_text(
        "controls:\n"
        "  - id: C-900\n"
        "    title: New control\n"
        "    status: implemented\n"
        "reviews:\n"
        "  - id: REV-060\n"
        "    title: First review of C-900\n"
        "    item: C-900\n"
        "    reviewed_by: P-SPATEL\n"
        "    reviewed_on: 2026-11-01\n"
        "    outcome: confirmed\n",
        encoding="utf-8",
    )
    done = run("import", str(path), "-r", str(example))
    assert done.code == 0, done.out + done.err
    control = _get(example, "C-900")
    assert control is not None
    assert control.last_reviewed.isoformat() == "2026-11-01"  # type: ignore[attr-defined]
    assert control.review_due.isoformat() == "2027-11-01"  # type: ignore[attr-defined]
