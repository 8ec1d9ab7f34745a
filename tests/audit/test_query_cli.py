"""riskgraph query list / show / run through the real CLI entry point, on registers on disk.

Covers parameters (bound, never pasted: injection attempts leave results and register alone),
the read-only guard, the display limit with "showing N of M", and -o exports of every row in
csv/json/xml/tsv/xlsx read back with independent parsers (csv, pyoxigraph, openpyxl).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from cli_run import run
from rich.console import Console

from riskgraph.cli.query_cmds import RowProgress
from riskgraph.queries import GAPS_TAG, builtin_queries
from riskgraph.queries.syntax import prefix_block, with_standard_prefixes
from riskgraph.register import Register, init_register
from riskgraph.resources import example_register
from riskgraph.results import register_hash
from riskgraph.store.base import SelectResult

TODAY = "2026-11-22"
OVERDUE = [
    "R-008", "R-026", "R-004", "T-004", "R-019", "SYS-CV", "T-029", "R-031", "SYS-DEMAND", "R-044",
]  # fmt: skip
ALL_IDS = "SELECT ?entity ?id WHERE { ?entity dcterms:identifier ?id } ORDER BY ?id"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Harbourline example on disk, shared by the tests of this module (none writes to it)."""
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    folder = tmp_path_factory.mktemp("query") / "example"
    init_register(folder, with_example=True)
    return folder


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """An example register of the test's own, for tests that add query files."""
    if not example_register().exists():
        pytest.skip("the example register has not been written yet")
    init_register(tmp_path / "example", with_example=True)
    return tmp_path / "example"


def store_ids(folder: Path) -> list[str]:
    """Every dcterms:identifier in the register, read with the core (not the command)."""
    register = Register.open(folder)
    with register.reader() as store:
        result = store.query(
            "SELECT ?id WHERE { ?s <http://purl.org/dc/terms/identifier> ?id } ORDER BY ?id"
        )
        assert isinstance(result, SelectResult)
        return [row["id"].value for row in result.rows if row["id"] is not None]


def fingerprint(folder: Path) -> str:
    register = Register.open(folder)
    with register.reader() as store:
        return register_hash(store)


def csv_column(text: str, column: str) -> list[str]:
    return [row[column] for row in csv.DictReader(io.StringIO(text, newline=""))]


# --- list and show -----------------------------------------------------------------------------


def test_list_shows_every_built_in_query(example: Path) -> None:
    done = run("query", "list", "-r", str(example))
    assert done.code == 0, done.err
    for name, query in builtin_queries().items():
        assert name in done.out and query.title in done.out
    assert "built-in" in done.out
    assert f"{len(builtin_queries())} queries" in done.out


def test_list_as_json_with_a_tag(example: Path) -> None:
    done = run("query", "list", "-r", str(example), "--tag", GAPS_TAG, "--format", "json")
    assert done.code == 0, done.err
    records = json.loads(done.out)
    expected = sorted(n for n, q in builtin_queries().items() if GAPS_TAG in q.tags)
    assert [r["name"] for r in records] == expected
    overdue = next(r for r in records if r["name"] == "overdue-reviews")
    assert overdue["source"] == "built-in" and overdue["path"] is None
    assert [(p["name"], p["type"], p["default"], p["optional"]) for p in overdue["parameters"]] == [
        ("today", "date", "today", False),
        ("system", "iri", None, True),
        ("risk_days", "integer", "365", False),
        ("control_days", "integer", "365", False),
        ("treatment_days", "integer", "180", False),
        ("system_days", "integer", "365", False),
    ]


