"""Values that some formats cannot carry, and what each writer does about them."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from rdflib.query import Result

from riskgraph.errors import UserError
from riskgraph.results import write_result
from riskgraph.results.terms import compact_iri, ntriples, simple_value
from riskgraph.store.base import GraphResult, SelectResult, Term
from riskgraph.vocab import PREFIXES, XSD

Row = dict[str, Term | None]
SUBJECT = ox.NamedNode("https://riskgraph.example/register/R-001")


def one_row(**values: Term | None) -> SelectResult:
    return SelectResult(list(values), iter([dict(values)]))


def export(result: SelectResult | GraphResult, name: str) -> bytes:
    out = io.BytesIO()
    write_result(result, name, out)
    return out.getvalue()


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


CONTROL = ox.Literal("bell\x07 and escape\x1b[31m")


def test_xml_refuses_characters_xml_cannot_carry() -> None:
    with pytest.raises(UserError, match=r"row 1, variable \?note.*U\+0007.*JSON or TSV"):
        export(one_row(note=CONTROL), "xml")


def test_rdfxml_refuses_characters_xml_cannot_carry() -> None:
    triples = GraphResult(iter([ox.Triple(SUBJECT, SUBJECT, CONTROL)]))
    with pytest.raises(UserError, match=r"XML 1\.0 cannot represent"):
        export(triples, "rdfxml")


@pytest.mark.parametrize(
    ("name", "oxigraph_format"),
    [("json", ox.QueryResultsFormat.JSON), ("tsv", ox.QueryResultsFormat.TSV)],
)
def test_json_and_tsv_carry_control_characters(
    name: str, oxigraph_format: ox.QueryResultsFormat
) -> None:
    parsed = list(ox.parse_query_results(export(one_row(note=CONTROL), name), oxigraph_format))  # type: ignore[arg-type]
    assert parsed[0]["note"] == CONTROL


def test_tsv_escapes_tabs_and_newlines_inside_terms() -> None:
    data = export(one_row(a=ox.Literal("x\ty\nz"), b=ox.Literal("2")), "tsv").decode()
    assert data == '?a\t?b\n"x\\ty\\nz"\t"2"\n'


def test_csv_quotes_only_what_needs_quoting() -> None:
    row = one_row(a=ox.Literal('say "hi"'), b=ox.Literal("plain"), c=None, d=ox.Literal("a,b"))
    assert export(row, "csv").decode() == 'a,b,c,d\r\n"say ""hi""",plain,,"a,b"\r\n'


def test_empty_results_are_valid_documents() -> None:
    empty = lambda: SelectResult(["x", "y"], iter([]))  # noqa: E731
    assert export(empty(), "csv") == b"x,y\r\n"
    for name, fmt in [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)]:
        parsed = ox.parse_query_results(export(empty(), name), fmt)
        assert isinstance(parsed, ox.QuerySolutions)
        assert [v.value for v in parsed.variables] == ["x", "y"]
        assert list(parsed) == []
        assert list(Result.parse(io.BytesIO(export(empty(), name)), format=name)) == []
    assert export(empty(), "ndjson") == b""
    workbook = openpyxl.load_workbook(io.BytesIO(export(empty(), "xlsx")))
    assert [[c.value for c in row] for row in workbook["results"].iter_rows()] == [["x", "y"]]


def test_xlsx_refuses_text_longer_than_a_cell_holds() -> None:
    temporary = Path(tempfile.gettempdir())
    before = set(temporary.glob("openpyxl.*"))
    rows: list[Row] = [{"note": ox.Literal("fine")}, {"note": ox.Literal("x" * 40_000)}]
    with pytest.raises(UserError, match=r"row 2, variable \?note.*40000 characters.*32767"):
        export(SelectResult(["note"], iter(rows)), "xlsx")
    assert set(temporary.glob("openpyxl.*")) == before  # the half-written sheet is deleted


def test_xlsx_replaces_characters_worksheets_cannot_hold() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(export(one_row(note=CONTROL), "xlsx")))
    assert workbook["results"]["A2"].value == "bell\ufffd and escape\ufffd[31m"


