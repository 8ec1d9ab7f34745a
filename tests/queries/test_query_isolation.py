"""Query text from users on a register on disk runs in a child process: capped in memory,
killed on time, and answering exactly like the store itself (issue 19, item 3)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from riskgraph.errors import InputError
from riskgraph.queries import (
    QueryMemoryError,
    QuerySource,
    QueryTimeoutError,
    background_evaluations,
    count_rows,
    parse_stored_query,
    run_query,
)
from riskgraph.register import Register
from riskgraph.store.base import AskResult, GraphResult, SelectResult, Store

EXPLOSIVE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
"""The issue's query, one join more: its sort needs far more memory than any test allows."""


@pytest.fixture
def store(disk_register: Register) -> Iterator[Store]:
    with disk_register.reader() as reader:
        yield reader


def _children() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "riskgraph-query"]


def test_a_query_that_needs_too_much_memory_is_stopped_with_a_clear_error(store: Store) -> None:
    with pytest.raises(QueryMemoryError, match=r"more memory than the 1 GB it may use"):
        run_query(store, EXPLOSIVE, memory_limit=1024**3, time_limit=120)
    assert _children() == []
    with run_query(store, "ASK { ?s ?p ?o }") as after:  # this process is unharmed
        assert isinstance(after.result, AskResult) and after.result.value


def test_a_query_busy_before_its_first_row_is_killed_on_time(store: Store) -> None:
    with pytest.raises(QueryTimeoutError, match=r"time limit of 0\.5 s"):
        run_query(store, EXPLOSIVE, time_limit=0.5)
    assert _children() == []
    assert background_evaluations() == 0  # nothing runs on in the background


def test_rows_triples_and_answers_come_back_as_from_the_store(store: Store) -> None:
    sparql = "SELECT ?s ?label WHERE { ?s a ?c OPTIONAL { ?s <urn:none> ?label } } ORDER BY ?s"
    direct = store.query(sparql)
    assert isinstance(direct, SelectResult)
    expected = list(direct.rows)[:50]
    with run_query(store, sparql, limit=50) as run:
        assert isinstance(run.result, SelectResult)
        assert run.result.variables == ["s", "label"]
        assert list(run.result.rows) == expected
        assert run.truncated
    with run_query(store, "CONSTRUCT WHERE { ?s a ?c } LIMIT 7", limit=None) as run:
        assert isinstance(run.result, GraphResult)
        assert all(isinstance(t, ox.Triple) for t in run.result.triples)
        assert run.delivered == 7
    with run_query(store, "ASK { ?s <urn:none> ?o }") as run:
        assert isinstance(run.result, AskResult) and not run.result.value
    assert _children() == []


def test_parameters_are_bound_in_the_child(store: Store, tmp_path: Path) -> None:
    text = (
        "# title: One class\n# description: Instances of a class.\n"
        "# param: cls (iri) The class\n"
        "SELECT ?s WHERE { ?s a ?cls }\n"
    )
    path = tmp_path / "one-class.rq"
    path.write_text(text, encoding="utf-8")
    query = parse_stored_query(text, name="one-class", source=QuerySource.REGISTER, path=str(path))
    owl_class = "http://www.w3.org/2002/07/owl#Class"
    direct = store.query("SELECT ?s WHERE { ?s a ?cls }", {"cls": ox.NamedNode(owl_class)})
    assert isinstance(direct, SelectResult)
    expected = sorted(str(row["s"]) for row in direct.rows)
    with run_query(store, query, {"cls": owl_class}, limit=None) as run:
        assert isinstance(run.result, SelectResult)
        assert sorted(str(row["s"]) for row in run.result.rows) == expected
    assert count_rows(store, query, {"cls": owl_class}) == len(expected) > 0


def test_a_syntax_error_in_the_child_names_the_line(store: Store) -> None:
    with pytest.raises(InputError) as caught:
        run_query(store, "SELECT *\nWHERE { ?s ?p }")
    assert caught.value.location.line == 2
    assert "the SPARQL is not valid" in str(caught.value)
