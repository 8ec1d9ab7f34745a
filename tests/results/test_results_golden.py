"""Each format's output for a fixed result, compared byte for byte with tests/results/golden/.

After an intended change to a writer, regenerate the files and review the diff:

    RISKGRAPH_UPDATE_GOLDEN=1 /work/venv/bin/pytest tests/results/test_results_golden.py

XLSX files differ from one save to the next (zip timestamps), so their golden file holds the
cell types and values instead, one JSON line per row.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from riskgraph.results import write_result
from riskgraph.store.base import QueryResult

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RISKGRAPH_UPDATE_GOLDEN") == "1"

CASES = [
    ("select", "csv", "select.csv"),
    ("select", "sparql_csv", "select.sparql.csv"),
    ("select", "tsv", "select.tsv"),
    ("select", "sparql_tsv", "select.sparql.tsv"),
    ("select", "json", "select.srj"),
    ("select", "xml", "select.srx"),
    ("select", "ndjson", "select.ndjson"),
    ("select", "markdown", "select.md"),
    ("select", "table", "select.table.txt"),
    ("graph", "turtle", "graph.ttl"),
    ("graph", "ntriples", "graph.nt"),
    ("graph", "jsonld", "graph.jsonld"),
    ("graph", "rdfxml", "graph.rdf"),
    ("graph", "table", "graph.table.txt"),
    ("ask", "json", "ask.srj"),
    ("ask", "xml", "ask.srx"),
    ("ask", "text", "ask.txt"),
]


def check_golden(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(actual)
        return
    assert path.exists(), f"{path} is missing; run with RISKGRAPH_UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes()
    if actual != expected:
        # Show the text difference; the assertion is still on bytes.
        assert actual.decode("utf-8", "replace") == expected.decode("utf-8", "replace")
        assert actual == expected


@pytest.fixture
def results(
    select: Callable[[], QueryResult],
    construct: Callable[[], QueryResult],
    store: ox.Store,
    run: Callable[[ox.Store, str], QueryResult],
) -> dict[str, Callable[[], QueryResult]]:
    return {
        "select": select,
        "graph": construct,
        "ask": lambda: run(store, "ASK { ?risk a rg:Risk }"),
    }


@pytest.mark.parametrize(("kind", "format_name", "golden"), CASES)
def test_output_matches_golden_file(
    results: dict[str, Callable[[], QueryResult]],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    format_name: str,
    golden: str,
) -> None:
    for variable in ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(variable, raising=False)  # rich reads these
    buffer = io.BytesIO()
    write_result(results[kind](), format_name, buffer, width=120)
    check_golden(golden, buffer.getvalue())


def test_xlsx_cells_match_golden_file(results: dict[str, Callable[[], QueryResult]]) -> None:
    buffer = io.BytesIO()
    write_result(results["select"](), "xlsx", buffer)
    workbook = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    lines = [
        json.dumps([sheet.title, [[c.data_type, c.value] for c in row]], ensure_ascii=False)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
    ]
    check_golden("select.xlsx.jsonl", "".join(line + "\n" for line in lines).encode("utf-8"))
