"""riskgraph soa and riskgraph report through the real CLI, on the example register on disk."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from riskgraph.cli import app
from riskgraph.errors import InputError, UserError
from riskgraph.register import init_register

runner = CliRunner()
TODAY = "2026-11-22"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "harbourline"
    init_register(folder, with_example=True)
    return folder


def test_soa_format_follows_the_file_extension(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "soa.xlsx"
    result = runner.invoke(app, ["soa", "-r", str(example), "-o", str(target), "--today", TODAY])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == ["SoA", "about"]
    assert workbook["SoA"].max_row == 39
    assert not list(tmp_path.glob(".*.tmp")), "the file is written atomically"


def test_soa_csv_to_standard_output(example: Path) -> None:
    result = runner.invoke(app, ["soa", "-r", str(example), "--format", "csv", "--today", TODAY])
    assert result.exit_code == 0, result.output
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(records) == 38
    assert {r["control"]: r["status"] for r in records}["A.10.4"] == "excluded"


def test_soa_defaults_to_markdown(example: Path) -> None:
    result = runner.invoke(app, ["soa", "-r", str(example), "--today", TODAY])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Statement of Applicability: ")
    assert "## A.10 Third-party and customer relationships" in result.stdout


def test_report_writes_one_html_file(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "audit.html"
    result = runner.invoke(app, ["report", "-r", str(example), "-o", str(target), "--today", TODAY])
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert 'id="soa"' in html and 'data-heatmap="residual"' in html
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (["soa", "--today", "22/11/2026"], InputError, "--today"),
        (["soa", "--format", "pdf"], InputError, "--format"),
        (["soa", "-o", "soa.pdf"], InputError, "extension"),
        (["soa", "--format", "xlsx"], UserError, "binary format"),
        (["report", "--today", "2026-02-30"], InputError, "YYYY-MM-DD"),
    ],
)
def test_bad_options_are_user_errors(
    example: Path, args: list[str], error: type[Exception], message: str
) -> None:
    result = runner.invoke(app, [*args, "-r", str(example)])
    assert isinstance(result.exception, error)
    assert message in str(result.exception)


def test_user_errors_reach_the_terminal_cleanly(example: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RISKGRAPH_REGISTER"}
    done = subprocess.run(
        [sys.executable, "-m", "riskgraph", "soa", "-r", str(example), "--today", "soon"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2
    assert "--today" in done.stderr and "'soon'" in done.stderr
    assert "Traceback" not in done.stderr
