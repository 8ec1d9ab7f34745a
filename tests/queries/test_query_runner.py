"""The runner: values bound safely, row limits, counts, the time limit, and clear errors."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.errors import InputError, UserError
from riskgraph.queries import (
    QueryTimeoutError,
    background_evaluations,
    builtin_queries,
    count_rows,
    load_library,
    run_query,
)
from riskgraph.queries import runner as runner_module
from riskgraph.store.base import AskResult, ChangeSet, GraphResult, SelectResult, Store
from riskgraph.vocab import DEFAULT_BASE_IRI, REGISTER_GRAPH

GENERATED = "http://example.org/generated"
EX = "http://example.org/"


def add_generated(store: Store, count: int) -> None:
    """``count`` triples ex:s{i} ex:p{i} i in their own graph."""
    graph = ox.NamedNode(GENERATED)
    store.apply(
        ChangeSet(
            add=[
                ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p{i}"), ox.Literal(i), graph)
                for i in range(count)
            ]
        )
    )


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


ALL_GENERATED = f"SELECT ?s ?o WHERE {{ GRAPH <{GENERATED}> {{ ?s ?p ?o }} }} ORDER BY ?o"
CROSS_PRODUCT = f"GRAPH <{GENERATED}> {{ ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }}"


# Values are bound, never pasted


HOSTILE_TITLE = "Robert\" } ; DROP ALL ; # '); --"
FIND_BY_TITLE = """# param: wanted (string)
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?thing WHERE { ?thing dcterms:title ?wanted }
"""


def test_a_hostile_string_is_only_ever_a_value(register: Store, rows) -> None:
    register.apply(
        ChangeSet(
            add=[
                ox.Quad(
                    ox.NamedNode(DEFAULT_BASE_IRI + "R-99"),
                    ox.NamedNode("http://purl.org/dc/terms/title"),
                    ox.Literal(HOSTILE_TITLE),
                    ox.NamedNode(REGISTER_GRAPH),
                )
            ]
        )
    )
    before = register.count()
    assert rows(register, FIND_BY_TITLE, {"wanted": HOSTILE_TITLE}) == [{"thing": "R-99"}]
    assert rows(register, FIND_BY_TITLE, {"wanted": '" } ; DROP ALL ; #'}) == []
    assert rows(register, FIND_BY_TITLE, {"wanted": "x' } UNION { ?thing ?p ?o } #"}) == []
    assert register.count() == before


@pytest.mark.parametrize(
    "value", ["http://x> } ; DROP ALL ; #", "<http://x/a b>", "SYS-1> . ?s ?p ?o"]
)
def test_a_hostile_iri_is_refused_before_running(register: Store, value: str) -> None:
    query = builtin_queries()["controls-without-owner"]
    with pytest.raises(InputError, match="parameter 'system' must be an iri"):
        run_query(register, query, {"system": value})


# Row limits and counts


def test_the_row_limit_stops_early_and_says_more_rows_existed(empty_register: Store) -> None:
    add_generated(empty_register, 50)
    with run_query(empty_register, ALL_GENERATED, limit=10) as run:
        assert isinstance(run.result, SelectResult)
        assert run.result.variables == ["s", "o"]
        values = [row["o"].value for row in run.result.rows if row["o"] is not None]
        assert values == [str(i) for i in range(10)]
        assert run.truncated and run.delivered == 10


@pytest.mark.parametrize(
    ("rows", "limit", "delivered", "truncated"),
    [
        (50, 50, 50, False),
        (50, None, 50, False),
        (5000, None, 5000, False),
        (5000, 3000, 3000, True),
    ],
)
def test_rows_come_whole_and_in_order_up_to_the_limit(
    empty_register: Store, rows: int, limit: int | None, delivered: int, truncated: bool
) -> None:
    """Also across the worker's chunks (1, 2, 4 … 1,024 rows): none lost or reordered."""
    add_generated(empty_register, rows)
    with run_query(empty_register, ALL_GENERATED, limit=limit) as run:
        assert isinstance(run.result, SelectResult)
        values = [int(row["o"].value) for row in run.result.rows if row["o"] is not None]
        assert values == list(range(delivered))
        assert run.delivered == delivered
        assert run.truncated is truncated


def test_a_zero_limit_still_tells_whether_there_were_rows(empty_register: Store) -> None:
    with run_query(empty_register, ALL_GENERATED, limit=0) as run:
        assert isinstance(run.result, SelectResult)
        assert list(run.result.rows) == [] and not run.truncated
    add_generated(empty_register, 1)
    with run_query(empty_register, ALL_GENERATED, limit=0) as run:
        assert isinstance(run.result, SelectResult)
        assert list(run.result.rows) == [] and run.truncated


def test_construct_triples_are_limited_too(empty_register: Store) -> None:
    add_generated(empty_register, 20)
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GENERATED}> {{ ?s ?p ?o }} }}"
    with run_query(empty_register, construct, limit=5) as run:
        assert isinstance(run.result, GraphResult)
        assert all(isinstance(t, ox.Triple) for t in run.result.triples)
        assert run.delivered == 5 and run.truncated