def test_list_shows_register_queries_and_broken_files(fresh: Path) -> None:
    queries = fresh / "queries"
    (queries / "my-risks.rq").write_text(
        "# title: My risks\n# description: Mine.\n# tags: mine\nSELECT ?r WHERE { ?r a ?t }\n"
    )
    (queries / "overdue-reviews.rq").write_text(
        "# title: Local overdue\n# description: Ours.\nSELECT ?r WHERE { ?r ?p ?o }\n"
    )
    (queries / "broken.rq").write_text("# title: Broken\nSELECT")
    done = run("query", "list", "-r", str(fresh), "--format", "json")
    assert done.code == 0, done.err
    records = {r["name"]: r for r in json.loads(done.out)}
    assert records["my-risks"]["source"] == "register"
    assert records["my-risks"]["path"].endswith("my-risks.rq")
    assert records["overdue-reviews"]["title"] == "Local overdue"
    assert records["overdue-reviews"]["overrides_builtin"] is True
    assert "broken" not in records
    assert "broken" in done.err and "description" in done.err


def test_list_outside_a_register_lists_the_built_ins(tmp_path: Path) -> None:
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        done = run("query", "list", "--format", "json")
    finally:
        os.chdir(cwd)
    assert done.code == 0, done.err
    assert [r["name"] for r in json.loads(done.out)] == sorted(builtin_queries())
    assert "built-in queries only" in done.err


def test_show_prints_header_and_sparql(example: Path) -> None:
    done = run("query", "show", "overdue-reviews", "-r", str(example))
    assert done.code == 0, done.err
    assert "Risks, controls, treatments and AI systems overdue for review" in done.out
    assert "built-in" in done.out
    assert "gaps, risks, controls, treatments, systems, reviews" in done.out
    assert "system" in done.out and "(optional)" in done.out
    assert "FILTER(?due_day < ?today_day)" in done.out


def test_show_an_unknown_name_suggests_close_ones(example: Path) -> None:
    done = run("query", "show", "overdue-review", "-r", str(example))
    assert done.code == 2
    assert "did you mean overdue-reviews" in done.err


# --- run with parameters -----------------------------------------------------------------------


def test_run_a_stored_query_with_parameters(example: Path) -> None:
    base = ("query", "run", "overdue-reviews", "-r", str(example), "-f", "csv", "-n", "0")
    done = run(*base, "-p", f"today={TODAY}")
    assert done.code == 0, done.err
    assert csv_column(done.out, "id") == OVERDUE
    fraud = run(*base, "--param", f"today={TODAY}", "--param", "system=SYS-FRAUD")
    assert csv_column(fraud.out, "id") == ["R-019", "R-031", "R-044"]
    # --today is what the 'today' default stands for.
    by_default = run(*base, "--today", TODAY)
    assert csv_column(by_default.out, "id") == OVERDUE
    later = run(*base, "--today", "2026-11-23")
    assert "R-023" in csv_column(later.out, "id")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (["-p", "today=yesterday"], "parameter 'today' must be a date"),
        (["-p", "days=30"], "has no parameter 'days'"),
        (["-p", "today"], "is not NAME=VALUE"),
        (["-p", "today=2026-11-22", "-p", "today=2026-11-23"], "given twice"),
        (["-p", "system=not an id"], "parameter 'system' must be an iri"),
    ],
)
def test_bad_parameters_exit_2(example: Path, params: list[str], message: str) -> None:
    done = run("query", "run", "overdue-reviews", "-r", str(example), *params)
    assert done.code == 2
    assert message in done.err
    assert "Traceback" not in done.err


LOOKUP = """# title: One entity by ID
# description: The entity whose identifier is exactly the given text.
# param: wanted (string) The ID
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?entity ?id WHERE {
  ?entity dcterms:identifier ?id .
  FILTER(?id = ?wanted)
}
"""

