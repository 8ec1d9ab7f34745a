"""Finding formats by name, kind and file extension, and choosing them wrongly."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable

import pytest

from riskgraph.errors import UserError
from riskgraph.results import (
    FORMATS,
    ResultKind,
    format_for_path,
    formats_for,
    get_format,
    write_result,
)
from riskgraph.store.base import AskResult, GraphResult, SelectResult


def test_formats_are_complete_and_unambiguous() -> None:
    names = [fmt.name for fmt in FORMATS]
    labels = [fmt.label for fmt in FORMATS]
    assert len(set(names)) == len(names)
    assert len(set(labels)) == len(labels)
    for fmt in FORMATS:
        assert fmt.name.isidentifier() and fmt.name == fmt.name.lower()
        assert fmt.extensions and all(not ext.startswith(".") for ext in fmt.extensions)
        assert "/" in fmt.media_type
        assert fmt.kinds
    assert [fmt.name for fmt in FORMATS if fmt.binary] == ["xlsx"]


def test_formats_for_each_kind() -> None:
    assert [f.name for f in formats_for(ResultKind.SELECT)] == [
        "csv",
        "tsv",
        "json",
        "xml",
        "ndjson",
        "markdown",
        "xlsx",
        "sparql_csv",
        "sparql_tsv",
        "table",
    ]
    assert [f.name for f in formats_for(ResultKind.GRAPH)] == [
        "turtle",
        "ntriples",
        "jsonld",
        "rdfxml",
        "table",
    ]
    assert [f.name for f in formats_for(ResultKind.ASK)] == ["json", "xml", "text", "table"]


def test_get_format_ignores_case() -> None:
    assert get_format(" CSV ").name == "csv"
    assert get_format("Turtle").label == "Turtle"


def test_unknown_format_lists_the_valid_names() -> None:
    with pytest.raises(UserError) as caught:
        get_format("jsno")
    message = str(caught.value)
    assert "'jsno'" in message
    for fmt in FORMATS:
        assert fmt.name in message
    assert "Did you mean 'json'?" in message


@pytest.mark.parametrize(
    ("path", "kind", "expected"),
    [
        ("report.xlsx", ResultKind.SELECT, "xlsx"),
        ("REPORT.CSV", ResultKind.SELECT, "csv"),
        ("out/results.jsonl", ResultKind.SELECT, "ndjson"),
        ("answer.srj", ResultKind.ASK, "json"),
        ("rows.xml", ResultKind.SELECT, "xml"),
        ("graph.xml", ResultKind.GRAPH, "rdfxml"),
        ("rows.json", ResultKind.SELECT, "json"),
        ("graph.json", ResultKind.GRAPH, "jsonld"),
        ("graph.ttl", ResultKind.GRAPH, "turtle"),
        ("answer.txt", ResultKind.ASK, "text"),
        ("rows.txt", ResultKind.SELECT, "table"),
        ("notes.md", None, "markdown"),
    ],
)
def test_format_for_path(path: str, kind: ResultKind | None, expected: str) -> None:
    assert format_for_path(path, kind).name == expected


def test_format_for_path_explains_unknown_extensions() -> None:
    with pytest.raises(UserError, match=r"report\.docx.*\.docx.*\.csv.*\.xlsx"):
        format_for_path("report.docx")
    with pytest.raises(UserError, match="extension \\(none\\)"):
        format_for_path("report")


def test_format_for_path_refuses_an_extension_for_the_wrong_kind() -> None:
    with pytest.raises(UserError, match=r"answer\.csv.*cannot hold an ASK answer.*\.json"):
        format_for_path("answer.csv", ResultKind.ASK)


def test_write_result_refuses_a_format_for_the_wrong_kind() -> None:
    with pytest.raises(UserError, match="csv format cannot write an ASK answer; use one of: json"):
        write_result(AskResult(True), "csv", io.BytesIO())
    with pytest.raises(UserError, match="turtle format cannot write SELECT rows"):
        write_result(SelectResult(["x"], iter([])), get_format("turtle"), io.BytesIO())


def test_text_formats_write_to_text_streams(select: Callable[[], SelectResult]) -> None:
    as_bytes, as_text = io.BytesIO(), io.StringIO()
    write_result(select(), "tsv", as_bytes)
    write_result(select(), "tsv", as_text)
    assert as_text.getvalue() == as_bytes.getvalue().decode("utf-8")
    assert "café" in as_text.getvalue()


def test_binary_formats_refuse_text_streams_without_a_buffer(
    select: Callable[[], SelectResult],
) -> None:
    with pytest.raises(UserError, match=r"binary format.*-o results\.xlsx"):
        write_result(select(), "xlsx", io.StringIO())


def test_max_rows_leaves_the_rest_unread(select: Callable[[], SelectResult]) -> None:
    result = select()
    out = io.BytesIO()
    assert write_result(result, "csv", out, max_rows=1) == 1
    assert b"R-001" in out.getvalue() and b"R-002" not in out.getvalue()
    assert sum(1 for _ in result.rows) == 2  # the caller can still count "showing 1 of 3"


def test_max_rows_applies_to_triples(construct: Callable[[], GraphResult]) -> None:
    result = construct()
    assert write_result(result, "ntriples", io.BytesIO(), max_rows=4) == 4
    assert sum(1 for _ in result.triples) > 0


def test_negative_max_rows_is_a_user_error(select: Callable[[], SelectResult]) -> None:
    with pytest.raises(UserError, match="0 or more"):
        write_result(select(), "csv", io.BytesIO(), max_rows=-1)


def test_writers_return_the_rows_written(
    select: Callable[[], SelectResult], construct: Callable[[], GraphResult]
) -> None:
    for fmt in formats_for(ResultKind.SELECT):
        assert write_result(select(), fmt, io.BytesIO()) == 3, fmt.name
    for fmt in formats_for(ResultKind.GRAPH):
        assert write_result(construct(), fmt, io.BytesIO()) == 10, fmt.name
    for fmt in formats_for(ResultKind.ASK):
        assert write_result(AskResult(False), fmt, io.BytesIO()) == 1, fmt.name


def test_writing_to_stdout_keeps_output_in_order(
    select: Callable[[], SelectResult], capsys: pytest.CaptureFixture[str]
) -> None:
    print("before")
    write_result(select(), "ndjson", sys.stdout, max_rows=1)
    print("after")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "before" and lines[-1] == "after"
    assert json.loads(lines[1])["id"] == "R-001"
