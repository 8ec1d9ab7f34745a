"""An IRI parameter that names nothing in the register is an error (exit 2), not an empty result."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from riskgraph.errors import InputError
from riskgraph.queries import builtin_queries, parse_ad_hoc, run_query
from riskgraph.queries.params import bind_parameters
from riskgraph.store.base import SelectResult, Store
from riskgraph.vocab import DEFAULT_BASE_IRI

BASE = DEFAULT_BASE_IRI
TODAY = date(2025, 6, 1)

QUERY = parse_ad_hoc(
    "# param: thing (iri)\nSELECT ?p ?o WHERE { ?thing ?p ?o }\n", path="queries/thing.rq"
)


@pytest.mark.parametrize(
    "value",
    [
        "SYS-1",  # an entity of the register
        "A.6.2.4",  # an Annex A control of the catalogue
        "rg:Approved",  # a concept of the ontology
        "rg:owner",  # a property: used as a predicate only
        "https://w3id.org/riskgraph#Risk",  # a class, as a full IRI
    ],
)
def test_iris_that_name_something_are_bound(register: Store, value: str) -> None:
    bound = bind_parameters(QUERY, {"thing": value}, base_iri=BASE, today=TODAY, store=register)
    assert "thing" in bound


@pytest.mark.parametrize(
    "value", ["SYS-NOPE", "A.99.1", "rg:Aproved", "https://elsewhere.example/x"]
)
def test_an_iri_that_names_nothing_is_refused(register: Store, value: str) -> None:
    with pytest.raises(InputError) as caught:
        bind_parameters(QUERY, {"thing": value}, base_iri=BASE, today=TODAY, store=register)
    message = str(caught.value)
    assert "parameter 'thing' names nothing in the register" in message
    assert repr(value) in message and "queries/thing.rq" in message


def test_the_runner_checks_before_running(register: Store) -> None:
    query = builtin_queries()["risks-by-system"]
    with pytest.raises(InputError, match="names nothing"):
        run_query(register, query, {"system": "SYS-NOPE"}, base_iri=BASE, today=TODAY)
    with run_query(register, query, {"system": "SYS-1"}, base_iri=BASE, today=TODAY) as run:
        assert isinstance(run.result, SelectResult)
        assert list(run.result.rows)


def test_defaults_and_no_store_keep_the_old_behaviour() -> None:
    # without a store there is nothing to check against: the value is only parsed
    assert bind_parameters(QUERY, {"thing": "SYS-NOPE"}, base_iri=BASE, today=TODAY)


def test_the_cli_says_so_with_exit_2(example_register_folder: Path) -> None:
    def query(value: str) -> subprocess.CompletedProcess[str]:
        args = ["query", "run", "risks-by-system", "-p", f"system={value}"]
        return subprocess.run(
            [sys.executable, "-m", "riskgraph", *args, "-r", str(example_register_folder)],
            capture_output=True,
            text=True,
            check=False,
        )

    refused = query("SYS-NOPE")
    assert refused.returncode == 2
    assert "parameter 'system' names nothing in the register (got 'SYS-NOPE')" in refused.stderr
    assert refused.stdout == ""
    assert query("SYS-CREDIT").returncode == 0
