"""The fast forms of gap rules (riskgraph/analysis/fast_rules) give exactly the rows, in the same
order, of the documented rules (riskgraph/queries/library), on the example register and on
synthetic registers of sizes S and M; and they are used only where they apply."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from review_data import with_computed_reviews

from benchmarks.synth.profile import profile_for
from benchmarks.synth.register import DEFAULT_AS_OF, DEFAULT_BASE, write_register
from riskgraph.analysis.gap_fast import FAST_RULES, fast_form, fast_text
from riskgraph.analysis.gaps import APPETITE_PARAM, TODAY_PARAM, run_gaps
from riskgraph.config import EndpointSettings
from riskgraph.queries import (
    GAPS_TAG,
    QuerySource,
    StoredQuery,
    builtin_queries,
    load_library,
    run_query,
)
from riskgraph.register import Register, init_register
from riskgraph.store.base import ChangeSet, Store, commit
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.store.remote import RemoteStore
from riskgraph.store.remote_http import SparqlEndpoint


def _rows(store: Store, query: StoredQuery, params: dict[str, Any], today: date) -> list[Any]:
    with run_query(
        store, query, params, base_iri=DEFAULT_BASE, today=today, limit=None, time_limit=None
    ) as run:
        variables = run.result.variables  # type: ignore[union-attr]
        return [(variables, row) for row in run.result.rows]  # type: ignore[union-attr]


def _builtin(name: str) -> StoredQuery:
    return builtin_queries()[name]


@pytest.fixture(scope="module", params=["example", "computed-reviews", "S", "M"])
def register_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"fast-{request.param}") / "register"
    if request.param == "example":
        init_register(folder, with_example=True)
        return folder
    if request.param == "computed-reviews":
        with_computed_reviews(init_register(folder, with_example=True))
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
def store(register_folder: Path) -> Iterator[Store]:
    with Register.open(register_folder).reader() as reader:
        yield reader


@pytest.mark.parametrize("name", FAST_RULES)
@pytest.mark.parametrize("appetite", [1, 3, 4, 6])
@pytest.mark.parametrize("today", [DEFAULT_AS_OF, date(2025, 6, 30), date(2028, 1, 1), None])
def test_fast_form_gives_the_rows_of_the_rule(
    store: Store, name: str, appetite: int, today: date | None
) -> None:
    """``today`` None: a day on which evidence expires and a review falls due (the boundary)."""
    if today is None:
        today = _boundary_day(store)
    rule = _builtin(name)
    fast = fast_form(rule, store, limited_to_system=False)
    assert fast.sparql == fast_text(name) != rule.sparql
    params: dict[str, Any] = {TODAY_PARAM: today, APPETITE_PARAM: appetite}
    given = {k: v for k, v in params.items() if rule.accepts(k)}
    expected = _rows(store, rule, given, today)
    assert _rows(store, fast, given, today) == expected


def _boundary_day(store: Store) -> date:
    found = store.select(
        "SELECT ?day WHERE { ?e <https://w3id.org/riskgraph#expires> ?day . "
        "?r <https://w3id.org/riskgraph#reviewDue> ?day } ORDER BY ?day LIMIT 1"
    )
    for row in found.rows:
        day = row["day"]
        assert isinstance(day, ox.Literal)
        return date.fromisoformat(day.value)
    pytest.fail("no day on which both evidence expires and a review falls due")


def test_every_fast_form_belongs_to_a_builtin_gap_rule() -> None:
    gap_rules = {q.name for q in load_library(None).tagged(GAPS_TAG)}
    assert set(FAST_RULES) <= gap_rules
    for name in FAST_RULES:
        assert _builtin(name).source is QuerySource.BUILT_IN


def test_rules_without_a_fast_form_run_their_own_sparql(memory_register: Register) -> None:
    with memory_register.reader() as store:
        rule = _builtin(FAST_RULES[0])
        # a report limited to one AI system: the fast forms have no system filter
        assert fast_form(rule, store, limited_to_system=True) is rule
        # a register's own rule of the same name replaces the built-in one
        own = rule.model_copy(update={"source": QuerySource.REGISTER})
        assert fast_form(own, store, limited_to_system=False) is own
        # a rule that has no fast form
        other = next(q for q in load_library(None).tagged(GAPS_TAG) if q.name not in FAST_RULES)
        assert fast_form(other, store, limited_to_system=False) is other


@pytest.mark.parametrize("kind", [None, "virtuoso", "fuseki", "oxigraph"])
def test_a_remote_store_runs_fast_forms_only_on_an_oxigraph_server(kind: str | None) -> None:
    """LATERAL is Oxigraph's: other servers, or a server of unknown kind, get the rule itself.
    (tests/remote/test_remote_cli.py compares an Oxigraph server's report with the embedded one.)"""
    settings = EndpointSettings(query_url="http://127.0.0.1:9/query", server_kind=kind)
    endpoint = SparqlEndpoint(settings)
    try:
        rule = _builtin(FAST_RULES[0])
        chosen = fast_form(rule, RemoteStore(endpoint), limited_to_system=False)
        assert (chosen.sparql == fast_text(rule.name)) is (kind == "oxigraph")
    finally:
        endpoint.close()


def test_the_report_is_the_same_with_and_without_fast_forms(
    register_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register = Register.open(register_folder)
    with register.reader() as store:
        fast = run_gaps(register, store, today=DEFAULT_AS_OF)
        monkeypatch.setattr("riskgraph.analysis.gaps.fast_form", lambda query, *_a, **_k: query)
        slow = run_gaps(register, store, today=DEFAULT_AS_OF)
    assert fast.to_json()["rules"] == slow.to_json()["rules"]
