"""Typed SPARQL: the standard prefixes added as ``query run -e`` and the TUI console both add
them, and syntax errors said in words at the user's own line and column (not the store's
``error at 1:627: expected one of Prefix not found, ...``, whose column counts the hidden
prefix block)."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskgraph.cli import main
from riskgraph.errors import InputError, UserError
from riskgraph.queries.syntax import (
    SPARQL_WORDS,
    ad_hoc_query,
    explain,
    prefix_block,
    with_standard_prefixes,
)
from riskgraph.register import init_register


def message(text: str) -> str:
    with pytest.raises(InputError) as caught:
        ad_hoc_query(text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "SELECT % WHERE { ?s ?p ?o }",
            "line 1, column 8: expected a variable, an expression in brackets or * after SELECT,"
            " found '%'",
        ),
        (
            "SELECT ?x WHERE { ?x a foo:Bar }",
            "line 1, column 24: the prefix 'foo:' is not declared",
        ),
        ("SELECT ?x WHERE {\n  ?x ?y\n}", "line 3, column 1: expected an object"),
        ("SELECT ?x WHERE { ?x ?p ?o . ?x }", "line 1, column 33: expected a predicate"),
        (
            "SELECT ?s WHERE { ?s ?p ?o . FILTER(?s = ) }",
            "line 1, column 42: expected an expression after '=', found ')'",
        ),
        ("SELECT ?x { ?x a rg:Risk } ORDER ?x", "line 1, column 34: expected BY after ORDER"),
        (
            "SELECT ?x WHERE { ?x a rg:Risk } LIMIT x",
            "line 1, column 40: expected a whole number after LIMIT, found 'x'",
        ),
        (
            "SELECT * WHERE { ?s ?p ?o } LIMIT 5 OFFSET",
            "line 1, column 43: expected a whole number after OFFSET, found the end of the query",
        ),
        ('SELECT ?x WHERE { ?x rg:title "open }', "line 1, column 31: this string is not closed"),
        ("SELECT ?x WHERE { ?x ?p ?o } LIMT 3", "line 1, column 30: 'LIMT' is not a SPARQL"),
        ("SELECT (COUNT(?x) AS ?n WHERE { ?x ?p ?o }", "line 1, column 25: expected ')'"),
        (
            "# param: system (iri, optional)\nSELECT ?r WHERE { ?r rg:affects ?system ; ?x }",
            "line 2, column 46: expected an object",
        ),
    ],
)
def test_errors_in_words_at_the_users_position(text: str, expected: str) -> None:
    said = message(text)
    assert expected in said
    assert "error at" not in said and "Prefix not found" not in said


def test_the_standard_prefixes_are_added_on_the_first_line_of_sparql() -> None:
    query = ad_hoc_query("SELECT ?risk ?title WHERE { ?risk a rg:Risk ; dcterms:title ?title }")
    assert query.sparql.startswith(prefix_block() + "SELECT")
    header = "# param: system (iri, optional)\n"
    with_header = ad_hoc_query(header + "SELECT ?r WHERE { ?r rg:affects ?system }")
    assert (
        with_header.sparql == header + prefix_block() + "SELECT ?r WHERE { ?r rg:affects ?system }"
    )
    assert [p.name for p in with_header.parameters] == ["system"]
    # a prefix the user declares again wins; nothing else changes
    own = "PREFIX rg: <urn:mine#>\nSELECT ?x WHERE { ?x a rg:Thing }"
    assert with_standard_prefixes(own) == prefix_block() + own
    ad_hoc_query(own)


def test_explain_takes_the_prefix_block_out_of_the_column() -> None:
    sent = prefix_block() + "SELECT ?x WHERE { ?x ?y }"
    column = len(prefix_block()) + 26
    problem = explain(f"error at 1:{column}: expected one of LATERAL, SERVICE, [_]", sent)
    assert (problem.line, problem.column) == (1, 25)
    assert problem.message == (
        "line 1, column 25: expected an object to complete the triple pattern, found '}'"
    )


def test_every_sparql_keyword_is_known() -> None:
    ad_hoc_query(
        "SELECT DISTINCT ?x (GROUP_CONCAT(?t; SEPARATOR=', ') AS ?all) (COUNT(?y) AS ?n) "
        "WHERE { ?x a rg:Risk . OPTIONAL { ?x dcterms:title ?t } MINUS { ?x rg:owner ?o } "
        "FILTER(!BOUND(?o) && REGEX(STR(?x), 'R-', 'i') && isIRI(?x)) BIND(NOW() AS ?y) "
        "VALUES ?z { UNDEF 1 } } GROUP BY ?x HAVING (COUNT(?y) > 0) ORDER BY DESC(?n) "
        "LIMIT 5 OFFSET 1"
    )
    assert {"SELECT", "GROUP_CONCAT", "STRSTARTS"} <= SPARQL_WORDS


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("SELECTWHER ?x{}().;%:\"'<>=\n#a1*")), max_size=60))
def test_any_text_parses_or_is_explained_within_the_text(text: str) -> None:
    try:
        ad_hoc_query(text)
    except InputError as error:
        said = str(error)
        assert "error at" not in said
        found = __import__("re").search(r"line (\d+), column (\d+)", said)
        if found and "not valid" in said:
            line, column = int(found.group(1)), int(found.group(2))
            lines = text.splitlines() or [""]
            assert 1 <= line <= max(len(lines), 1)
            assert 1 <= column <= len(lines[line - 1]) + 1
    except UserError:
        pass  # e.g. the read-only guard: not a query at all


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("syntax") / "example"
    init_register(folder, with_example=True)
    return folder


def run_cli(*args: str) -> tuple[int, str]:
    with (
        CliRunner().isolation() as (_out, err, _),
        mock.patch.object(sys, "argv", ["riskgraph", *args]),
    ):
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stderr.flush()
        return code, err.getvalue().decode()


def test_the_cli_says_the_same(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RISKGRAPH_REGISTER", raising=False)
    code, err = run_cli("query", "run", "-r", str(example), "-e", "SELECT % WHERE { ?s ?p ?o }")
    assert code == 2
    assert (
        "line 1, column 8: expected a variable, an expression in brackets or * after SELECT, "
        "found '%'" in " ".join(err.split())
    )
