"""The library: every built-in query is sound, and a register's own queries overlay it."""

from __future__ import annotations

from pathlib import Path

import pytest

from riskgraph.errors import InputError, UserError
from riskgraph.queries import (
    ParamType,
    QuerySource,
    StoredQuery,
    UnsafeQueryError,
    builtin_queries,
    load_library,
    run_query,
)
from riskgraph.queries.library import QUERY_SUFFIX
from riskgraph.store.base import SelectResult, Store

LIBRARY_DIR = Path(__file__).parents[2] / "riskgraph" / "queries" / "library"
GAP_RULES = {
    "annex-a-controls-not-implemented",
    "clauses-without-evidence",
    "risks-above-appetite-without-approved-treatment",
    "risks-above-appetite-without-controls",
    "controls-without-owner",
    "controls-without-evidence",
    "controls-with-only-expired-evidence",
    "systems-without-impact-assessment",
    "overdue-reviews",
    "accepted-risks-changed-since-acceptance",
    "expired-risk-acceptances",
    "controls-never-tested",
    "control-tests-overdue",
    "failed-control-tests-without-corrective-action",
    "controls-mitigating-nothing",
    "open-findings-without-corrective-action",
    "systems-without-ai-act-classification",
    "high-risk-systems-without-ai-act-controls",
    "risks-realised-with-untested-controls",
    "nonconformity-incidents-without-corrective-action",
}
AUDITOR_VIEWS = {
    "risks-by-system",
    "treatment-status",
    "controls-by-annex-a-objective",
    "evidence-expiring",
    "ownership",
    "agent-calls",
    "audits-with-open-findings",
}
OTHER_QUERIES = {"search-entities", "owasp-llm-to-annex-a", "clause-evidence-from-other-standards"}
SAMPLE_VALUES = {
    ParamType.STRING: "text",
    ParamType.INTEGER: "5",
    ParamType.DECIMAL: "2.5",
    ParamType.BOOLEAN: "true",
    ParamType.DATE: "2025-06-01",
    ParamType.IRI: "A.6.2.4",  # the catalogue is in every register; an IRI must name something
}


def test_every_library_file_is_loaded() -> None:
    files = {p.stem for p in LIBRARY_DIR.glob("*" + QUERY_SUFFIX)}
    assert set(builtin_queries()) == files == GAP_RULES | AUDITOR_VIEWS | OTHER_QUERIES
    assert {q.name for q in load_library().tagged("gaps")} == GAP_RULES
    assert {q.name for q in load_library().tagged("audit")} == AUDITOR_VIEWS


@pytest.mark.parametrize("query", builtin_queries().values(), ids=builtin_queries().keys())
def test_each_builtin_query_is_documented_and_selects(query: StoredQuery) -> None:
    assert query.source is QuerySource.BUILT_IN
    assert query.title and query.description.endswith(".")
    assert all(p.description or p.name == "today" for p in query.parameters)
    assert query.tags and query.path and query.path.endswith(query.name + QUERY_SUFFIX)


@pytest.mark.parametrize("query", builtin_queries().values(), ids=builtin_queries().keys())
def test_each_builtin_query_runs_on_an_empty_register(
    query: StoredQuery, empty_register: Store
) -> None:
    every_value = {p.name: SAMPLE_VALUES[p.type] for p in query.parameters}
    needs_values = any(p.required for p in query.parameters)
    for params in (every_value,) if needs_values else ({}, every_value):
        with run_query(empty_register, query, params, limit=None, time_limit=30) as run:
            assert isinstance(run.result, SelectResult)
            rows = list(run.result.rows)
        if query.name not in (
            "annex-a-controls-not-implemented",
            "clauses-without-evidence",
            "controls-by-annex-a-objective",
        ):
            assert rows == [], query.name  # nothing in the register, so nothing to report


def test_gap_rules_that_make_sense_per_system_take_a_system() -> None:
    organisation_wide = {
        "annex-a-controls-not-implemented",
        "clauses-without-evidence",
        "controls-mitigating-nothing",
    }
    for name in GAP_RULES:
        assert builtin_queries()[name].accepts("system") is (name not in organisation_wide)


RULE = """# title: {title}
# description: A register's own query.
SELECT ?x WHERE {{ BIND("{title}" AS ?x) }}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / (name + QUERY_SUFFIX)
    path.write_text(text, encoding="utf-8")
    return path


def test_register_queries_overlay_the_builtin_ones(tmp_path: Path, empty_register: Store) -> None:
    write(tmp_path, "controls-without-owner", RULE.format(title="Our owner rule"))
    write(tmp_path, "our-view", RULE.format(title="Our view"))
    (tmp_path / "notes.txt").write_text("not a query")
    library = load_library(tmp_path)

    assert len(library) == len(builtin_queries()) + 1
    replaced = library.get("controls-without-owner")
    assert (replaced.title, replaced.source, replaced.overrides_builtin) == (
        "Our owner rule",
        QuerySource.REGISTER,
        True,
    )
    ours = library.get("our-view")
    assert (ours.source, ours.overrides_builtin) == (QuerySource.REGISTER, False)
    assert ours.path == str(tmp_path / "our-view.rq")
    assert library.get("ownership").source is QuerySource.BUILT_IN
    run = run_query(empty_register, replaced)
    assert isinstance(run.result, SelectResult)
    assert [row["x"].value for row in run.result.rows if row["x"]] == ["Our owner rule"]


def test_a_missing_register_folder_means_only_builtins(tmp_path: Path) -> None:
    assert load_library(tmp_path / "queries").names() == list(builtin_queries())


def test_a_register_queries_path_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "queries").write_text("")
    with pytest.raises(UserError, match="should be a folder"):
        load_library(tmp_path / "queries")


def test_broken_files_are_reported_without_hiding_the_rest(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken", "# title: Broken\nSELECT * WHERE { ?s ?p ?o }\n")
    write(tmp_path, "calls-out", RULE.replace("BIND", "SERVICE <http://x> { } BIND"))
    write(tmp_path, "ownership", "# title: Shadow\n# oops\nSELECT * {}\n")
    (tmp_path / "latin1.rq").write_bytes("# title: Caf\xe9\n".encode("latin-1"))
    write(tmp_path, "bad name!", RULE.format(title="Bad name"))
    library = load_library(tmp_path)

    assert set(library.problems) == {"broken", "calls-out", "ownership", "latin1", "bad name!"}
    assert "ownership" not in library  # a broken override does not fall back silently
    assert "controls-without-owner" in library
    with pytest.raises(InputError) as caught:
        library.get("broken")
    assert caught.value.location.file == str(broken)
    assert "no '# description:' line" in str(caught.value)
    assert isinstance(library.problems["calls-out"], UnsafeQueryError)
    assert "not UTF-8" in str(library.problems["latin1"])
    assert "not a usable query name" in str(library.problems["bad name!"])


def test_unknown_names_suggest_close_ones() -> None:
    with pytest.raises(UserError, match="did you mean controls-without-owner"):
        load_library().get("controls-without-owners")