def test_ask_answers(register: Store) -> None:
    run = run_query(register, "PREFIX rg: <https://w3id.org/riskgraph#> ASK { ?r a rg:Risk }")
    assert run.result == AskResult(True) and not run.truncated


def test_count_rows_counts_in_the_store_with_parameters_bound(register: Store) -> None:
    query = builtin_queries()["risks-above-appetite-without-controls"]
    assert count_rows(register, query) == 3
    assert count_rows(register, query, {"system": "SYS-2"}) == 1
    assert count_rows(register, query, {"appetite_rank": 6}) == 0
    grouped = builtin_queries()["controls-with-only-expired-evidence"]
    assert count_rows(register, grouped, {"today": "2025-06-01"}) == 2
    assert count_rows(register, grouped, today=date(2025, 6, 1)) == 2
    assert count_rows(register, grouped, {"today": "2026-01-02"}) == 3


def test_count_rows_of_a_query_with_order_and_limit(empty_register: Store) -> None:
    add_generated(empty_register, 40)
    assert count_rows(empty_register, ALL_GENERATED) == 40
    assert count_rows(empty_register, ALL_GENERATED + " LIMIT 7") == 7


def test_only_select_rows_can_be_counted(register: Store) -> None:
    with pytest.raises(UserError, match="only SELECT queries have rows to count"):
        count_rows(register, "ASK { ?s ?p ?o }")


def test_closing_early_stops_the_worker(empty_register: Store) -> None:
    add_generated(empty_register, 300)
    run = run_query(empty_register, f"SELECT * WHERE {{ {CROSS_PRODUCT} }}", limit=None)
    assert isinstance(run.result, SelectResult)
    assert len([next(run.result.rows) for _ in range(3)]) == 3
    run.close()
    assert wait_for(lambda: background_evaluations() == 0, 2.0)


@pytest.mark.parametrize(("limit", "time_limit"), [(-1, 5.0), (10, 0), (10, -2.5)])
def test_limits_must_make_sense(register: Store, limit: int, time_limit: float) -> None:
    with pytest.raises(InputError, match="limit must be"):
        run_query(register, "ASK { ?s ?p ?o }", limit=limit, time_limit=time_limit)


# The time limit


def test_a_slow_streaming_query_is_stopped_and_its_work_ends(empty_register: Store) -> None:
    add_generated(empty_register, 300)  # 27 million rows
    started = time.monotonic()
    cross_product = f"SELECT * WHERE {{ {CROSS_PRODUCT} }}"
    with (
        pytest.raises(QueryTimeoutError, match=r"time limit of 0\.4 s and was stopped"),
        run_query(empty_register, cross_product, limit=None, time_limit=0.4) as run,
    ):
        assert isinstance(run.result, SelectResult)
        for _ in run.result.rows:
            pass
    assert time.monotonic() - started < 5.0
    # Rows were flowing, so the worker noticed the stop at once: nothing runs on.
    assert wait_for(lambda: background_evaluations() == 0, 1.0)


def test_a_query_busy_before_its_first_row_returns_on_time(
    empty_register: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_generated(empty_register, 200)  # 8 million combinations: a second or two of counting
    monkeypatch.setattr(runner_module, "MAX_BACKGROUND_EVALUATIONS", 1)
    counting = f"SELECT (COUNT(*) AS ?n) WHERE {{ {CROSS_PRODUCT} }}"
    started = time.monotonic()
    with pytest.raises(QueryTimeoutError):
        run_query(empty_register, counting, time_limit=0.2)
    assert time.monotonic() - started < 1.0
    # pyoxigraph cannot be interrupted inside the count: it finishes in the background, and
    # meanwhile no more than MAX_BACKGROUND_EVALUATIONS are allowed.
    assert background_evaluations() == 1
    with pytest.raises(UserError, match="still being finished in the background"):
        run_query(empty_register, "ASK { ?s ?p ?o }")
    assert wait_for(lambda: background_evaluations() == 0, 30.0)
    assert run_query(empty_register, "ASK { ?s ?p ?o }").result == AskResult(True)


# Errors for people


def test_syntax_errors_name_the_line(register: Store) -> None:
    with pytest.raises(InputError) as caught:
        run_query(register, "SELECT *\nWHERE {\n  ?s ?p \n}")
    assert caught.value.location.line == 4
    assert "the SPARQL is not valid" in str(caught.value)


def test_stored_query_errors_name_the_file(register: Store, tmp_path: Path) -> None:
    (tmp_path / "broken-sparql.rq").write_text(
        "# title: Broken\n# description: Does not parse\nSELECT * WHERE { ?s ?p ?o } ORDERR BY ?s\n"
    )
    query = load_library(tmp_path).get("broken-sparql")
    with pytest.raises(InputError) as caught:
        run_query(register, query)
    assert caught.value.location.file == str(tmp_path / "broken-sparql.rq")
    assert caught.value.location.line == 3


def test_store_refusals_become_user_errors(register: Store) -> None:
    short_form = "# param: p (iri)\nCONSTRUCT WHERE { ?s ?p ?o }"
    with pytest.raises(UserError, match="long form CONSTRUCT"):
        run_query(register, short_form, {"p": "rg:status"})