INJECTIONS = [
    'R-001" || true || "',
    "R-001') } ; DELETE WHERE { ?s ?p ?o } #",
    'R-001" . } } ; DROP ALL ; SELECT * WHERE { { "',
    "R-001\n} INSERT DATA { <urn:x> <urn:y> <urn:z> } #",
    "?id",
    "*",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_a_string_parameter_finds_nothing_and_changes_nothing(
    example: Path, tmp_path: Path, value: str
) -> None:
    lookup = tmp_path / "lookup.rq"
    lookup.write_text(LOOKUP, encoding="utf-8")
    before = fingerprint(example)
    command = ("query", "run", str(lookup), "-r", str(example), "-f", "csv")
    honest = run(*command, "-p", "wanted=R-001")
    assert csv_column(honest.out, "id") == ["R-001"]
    done = run(*command, "-p", f"wanted={value}")
    assert done.code == 0, done.err
    assert csv_column(done.out, "id") == []  # the value was compared as text, nothing more
    assert fingerprint(example) == before


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("system", "SYS-FRAUD> } ; DROP ALL ; #"),
        ("system", "<https://x> } DELETE WHERE { ?s ?p ?o } #"),
        ("system", "https://harbourline.example/ai-register/SYS-FRAUD> || true"),
        ("today", '2026-11-22"^^xsd:date) || true || ("'),
        ("today", "2026-11-22 } ; CLEAR ALL"),
    ],
)
def test_injection_through_typed_parameters_is_a_clean_type_error(
    example: Path, param: str, value: str
) -> None:
    before = fingerprint(example)
    done = run("query", "run", "overdue-reviews", "-r", str(example), "-p", f"{param}={value}")
    assert done.code == 2
    assert f"parameter {param!r} must be" in done.err
    assert "Traceback" not in done.err
    assert fingerprint(example) == before


def test_a_stored_query_runs_unchanged_whatever_the_system_value(example: Path) -> None:
    # A well-formed IRI that names nothing in the register: refused, never an empty result,
    # and the value is never pasted into the query.
    done = run(
        "query", "run", "overdue-reviews", "-r", str(example), "-f", "csv",
        "-p", f"today={TODAY}", "-p", "system=https://harbourline.example/x?a=1#frag",
    )  # fmt: skip
    assert done.code == 2, done.err
    assert "parameter 'system' names nothing in the register" in done.err
    assert done.out == "" and "Traceback" not in done.err


# --- read-only guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("LOAD <https://example.org/data.ttl>", "LOAD"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("DROP ALL", "DROP"),
        ("CLEAR GRAPH <urn:g>", "CLEAR"),
        ("SELECT * WHERE { ?s ?p ?o } ; DELETE WHERE { ?s ?p ?o }", "DELETE"),
        ("SELECT * WHERE { SERVICE <https://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("select * where { service <https://example.org/sparql> { ?s ?p ?o } }", "service"),
    ],
)
def test_updates_load_and_service_are_refused(example: Path, text: str, keyword: str) -> None:
    before = fingerprint(example)
    done = run("query", "run", "-e", text, "-r", str(example))
    assert done.code == 2
    assert f"(got {keyword!r})" in done.err
    assert "read-only query" in done.err
    assert done.out == ""
    assert fingerprint(example) == before


def test_keywords_inside_strings_are_harmless(example: Path) -> None:
    done = run(
        "query", "run", "-r", str(example), "-f", "csv",
        "-e", 'SELECT ("LOAD, SERVICE and DROP ALL" AS ?words) WHERE {}',
    )  # fmt: skip
    assert done.code == 0, done.err
    assert csv_column(done.out, "words") == ["LOAD, SERVICE and DROP ALL"]


def test_ad_hoc_text_gets_the_standard_prefixes(example: Path) -> None:
    done = run("query", "run", "-r", str(example), "-f", "csv", "-n", "0", "-e", ALL_IDS)
    assert done.code == 0, done.err
    assert csv_column(done.out, "id") == store_ids(example)
    assert (
        with_standard_prefixes("# title: x\nSELECT") == "# title: x\n" + prefix_block() + "SELECT"
    )
    assert with_standard_prefixes("SELECT").startswith("PREFIX rg: <https://w3id.org/riskgraph#> ")
    assert "\n" not in with_standard_prefixes("SELECT")  # line numbers stay as typed


def test_syntax_errors_name_the_line(example: Path) -> None:
    done = run("query", "run", "-r", str(example), "-e", "SELECT ?x\nWHERE { ?x ?y }")
    assert done.code == 2
    assert "line 2" in done.err and "not valid" in done.err


