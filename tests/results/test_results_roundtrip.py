"""Every format is read back by a parser we did not write and must give the original terms."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any

import openpyxl
import pyoxigraph as ox
import pytest
import rdflib
from markdown_it import MarkdownIt
from rdflib.compare import isomorphic
from rdflib.query import Result

from riskgraph.results import get_format, write_result
from riskgraph.results.formulas import restore
from riskgraph.results.tabular import restored_term
from riskgraph.store.base import GraphResult, QueryResult, SelectResult, Term

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Rows = list[dict[str, Term | None]]


def export(result: QueryResult, name: str) -> bytes:
    buffer = io.BytesIO()
    write_result(result, name, buffer)
    return buffer.getvalue()


def materialise(result: SelectResult) -> Rows:
    return list(result.rows)


def to_rdflib(term: Term | None) -> rdflib.term.Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def assert_same_term(parsed: Any, original: Term | None, where: str) -> None:
    if isinstance(original, ox.BlankNode):
        assert isinstance(parsed, ox.BlankNode | rdflib.BNode), where
    elif isinstance(parsed, rdflib.Literal):
        # rdflib normalises some lexical forms (1500 -> 1500.0) in some parsers only: compare
        # the lexical form, or else the value, and always the language and datatype.
        expected = to_rdflib(original)
        assert isinstance(expected, rdflib.Literal) and original is not None, where
        assert (parsed.language, parsed.datatype) == (expected.language, expected.datatype), where
        same_value = parsed.value is not None and parsed.value == expected.value
        assert str(parsed) == original.value or same_value, f"{where}: {parsed!r}"
    elif isinstance(parsed, rdflib.term.Node):
        assert parsed == to_rdflib(original), where
    else:
        assert parsed == original, f"{where}: {parsed!r} != {original!r}"


# --- exact formats: JSON, XML, SPARQL TSV; the spreadsheet TSV once its quotes are off ------
# The spreadsheet TSV (``tsv``) puts a quote before a literal a spreadsheet would run, as CSV
# does (the fixture's "=SUM(A1:A2)"); ``restored_term`` takes it off again. ``sparql_tsv`` is
# exact, like ``sparql_csv``.


def _as_written(name: str, term: Any) -> Any:
    return restored_term(term) if name == "tsv" and isinstance(term, ox.Literal) else term


def _rdflib_as_written(name: str, term: Any) -> Any:
    if name != "tsv" or not isinstance(term, rdflib.Literal):
        return term
    value = restore(str(term))
    if value == str(term):
        return term
    return rdflib.Literal(value, lang=term.language, datatype=term.datatype)


def test_the_spreadsheet_tsv_neutralises_what_the_exact_one_keeps(
    select: Callable[[], SelectResult],
) -> None:
    safe, exact = export(select(), "tsv"), export(select(), "sparql_tsv")
    assert b'"\'=SUM(A1:A2)"' in safe and b'"=SUM(A1:A2)"' not in safe
    assert b'"=SUM(A1:A2)"' in exact and b"'=SUM" not in exact


@pytest.mark.parametrize(
    ("name", "oxigraph_format"),
    [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("sparql_tsv", ox.QueryResultsFormat.TSV),
        ("tsv", ox.QueryResultsFormat.TSV),
    ],
)
def test_pyoxigraph_reads_back_every_term(
    select: Callable[[], SelectResult], name: str, oxigraph_format: ox.QueryResultsFormat
) -> None:
    original = select()
    names, rows = original.variables, materialise(original)
    data = export(select(), name)

    parsed = ox.parse_query_results(data, oxigraph_format)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [v.value for v in parsed.variables] == names
    solutions = list(parsed)
    assert len(solutions) == len(rows) == 3
    for number, (solution, row) in enumerate(zip(solutions, rows, strict=True), start=1):
        for variable in names:
            parsed = _as_written(name, solution[variable])
            assert_same_term(parsed, row[variable], f"row {number} ?{variable}")


@pytest.mark.parametrize("name", ["json", "xml", "sparql_tsv", "tsv"])
def test_rdflib_reads_back_every_term(select: Callable[[], SelectResult], name: str) -> None:
    original = select()
    names, rows = original.variables, materialise(original)
    data = export(select(), name)

    parsed = Result.parse(io.BytesIO(data), format=name.removeprefix("sparql_"))
    assert [str(v) for v in parsed.vars or []] == names
    parsed_rows = [row.asdict() for row in parsed]  # type: ignore[union-attr]
    assert len(parsed_rows) == len(rows)
    for number, (parsed_row, row) in enumerate(zip(parsed_rows, rows, strict=True), start=1):
        for variable in names:
            parsed = _rdflib_as_written(name, parsed_row.get(variable))
            assert_same_term(parsed, row[variable], f"row {number} ?{variable}")


def test_rdflib_reads_sparql_csv_as_bare_values(select: Callable[[], SelectResult]) -> None:
    original = select()
    names, rows = original.variables, materialise(original)
    data = export(select(), "sparql_csv")

    assert data.count(b"\r\n") >= len(rows) + 1  # CRLF line ends
    parsed = Result.parse(io.BytesIO(data), format="csv")
    assert [str(v) for v in parsed.vars or []] == names
    parsed_rows = [row.asdict() for row in parsed]  # type: ignore[union-attr]
    assert len(parsed_rows) == len(rows)
    for parsed_row, row in zip(parsed_rows, rows, strict=True):
        for variable in names:
            term = row[variable]
            value = parsed_row.get(variable)
            assert (None if value is None else str(value)) == (term.value if term else None)


@pytest.mark.parametrize(
    ("name", "oxigraph_format"),
    [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ],
)
def test_blank_nodes_stay_blank_nodes(
    make_store: Callable[[str], ox.Store],
    run: Callable[..., SelectResult],
    name: str,
    oxigraph_format: ox.QueryResultsFormat,
) -> None:
    store = make_store(
        '_:a <https://riskgraph.example/p> _:b . _:b <https://riskgraph.example/p> "x" .'
    )
    result = run(store, "SELECT ?s ?o WHERE { ?s <https://riskgraph.example/p> ?o } ORDER BY ?o")
    solutions = list(ox.parse_query_results(export(result, name), oxigraph_format))  # type: ignore[arg-type]
    kinds = sorted((type(s["s"]).__name__, type(s["o"]).__name__) for s in solutions)
    assert kinds == [("BlankNode", "BlankNode"), ("BlankNode", "Literal")]
    # The object of one row is the subject of the other: labels are kept consistently.
    subjects = {s["s"] for s in solutions}
    assert any(s["o"] in subjects for s in solutions)


def test_ask_in_json_and_xml_reads_back(store: ox.Store, run: Callable[..., Any]) -> None:
    for query, expected in [("ASK { ?s a rg:Risk }", True), ("ASK { ?s a rg:Control }", False)]:
        for name, fmt in [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)]:
            parsed = ox.parse_query_results(export(run(store, query), name), fmt)
            assert isinstance(parsed, ox.QueryBoolean)
            assert bool(parsed) is expected
            reparsed = Result.parse(io.BytesIO(export(run(store, query), name)), format=name)
            assert reparsed.askAnswer is expected


# --- simple-value formats: NDJSON and XLSX --------------------------------------------------

RISK = "https://riskgraph.example/register/"
NOTE = 'Owner said "review", then | left,\ta tab\r\nand a new line; café *bold* [b]x[/b]'
# What a consumer of simple values should see; ``...`` marks values checked per format.
EXPECTED_SIMPLE: list[list[Any]] = [
    [
        RISK + "R-001",
        "R-001",
        "Biased screening outcomes",
        3,
        "2025-03-31",
        0.75,
        True,
        RISK + "P-001",
        NOTE,
    ],
    [
        RISK + "R-002",
        "R-002",
        "Modèle opaque",
        ...,
        "2026-01-15",
        1500.0,
        False,
        None,
        "=SUM(A1:A2)",
    ],
    [
        RISK + "R-003",
        "R-003",
        "Untitled <risk> & more",
        None,
        None,
        "0.1000000000000000000000000001",
        None,
        None,
        None,
    ],
]


def typed(values: Iterable[object]) -> list[tuple[str, object]]:
    """Values with their types, so that True differs from 1 and 1500.0 from 1500."""
    return [(type(value).__name__, value) for value in values]


def test_ndjson_lines_are_json_objects_with_native_numbers(
    select: Callable[[], SelectResult],
) -> None:
    names = select().variables
    lines = export(select(), "ndjson").decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    for record, expected in zip(records, EXPECTED_SIMPLE, strict=True):
        assert list(record) == names  # every variable present, unbound as null
        big = 12345678901234567890  # JSON keeps every digit of an integer
        assert typed(record.values()) == typed(big if v is ... else v for v in expected)


def excel_number(value: object) -> object:
    """Spreadsheets have one number type: 1500.0 is saved and read back as 1500."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def test_xlsx_cells_hold_typed_values(select: Callable[[], SelectResult]) -> None:
    data = export(select(), "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["results"]
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == select().variables
    assert all(cell.font.bold for cell in rows[0])
    assert len(rows) == 4
    for cells, expected in zip(rows[1:], EXPECTED_SIMPLE, strict=True):
        # Excel keeps 15 digits, so the 20-digit integer stays text; CR LF reads back as LF.
        wanted = ["12345678901234567890" if v is ... else v for v in expected]
        wanted = [v.replace("\r\n", "\n") if isinstance(v, str) else v for v in wanted]
        got = [cell.value for cell in cells] + [None] * (len(wanted) - len(cells))
        assert typed(map(excel_number, got)) == typed(map(excel_number, wanted))
    formula_like = rows[2][8]
    assert formula_like.value == "=SUM(A1:A2)"
    assert formula_like.data_type == "s"  # text, not a formula Excel would run
    assert sheet.freeze_panes == "A2"


# --- Markdown ---------------------------------------------------------------------------------


def markdown_cells(document: str) -> list[list[str]]:
    """Table cells as a CommonMark+tables renderer sees them (<br> read as a line break)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(document)
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            parts = []
            for child in token.children or []:
                if child.type == "text":
                    parts.append(child.content)
                elif child.type == "html_inline" and child.content == "<br>":
                    parts.append("\n")
                else:
                    parts.append(f"<{child.type}>")  # markup that should have been escaped
            rows[-1].append("".join(parts))
    return rows


def test_markdown_table_renders_the_exact_text(select: Callable[[], SelectResult]) -> None:
    original = select()
    names, rows = original.variables, materialise(original)
    cells = markdown_cells(export(select(), "markdown").decode("utf-8"))
    assert cells[0] == names
    assert len(cells) == len(rows) + 1
    for rendered, row in zip(cells[1:], rows, strict=True):
        expected = [(row[n].value if row[n] is not None else "") for n in names]  # type: ignore[union-attr]
        assert rendered == [value.replace("\r\n", "\n") for value in expected]


# --- RDF formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rdflib_format"),
    [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")],
)
def test_rdf_formats_parse_to_an_isomorphic_graph(
    construct_with_blank_nodes: Callable[[], GraphResult], name: str, rdflib_format: str
) -> None:
    triples = list(construct_with_blank_nodes().triples)
    assert any(isinstance(t.object, ox.BlankNode) for t in triples)
    expected = rdflib.Graph()
    for triple in triples:
        terms: Any = (triple.subject, triple.predicate, triple.object)
        expected.add(tuple(to_rdflib(term) for term in terms))  # type: ignore[arg-type]

    data = export(GraphResult(iter(triples)), name)
    parsed = rdflib.Graph().parse(data=data, format=rdflib_format)
    assert len(parsed) == len(triples)
    assert isomorphic(parsed, expected)


def test_turtle_uses_the_standard_prefixes(construct: Callable[[], GraphResult]) -> None:
    text = export(construct(), "turtle").decode("utf-8")
    assert "@prefix rg: <https://w3id.org/riskgraph#> ." in text
    assert "rg:Risk" in text
    get_format("turtle")  # registered under this name
