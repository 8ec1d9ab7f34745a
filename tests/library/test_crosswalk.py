"""Crosswalks, coverage and the stored query that chains OWASP LLM01 to ISO 42001 Annex A."""

from __future__ import annotations

import pytest

from riskgraph.errors import UserError
from riskgraph.library.coverage import DIRECT, NOT_ADDRESSED, coverage
from riskgraph.library.crosswalk import compose, crosswalk
from riskgraph.queries import builtin_queries
from riskgraph.queries.runner import run_query
from riskgraph.register import Register

FINOS_UNREFERENCED = {
    "A.2.2",
    "A.2.4",
    "A.4.6",
    "A.5.3",
    "A.5.4",
    "A.5.5",
    "A.7.5",
    "A.8.4",
    "A.9.3",
    "A.9.4",
    "A.10.4",
}


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ([], "exactMatch"),
        (["exactMatch", "exactMatch"], "exactMatch"),
        (["exactMatch", "closeMatch"], "closeMatch"),
        (["broadMatch", "exactMatch"], "broadMatch"),
        (["narrowMatch", "closeMatch"], "narrowMatch"),
        (["broadMatch", "narrowMatch"], "relatedMatch"),
        (["exactMatch", "mitigates"], "relatedMatch"),
        (["relatedMatch", "exactMatch"], "relatedMatch"),
    ],
)
def test_predicates_compose_conservatively(chain: list[str], expected: str) -> None:
    assert compose(chain) == expected


def test_owasp_llm01_reaches_annex_a_through_named_mappings(loaded_register: Register) -> None:
    with loaded_register.reader() as store:
        walk = crosswalk(store, "owasp-llm-2.0", "iso42001-annex-a")
    llm01 = next(iri for iri, n in walk.source_members.items() if n == "llm01-prompt-injection")
    reached = {walk.target_members[p.end] for p in walk.paths[llm01]}
    assert {"A.6.1.3", "A.6.2.2", "A.6.2.6", "A.8.3", "A.9.2"} <= reached
    derived = next(p for p in walk.paths[llm01] if walk.target_members[p.end] == "A.6.1.3")
    mapping = derived.as_mapping(walk.labels)
    assert mapping.justification == "derived" and mapping.predicate == "relatedMatch"
    assert len(mapping.derived_via) == len(derived.edges) == 5
    assert any(v.startswith(("mitigates:", "mitigatedBy:")) for v in mapping.derived_via)
    assert walk.unmatched == []


def test_crosswalk_names_concepts_without_counterpart(loaded_register: Register) -> None:
    with loaded_register.reader() as store:
        walk = crosswalk(store, "iso42001-annex-a", "finos-aigf", max_hops=2)
    unmatched = {walk.source_members[i] for i in walk.unmatched}
    assert unmatched == FINOS_UNREFERENCED


def test_unknown_framework_is_an_error(loaded_register: Register) -> None:
    with loaded_register.reader() as store, pytest.raises(UserError, match="unknown framework"):
        crosswalk(store, "owasp-llm-2.0", "cobit")


def test_coverage_names_the_annex_a_controls_no_finos_mitigation_references(
    loaded_register: Register,
) -> None:
    with loaded_register.reader() as store:
        rows = coverage(store, "iso42001-annex-a", "finos-aigf")
    assert {r.notation for r in rows if r.status == NOT_ADDRESSED} == FINOS_UNREFERENCED
    assert len([r for r in rows if r.status == DIRECT]) == 27
    a_4_2 = next(r for r in rows if r.notation == "A.4.2")
    assert a_4_2.by == ("mi-9",) and "FINOS AI Governance Framework" in a_4_2.chain


def test_stored_query_explains_the_way_from_llm01_to_annex_a(loaded_register: Register) -> None:
    from riskgraph.store.base import SelectResult

    with loaded_register.reader() as store:
        run = run_query(store, builtin_queries()["owasp-llm-to-annex-a"], limit=None)
        assert isinstance(run.result, SelectResult)
        rows = list(run.result.rows)
    assert rows
    refs = {r["annex_a_ref"].value for r in rows}
    assert {"A.6.1.3", "A.6.2.2", "A.6.2.6", "A.8.3", "A.9.2"} <= refs
    for row in rows:
        assert row["owasp_risk"].value.startswith("LLM01:")
        assert row["finos_risk"].value in (
            "ri-10 Prompt Injection",
            "ri-25 Tool Chain Manipulation and Injection",
        )
        path = row["path"].value
        assert path.count("m-") == 4 and "mitigates (" in path and "ManualMappingCuration" in path


def test_stored_query_other_owasp_risk(loaded_register: Register) -> None:
    from riskgraph.store.base import SelectResult

    with loaded_register.reader() as store:
        run = run_query(
            store, builtin_queries()["owasp-llm-to-annex-a"], {"owasp_id": "llm06"}, limit=None
        )
        assert isinstance(run.result, SelectResult)
        rows = list(run.result.rows)
    assert rows and all(r["owasp_risk"].value.startswith("LLM06:") for r in rows)


def test_a_derived_mapping_multiplies_known_confidences_and_keeps_one_step_records() -> None:
    from riskgraph.library.crosswalk import Edge, Path
    from riskgraph.library.model import Mapping

    a, b, c = "https://example.org/a", "https://example.org/b", "https://example.org/c"
    ab = Mapping(a, "exactMatch", b, "manual", confidence=0.9)
    bc = Mapping(b, "closeMatch", c, "lexical", confidence=0.5)
    chain = Path(a, [Edge(a, b, "exactMatch", ab), Edge(b, c, "closeMatch", bc)])
    derived = chain.as_mapping({})
    assert derived.predicate == "closeMatch" and derived.justification == "derived"
    assert derived.confidence == pytest.approx(0.45)
    assert derived.derived_via == (ab.mapping_id, bc.mapping_id)
    unknown = Path(a, [Edge(a, b, "exactMatch", ab), Edge(b, c, "mitigates", None)])
    assert unknown.as_mapping({}).confidence is None
    assert Path(a, [Edge(a, b, "exactMatch", ab)]).as_mapping({}) == ab
    backwards = Path(b, [Edge(b, a, "exactMatch", ab)]).as_mapping({})
    assert (backwards.subject, backwards.object, backwards.justification) == (b, a, "derived")
