"""One registry of output formats for every document: unknown or mismatched extensions are refused
with the supported formats, by every command, before anything is written."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

from riskgraph.analysis.graph_export import WRITERS
from riskgraph.analysis.report.soa_formats import write_soa
from riskgraph.cli import main
from riskgraph.errors import InputError
from riskgraph.results.outputs import DOCUMENTS, GAPS, GRAPH, QUERY_RESULTS, REPORT, SOA
from riskgraph.results.registry import FORMATS

runner = CliRunner()


def _run(*args: str) -> tuple[int, str, str]:
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
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("document", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_each_document_has_unambiguous_formats_and_a_default(document: object) -> None:
    assert hasattr(document, "formats")
    names = document.names  # type: ignore[attr-defined]
    assert len(set(names)) == len(names)
    assert document.format(document.default).name in names  # type: ignore[attr-defined]


def test_the_registry_lists_what_the_writers_write() -> None:
    assert QUERY_RESULTS.names == tuple(f.name for f in FORMATS)
    assert set(GRAPH.names) == set(WRITERS)
    assert REPORT.names == ("html",)
    assert SOA.names == ("xlsx", "csv", "md", "html")
    assert GAPS.names == ("table", "json", "csv", "md")


def test_the_soa_writer_refuses_what_the_registry_does_not_list() -> None:
    with pytest.raises(InputError, match="cannot be written as 'pdf'"):
        write_soa(None, "pdf", io.BytesIO())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "path", "chosen"),
    [
        (None, None, "md"),
        (None, "soa.xlsx", "xlsx"),
        (None, "soa.MARKDOWN", "md"),
        ("markdown", None, "md"),
        ("csv", "soa.csv", "csv"),
        ("html", "soa", "html"),  # no extension: the named format
    ],
)
def test_choose(name: str | None, path: str | None, chosen: str) -> None:
    assert SOA.choose(name, path).name == chosen


@pytest.mark.parametrize(
    ("name", "path", "message"),
    [
        (None, "soa.pdf", "the Statement of Applicability cannot be written as a .pdf file"),
        ("pdf", None, "the Statement of Applicability cannot be written as 'pdf'"),
        ("csv", "soa.xlsx", "a .xlsx file does not hold the Statement of Applicability as csv"),
    ],
)
def test_unknown_and_mismatched_are_refused(
    name: str | None, path: str | None, message: str
) -> None:
    with pytest.raises(InputError) as caught:
        SOA.choose(name, path)
    assert message in str(caught.value)
    assert "--" not in str(caught.value)  # the core names no option of one face


@pytest.mark.parametrize(
    ("args", "file", "message", "listed"),
    [
        (
            ["report", "-o"],
            "report.pdf",
            "the audit report cannot be written as a .pdf file",
            ".html, .htm",
        ),
        (["soa", "-o"], "soa.pdf", "cannot be written as a .pdf file", ".xlsx, .csv, .md"),
        (["soa", "-f", "csv", "-o"], "soa.xlsx", "a .xlsx file does not hold", ".csv"),
        (
            ["gaps", "-o"],
            "gaps.pdf",
            "the gap report cannot be written as a .pdf file",
            ".json, .csv",
        ),
        (
            ["query", "run", "overdue-reviews", "-f", "json", "-o"],
            "q.csv",
            "a .csv file does not hold",
            ".json",
        ),
        (["export", "-o"], "graph.pdf", "pdf", ""),
    ],
)
def test_commands_refuse_before_writing(
    example_register_folder: Path,
    tmp_path: Path,
    args: list[str],
    file: str,
    message: str,
    listed: str,
) -> None:
    target = tmp_path / file
    code, out, err = _run(*args, str(target), "-r", str(example_register_folder))
    assert code == 2, err
    assert message in err and listed in err
    assert "✓" not in out + err and "Traceback" not in err
    assert not target.exists()


def test_list_and_show_formats_come_from_the_registry(example_register_folder: Path) -> None:
    code, _, err = _run("list", "risks", "--format", "pdf", "-r", str(example_register_folder))
    assert code == 2 and "a listing cannot be written as 'pdf'" in err
    code, _, err = _run("show", "R-001", "--format", "csv", "-r", str(example_register_folder))
    assert code == 2 and "an entity cannot be written as 'csv'" in err