def test_run_a_query_file_with_its_header(example: Path, tmp_path: Path) -> None:
    path = tmp_path / "risk-ids.rq"
    path.write_text(
        "# title: Risk IDs\n# param: prefix (string, default R-00) Start of the ID\n"
        "PREFIX rg: <https://w3id.org/riskgraph#>\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
        "SELECT ?id WHERE { ?r a rg:Risk ; dcterms:identifier ?id .\n"
        "  FILTER(STRSTARTS(?id, ?prefix)) } ORDER BY ?id\n"
    )
    done = run("query", "run", str(path), "-r", str(example), "-f", "csv")
    assert done.code == 0, done.err
    assert csv_column(done.out, "id") == [f"R-00{n}" for n in range(1, 10)]
    some = run("query", "run", str(path), "-r", str(example), "-f", "csv", "-p", "prefix=R-04")
    assert csv_column(some.out, "id") == [f"R-04{n}" for n in range(7)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["overdue-reviews", "-e", "SELECT * {}"], "not both"),
        ([], "say which query to run"),
        (["missing.rq"], "no such query file"),
        (["-e", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "-f", "csv"], "cannot hold"),
        (["-e", "SELECT * {}", "-f", "turtle"], "cannot hold"),
        (["-e", "SELECT * {}", "-f", "pdf"], "unknown export format"),
        (["overdue-reviews", "-o", "out.csv", "-n", "5"], "--limit is for display"),
        (["overdue-reviews", "--timeout", "0"], "--timeout must be more than 0"),
    ],
)
def test_usage_mistakes_exit_2(example: Path, args: list[str], message: str) -> None:
    done = run("query", "run", "-r", str(example), *args)
    assert done.code == 2, done.out
    assert message in done.err


def test_the_time_limit_stops_a_query(example: Path) -> None:
    slow = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    done = run("query", "run", "-r", str(example), "-e", slow, "--timeout", "0.000001")
    assert done.code == 2
    assert "time limit" in done.err


# --- display limit -----------------------------------------------------------------------------


def test_limit_and_showing_n_of_m(example: Path) -> None:
    done = run("query", "run", "overdue-reviews", "-r", str(example), "--today", TODAY, "-n", "3")
    assert done.code == 0, done.err
    assert "showing 3 of 10 rows" in done.out
    assert "R-004" in done.out and "R-019" not in done.out
    whole = run("query", "run", "overdue-reviews", "-r", str(example), "--today", TODAY)
    assert "R-044" in whole.out and "showing" not in whole.out + whole.err