def test_xlsx_keeps_error_codes_and_formulas_as_text() -> None:
    row = one_row(a=ox.Literal("#N/A"), b=ox.Literal('=HYPERLINK("x")'), c=ox.Literal("="))
    sheet = openpyxl.load_workbook(io.BytesIO(export(row, "xlsx")))["results"]
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("#N/A", "s"),
        ('=HYPERLINK("x")', "s"),
        ("=", "s"),
    ]


def test_xlsx_keeps_rows_aligned_when_everything_is_unbound() -> None:
    rows: list[Row] = [{"a": None, "b": None}, {"a": ox.Literal("last"), "b": None}]
    sheet = openpyxl.load_workbook(io.BytesIO(export(SelectResult(["a", "b"], iter(rows)), "xlsx")))
    assert sheet["results"]["A3"].value == "last"


def test_terminal_table_shows_text_literally() -> None:
    row = one_row(
        note=ox.Literal("[bold red]not markup[/] \x1b[2J"),
        kind=ox.NamedNode(PREFIXES["rg"] + "Risk"),
    )
    text = export(row, "table").decode()
    assert "[bold red]not markup[/]" in text
    assert "\\x1b[2J" in text and "\x1b" not in text
    assert "rg:Risk" in text


def test_ndjson_simple_values() -> None:
    row = one_row(
        i=typed("-0042", "integer"),
        bad_int=typed("1_000", "integer"),
        d=typed("2.50", "decimal"),
        long_d=typed("3.14159265358979323846", "decimal"),
        f=typed("1e3", "double"),
        inf=typed("INF", "double"),
        t=typed("1", "boolean"),
        date=typed("2025-01-01", "date"),
        b=ox.BlankNode("b0"),
    )
    record = json.loads(export(row, "ndjson"))
    assert record == {
        "i": -42,
        "bad_int": "1_000",
        "d": 2.5,
        "long_d": "3.14159265358979323846",
        "f": 1000.0,
        "inf": "INF",
        "t": True,
        "date": "2025-01-01",
        "b": "_:b0",
    }


def test_ntriples_encoding() -> None:
    assert ntriples(ox.Literal('a"b\\c\x00\x7f')) == '"a\\"b\\\\c\\u0000\\u007F"'
    assert ntriples(ox.Literal("chat", language="fr")) == '"chat"@fr'
    assert ntriples(typed("1", "integer")) == f'"1"^^<{XSD}integer>'
    assert ntriples(ox.BlankNode("x1")) == "_:x1"
    # Matches pyoxigraph's own N-Triples for the same literal.
    literal = ox.Literal('tab\there\nquote" back\\ bell\x07')
    assert ntriples(literal) == str(literal)


def test_compact_iri_uses_the_longest_namespace_with_a_clean_local_name() -> None:
    prefixes = {"ex": "https://ex.org/", "exa": "https://ex.org/a/"}
    assert compact_iri("https://ex.org/a/b", prefixes) == "exa:b"
    assert compact_iri("https://ex.org/x", prefixes) == "ex:x"
    assert compact_iri("https://ex.org/a/b/c", prefixes) == "https://ex.org/a/b/c"
    assert compact_iri("https://other.org/x", prefixes) == "https://other.org/x"


def test_simple_value_of_unbound_is_none() -> None:
    assert simple_value(None) is None


@pytest.mark.parametrize(
    ("name", "oxigraph_format"),
    [
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ],
)
def test_base_direction_of_language_strings_survives(
    name: str, oxigraph_format: ox.QueryResultsFormat
) -> None:
    literal = ox.Literal("مخاطر", language="ar", direction=ox.BaseDirection.RTL)
    parsed = list(ox.parse_query_results(export(one_row(title=literal), name), oxigraph_format))  # type: ignore[arg-type]
    assert parsed[0]["title"] == literal
    assert parsed[0]["title"].direction == ox.BaseDirection.RTL
