"""The benchmark's limit implementation (benchmarks/bench_limit.py: the gap rules as SQL over a
DuckDB projection) gives the rows of the documented SPARQL rules, on the example register and on
a synthetic register of size S, on several days and appetites; so the limit it measures is the
limit of the same work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from benchmarks.bench_limit import LIMIT_RULES, project, run_rule
from benchmarks.synth.profile import profile_for
from benchmarks.synth.register import DEFAULT_AS_OF, DEFAULT_BASE, write_register
from riskgraph.analysis.gaps import APPETITE_PARAM, RULE_ORDER, TODAY_PARAM
from riskgraph.queries import builtin_queries, run_query
from riskgraph.register import STORE_DIR, Register, init_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.store.embedded import EmbeddedStore


@pytest.fixture(scope="module", params=["example", "S"])
def register_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"limit-{request.param}") / "register"
    if request.param == "example":
        init_register(folder, with_example=True)
        return folder
    data = folder.parent / "synth.nq"
    with data.open("w", encoding="utf-8") as out:
        write_register(out, profile_for(request.param), fmt="nq")
    register = init_register(folder, base_iri=DEFAULT_BASE)
    with register.writer() as store:
        assert isinstance(store, EmbeddedStore)
        store.raw.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        commit(store, ChangeSet())
    return folder


@pytest.fixture(scope="module")
def projection(register_folder: Path) -> Iterator[Any]:
    store = ox.Store.read_only(str(register_folder / STORE_DIR))
    con = project(store)
    yield con
    con.close()


def _sparql_rows(folder: Path, name: str, today: date, appetite: int) -> list[tuple[Any, ...]]:
    rule = builtin_queries()[name]
    params: dict[str, Any] = {TODAY_PARAM: today, APPETITE_PARAM: appetite}
    given = {k: v for k, v in params.items() if rule.accepts(k)}
    register = Register.open(folder)
    with (
        register.reader() as store,
        run_query(
            store,
            rule,
            given,
            base_iri=register.base_iri,
            today=today,
            limit=None,
            time_limit=None,
        ) as run,
    ):
        variables = run.result.variables  # type: ignore[union-attr]
        return [
            tuple(
                None if row.get(v) is None else row[v].value  # type: ignore[union-attr]
                for v in variables
            )
            for row in run.result.rows  # type: ignore[union-attr]
        ]


def _text(row: tuple[Any, ...]) -> tuple[str | None, ...]:
    return tuple(None if value is None else str(value) for value in row)


def test_the_limit_covers_the_first_eleven_rules() -> None:
    assert list(LIMIT_RULES) == list(RULE_ORDER[:11])


@pytest.mark.parametrize("name", list(LIMIT_RULES))
@pytest.mark.parametrize("today", [DEFAULT_AS_OF, date(2028, 1, 1)])
@pytest.mark.parametrize("appetite", [1, 3])
def test_the_limit_gives_the_rows_of_the_rule(
    register_folder: Path, projection: Any, name: str, today: date, appetite: int
) -> None:
    expected = sorted(map(_text, _sparql_rows(register_folder, name, today, appetite)), key=repr)
    found = sorted(map(_text, run_rule(projection, name, today, appetite)), key=repr)
    assert found == expected