def test_display_limit_comes_from_the_config(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RISKGRAPH_QUERIES__DISPLAY_LIMIT", "5")
    total = len(store_ids(example))
    done = run("query", "run", "-r", str(example), "-e", ALL_IDS, "-f", "csv")
    assert done.code == 0, done.err
    assert len(csv_column(done.out, "id")) == 5
    assert f"showing 5 of {total} rows" in done.err  # data on stdout stays clean
    every = run("query", "run", "-r", str(example), "-e", ALL_IDS, "-f", "csv", "-n", "0")
    assert len(csv_column(every.out, "id")) == total


def test_construct_defaults_to_turtle(example: Path) -> None:
    query = "CONSTRUCT { ?r a rg:Risk } WHERE { ?r a rg:Risk }"
    done = run("query", "run", "-r", str(example), "-e", query, "-n", "0")
    assert done.code == 0, done.err
    triples = list(ox.parse(done.out, format=ox.RdfFormat.TURTLE))
    assert len(triples) == len([i for i in store_ids(example) if i.startswith("R-")])
    cut = run("query", "run", "-r", str(example), "-e", query, "-n", "2")
    assert len(list(ox.parse(cut.out, format=ox.RdfFormat.TURTLE))) == 2
    assert "showing the first 2 triples" in cut.err


def test_ask_prints_the_answer(example: Path) -> None:
    done = run("query", "run", "-r", str(example), "-e", "ASK { ?r a rg:Risk }")
    assert done.code == 0 and done.out.strip() == "true"


# --- exports of every row ----------------------------------------------------------------------


def _read_back(path: Path, fmt: str) -> list[str]:
    """The ``id`` column of an export, read by a parser that is not ours."""
    if fmt == "csv":
        return csv_column(path.read_text(encoding="utf-8"), "id")
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        workbook.close()
        column = list(rows[0]).index("id")
        return [str(row[column]) for row in rows[1:]]
    format_by_name = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    solutions = ox.parse_query_results(path=str(path), format=format_by_name[fmt])
    assert isinstance(solutions, ox.QuerySolutions)
    return [solution["id"].value for solution in solutions]


@pytest.mark.parametrize("fmt", ["csv", "json", "xml", "tsv", "xlsx"])
def test_output_file_gets_every_row(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setenv("RISKGRAPH_QUERIES__DISPLAY_LIMIT", "3")
    expected = store_ids(example)
    assert len(expected) > 100
    target = tmp_path / f"ids.{fmt}"
    done = run("query", "run", "-r", str(example), "-e", ALL_IDS, "-o", str(target))
    assert done.code == 0, done.err
    assert f"wrote {len(expected)} rows to {target}" in done.out
    assert _read_back(target, fmt) == expected
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(target, read_only=True)
        assert "manifest" in workbook.sheetnames
        workbook.close()
    else:
        manifest = json.loads((tmp_path / f"ids.{fmt}.manifest.json").read_text())
        assert manifest["row_count"] == len(expected)
        assert manifest["query_name"] is None and "dcterms:identifier" in manifest["query"]


def test_format_option_wins_over_the_extension(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "ids.out"
    done = run("query", "run", "-r", str(example), "-e", ALL_IDS, "-o", str(target), "-f", "tsv")
    assert done.code == 0, done.err
    assert _read_back(target, "tsv") == store_ids(example)


def test_no_manifest_writes_only_the_file(example: Path, tmp_path: Path) -> None:
    target = tmp_path / "overdue.csv"
    done = run(
        "query", "run", "overdue-reviews", "-r", str(example), "--today", TODAY,
        "-o", str(target), "--no-manifest",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert csv_column(target.read_text(), "id") == OVERDUE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["overdue.csv"]


def test_stored_query_manifest_records_name_and_bound_parameters(
    example: Path, tmp_path: Path
) -> None:
    target = tmp_path / "overdue.json"
    done = run(
        "query", "run", "overdue-reviews", "-r", str(example), "-o", str(target),
        "-p", f"today={TODAY}", "-p", "system=SYS-FRAUD",
    )  # fmt: skip
    assert done.code == 0, done.err
    manifest = json.loads((tmp_path / "overdue.json.manifest.json").read_text())
    assert manifest["query_name"] == "overdue-reviews"
    assert manifest["parameters"] == {
        "today": f'"{TODAY}"^^<http://www.w3.org/2001/XMLSchema#date>',
        "system": "<https://harbourline.example/ai-register/SYS-FRAUD>",
        "risk_days": '"365"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "control_days": '"365"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "treatment_days": '"180"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "system_days": '"365"^^<http://www.w3.org/2001/XMLSchema#integer>',
    }
    assert manifest["query"] == builtin_queries()["overdue-reviews"].sparql
    assert manifest["register_sha256"] == fingerprint(example)


def test_export_progress_counts_rows_on_a_terminal() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=80)
    rows = iter([{"x": None}] * 250)
    with RowProgress(console, delay=None) as progress:
        tracked = progress.track(SelectResult(["x"], rows))
        assert isinstance(tracked, SelectResult)
        assert sum(1 for _ in tracked.rows) == 250
    assert "250 rows written" in screen.getvalue()


def test_export_progress_stays_silent_off_a_terminal() -> None:
    screen = io.StringIO()
    with RowProgress(Console(file=screen, force_terminal=False), delay=None) as progress:
        tracked = progress.track(SelectResult(["x"], iter([{"x": None}] * 5)))
        assert isinstance(tracked, SelectResult)
        assert sum(1 for _ in tracked.rows) == 5
    assert screen.getvalue() == ""
