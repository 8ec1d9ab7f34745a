"""riskgraph verify: an export's manifest against the register as it is now.

Exports are made with ``riskgraph query run -o``; the register is changed with the core
(``riskgraph.model.repository`` and a commit), as a user's edit would.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from cli_run import run

from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.resources import example_register
from riskgraph.store.base import commit

TODAY = "2026-11-22"


@pytest.fixture(scope="module")
def _pristine_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path_factory.mktemp("verify") / "example"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def example(_pristine_example: Path, tmp_path: Path) -> Path:
    """A copy of the example register of the test's own (tests here change it)."""
    return Path(shutil.copytree(_pristine_example, tmp_path / "example"))


def export(folder: Path, target: Path, *extra: str) -> None:
    done = run(
        "query", "run", "overdue-reviews", "-r", str(folder), "-p", f"today={TODAY}",
        "-o", str(target), *extra,
    )  # fmt: skip
    assert done.code == 0, done.err


def edit_risk(folder: Path, risk_id: str, **changes: object) -> None:
    """Change a risk the way the entity commands do: plan with the repository, then commit."""
    register = Register.open(folder)
    with register.writer() as store:
        repository = Repository(store, register.base_iri)
        risk = repository.get(risk_id)
        assert risk is not None
        plan = repository.plan_upsert([risk.model_copy(update=changes)])
        assert plan.changed, "the edit should change something"
        commit(store, plan.changes)


def test_matches_right_after_the_export(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.csv"
    export(example, target)
    for given in (tmp_path / "overdue.csv.manifest.json", target):
        done = run("verify", str(given), "-r", str(example))
        assert done.code == 0, done.out + done.err
        assert "register: unchanged" in done.out
        assert "result:   matches (10 rows)" in done.out
        assert "is unchanged since the export" in done.out
        assert "stored query 'overdue-reviews'" in done.out
        assert f"manifest: {tmp_path / 'overdue.csv.manifest.json'} (" in done.out


def test_an_xlsx_export_carries_its_manifest_inside(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.xlsx"
    export(example, target)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["overdue.xlsx"]
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 0, done.out + done.err
    assert "matches (10 rows)" in done.out and "overdue.xlsx is unchanged" in done.out
    assert "overdue.xlsx (its 'manifest' sheet)" in done.out


def test_an_ad_hoc_export_verifies_too(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "risks.json"
    query = "SELECT ?id WHERE { ?r a rg:Risk ; dcterms:identifier ?id }"
    assert run("query", "run", "-e", query, "-r", str(example), "-o", str(target)).code == 0
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 0, done.out + done.err
    assert "an ad-hoc query" in done.out and "matches (46 rows)" in done.out


def test_a_changed_register_is_detected_and_explained(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.json"
    export(example, target)
    # R-008 was overdue (due 2026-06-30); its review is now planned for next year.
    edit_risk(example, "R-008", review_due=date(2027, 1, 15))
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 1
    assert "register: changed since the export" in done.out
    assert "result:   differs: 10 rows at export, 9 now" in done.out
    assert "1 row(s) gone since the export" in done.out
    assert "id=R-008" in done.out and "review_due=2026-06-30" in done.out
    assert "new since the export" not in done.out
    assert "is unchanged since the export" in done.out  # the file itself was not touched
    assert "no longer matches" in done.out


def test_a_new_row_is_listed_as_new(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.tsv"
    export(example, target)
    edit_risk(example, "R-001", review_due=date(2026, 1, 1))
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 1
    assert "1 row(s) new since the export" in done.out and "id=R-001" in done.out


@pytest.mark.parametrize("fmt", ["tsv", "sparql_tsv"])
def test_a_formula_like_value_in_a_tsv_export_is_read_back_as_it_was(
    example: Path, tmp_path: Path, fmt: str
) -> None:
    """The spreadsheet TSV quotes "=1+1"; verify takes the quote off, so only real changes show."""
    edit_risk(example, "R-001", title="=1+1")
    target = tmp_path / "titles.tsv"
    query = "SELECT ?id ?t WHERE { ?r a rg:Risk ; dcterms:identifier ?id ; dcterms:title ?t }"
    done = run("query", "run", "-e", query, "-r", str(example), "-o", str(target), "-f", fmt)
    assert done.code == 0, done.err
    assert ('"\'=1+1"' in target.read_text(encoding="utf-8")) is (fmt == "tsv")
    edit_risk(example, "R-002", title="A new title")
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 1, done.out + done.err
    assert "1 row(s) gone since the export" in done.out
    assert "1 row(s) new since the export" in done.out
    assert "id=R-001" not in done.out and "id=R-002" in done.out


def test_a_register_change_outside_the_result_still_matches(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.csv"
    export(example, target)
    edit_risk(example, "R-001", title="A new title for a risk that is not overdue")
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 0, done.out
    assert "register: changed since the export" in done.out
    assert "result:   matches (10 rows)" in done.out


def test_a_modified_file_does_not_match(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.csv"
    export(example, target)
    target.write_text(target.read_text().replace("R-008", "R-999"))
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 1
    assert "result:   matches" in done.out
    assert "was modified after the export" in done.out


def test_a_missing_file_checks_the_result_only(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.csv"
    export(example, target)
    target.unlink()
    done = run("verify", str(tmp_path / "overdue.csv.manifest.json"), "-r", str(example))
    assert done.code == 0, done.out
    assert "is not there; only the result was checked" in done.out


def test_a_stored_query_changed_since_the_export_is_noted(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.csv"
    export(example, target)
    (example / "queries" / "overdue-reviews.rq").write_text(
        "# title: Local\n# description: Replaced.\nSELECT ?x WHERE { ?x ?y ?z }\n"
    )
    done = run("verify", str(target), "-r", str(example))
    assert done.code == 0, done.out
    assert "has changed since the export" in done.out


def _manifest(tmp_path: Path, example: Path) -> tuple[Path, dict[str, object]]:
    export(example, tmp_path / "overdue.csv")
    path = tmp_path / "overdue.csv.manifest.json"
    return path, json.loads(path.read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: "{ not json", "not a JSON manifest"),
        (lambda m: json.dumps({**m, "result_sha256": "xyz"}), "result_sha256"),
        (lambda m: json.dumps({k: v for k, v in m.items() if k != "query"}), "query"),
        (lambda m: json.dumps({**m, "manifest_version": 9}), "manifest version"),
        (
            lambda m: json.dumps({**m, "parameters": {"today": "not a term"}}),
            "not an RDF term",
        ),
        (
            lambda m: json.dumps({**m, "parameters": {"days": '"3"'}}),
            "has no parameter 'days'",
        ),
        (lambda m: json.dumps({**m, "query": "DROP ALL"}), "DROP is an update operation"),
    ],
)
def test_a_bad_manifest_exits_2(
    example: Path, tmp_path: Path, change: object, message: str
) -> None:
    path, manifest = _manifest(tmp_path, example)
    path.write_text(change(manifest))  # type: ignore[operator]
    done = run("verify", str(path), "-r", str(example))
    assert done.code == 2, done.out
    assert message in done.err
    assert "Traceback" not in done.err


def test_no_manifest_at_all_exits_2(example: Path, tmp_path: Path) -> None:
    export(example, tmp_path / "overdue.csv", "--no-manifest")
    done = run("verify", str(tmp_path / "overdue.csv"), "-r", str(example))
    assert done.code == 2
    assert "no manifest found" in done.err
    missing = run("verify", str(tmp_path / "nothing.csv.manifest.json"), "-r", str(example))
    assert missing.code == 2 and "no such manifest file" in missing.err
