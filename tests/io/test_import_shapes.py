"""``riskgraph import`` runs the write pipeline's SHACL check on what it adds or changes."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import cli_run
import pytest
from io_support import FIXTURES, MAPPINGS

from riskgraph.register import Register, init_register

MIT_MAPPING = MAPPINGS / "mit-ai-risk-repository.yaml"
RISKS = "# riskgraph template: risk v1\nid,title,likelihood,severity{extra}\n"


def run(*args: str) -> cli_run.Run:
    with mock.patch.dict(os.environ, {"COLUMNS": "400"}):
        return cli_run.run(*args)


@pytest.fixture(autouse=True)
def _no_register_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    init_register(tmp_path / "reg")
    return tmp_path / "reg"


def _quads(folder: Path) -> int:
    with Register.open(folder).reader() as store:
        return len(list(store.quads()))


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _library(tmp_path: Path, rows: int, *, catalogue: bool) -> Path:
    extra = ",catalogue_entry" if catalogue else ""
    lines = [f"R-{n:03d},Risk {n},3,3" + (",true" if catalogue else "") for n in range(rows)]
    return _write(tmp_path, "library.csv", RISKS.format(extra=extra) + "\n".join(lines) + "\n")


def test_a_risk_library_without_catalogue_entry_is_refused(tmp_path: Path, folder: Path) -> None:
    path = _library(tmp_path, 3, catalogue=False)
    before = _quads(folder)
    result = run("import", str(path), "-r", str(folder))
    assert result.code != 0
    text = result.out + result.err
    assert "Traceback" not in text
    for row, risk in ((3, "R-000"), (4, "R-001"), (5, "R-002")):
        assert f"row {row}, column 'affects': {risk}: Risk affects no AI system" in text
    assert "nothing was imported" in text
    assert _quads(folder) == before
    assert run("validate", "-r", str(folder)).code == 0


def test_the_same_library_as_catalogue_risks_imports_and_validates(
    tmp_path: Path, folder: Path
) -> None:
    path = _library(tmp_path, 3, catalogue=True)
    result = run("import", str(path), "-r", str(folder))
    assert result.code == 0, result.out + result.err
    assert "3 added" in result.out
    assert run("validate", "-r", str(folder)).code == 0


def test_a_dry_run_reports_the_same_violations(tmp_path: Path, folder: Path) -> None:
    path = _library(tmp_path, 2, catalogue=False)
    result = run("import", str(path), "--dry-run", "-r", str(folder))
    assert result.code != 0
    text = result.out + result.err
    assert "row 3, column 'affects': R-000: Risk affects no AI system" in text
    assert "row 4, column 'affects': R-001: Risk affects no AI system" in text


def test_the_shipped_mit_mapping_imports_and_validates(folder: Path) -> None:
    result = run(
        "import",
        str(FIXTURES / "mit_ai_risk_sample.csv"),
        "--mapping",
        str(MIT_MAPPING),
        "-r",
        str(folder),
    )
    assert result.code == 0, result.out + result.err
    assert "27 added" in result.out
    checked = run("validate", "-r", str(folder))
    assert checked.code == 0, checked.out + checked.err


def test_a_dependency_cycle_only_the_shapes_see_is_refused(tmp_path: Path, folder: Path) -> None:
    """No model or link check looks at chains of depends_on: the SPARQL rule does."""
    system = _write(tmp_path, "s.csv", "# riskgraph template: system v1\nid,title\nS-1,Sys\n")
    assert run("import", str(system), "-r", str(folder)).code == 0
    before = _quads(folder)
    path = _write(
        tmp_path,
        "components.csv",
        "# riskgraph template: component v1\nid,title,depends_on\n"
        "C-1,First,C-2\nC-2,Second,C-1\nC-3,Fine,\n",
    )
    result = run("import", str(path), "-r", str(folder))
    assert result.code != 0
    text = result.out + result.err
    assert "row 3, column 'depends_on': C-1: Entity depends on itself" in text
    assert "row 4, column 'depends_on': C-2: Entity depends on itself" in text
    assert "(got " in text  # the value the rule found
    assert _quads(folder) == before


def test_skipping_bad_rows_leaves_out_the_rows_the_shapes_refuse(
    tmp_path: Path, folder: Path
) -> None:
    system = _write(tmp_path, "s.csv", "# riskgraph template: system v1\nid,title\nS-1,Sys\n")
    assert run("import", str(system), "-r", str(folder)).code == 0
    path = _write(
        tmp_path,
        "risks.csv",
        RISKS.format(extra=",affects") + "R-1,Bound,3,3,S-1\nR-2,Loose,3,3,\n",
    )
    result = run("import", str(path), "--skip-bad-rows", "-r", str(folder))
    assert result.code == 0, result.out + result.err
    assert "row 4, column 'affects': R-2: Risk affects no AI system" in result.out + result.err
    assert "1 added" in result.out
    assert run("validate", "-r", str(folder)).code == 0
