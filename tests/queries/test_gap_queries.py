"""Each gap rule and auditor view, with its exact answer on the hand-made register (conftest)."""

from __future__ import annotations

from datetime import date, timedelta

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskgraph.queries import builtin_queries, run_query
from riskgraph.store.base import ChangeSet, SelectResult, Store
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import DCTERMS, DEFAULT_BASE_IRI, ISO42001, RDF, REGISTER_GRAPH, RG, XSD

_G = ox.NamedNode(REGISTER_GRAPH)

ANNEX_A_CONTROLS_IN_CATALOGUE = 38
CLAUSES_IN_CATALOGUE = 43


def catalogue_refs(store: Store, rdf_class: str) -> set[str]:
    """Notations of every catalogue item of ``rdf_class`` (read straight from the quads)."""
    typed = {
        q.subject.value
        for q in store.quads()
        if q.predicate.value.endswith("#type") and q.object == ox.NamedNode(rdf_class)
    }
    return {iri.removeprefix(ISO42001) for iri in typed}


def test_annex_a_controls_not_implemented(register: Store, gap) -> None:
    found = gap(register, "annex-a-controls-not-implemented", key="ref")
    # Implemented/verified controls address A.2.2, A.6.2.4 (C-1), A.5.2 (C-2), A.3.2 (C-5);
    # the SoA excludes A.2.4 and A.4.2. Planned (A.6.2.2) and retired (A.2.3) do not count.
    covered = {"A.2.2", "A.6.2.4", "A.5.2", "A.3.2", "A.2.4", "A.4.2"}
    everything = catalogue_refs(register, RG + "AnnexAControl")
    assert len(everything) == ANNEX_A_CONTROLS_IN_CATALOGUE
    assert set(found) == everything - covered
    assert len(found) == ANNEX_A_CONTROLS_IN_CATALOGUE - 6
    assert {"A.6.2.2", "A.2.3", "A.3.3"} <= set(found)
    assert found[:3] == ["A.2.3", "A.3.3", "A.4.3"]
    assert found[-1] == "A.10.4"  # natural order: A.10 after A.9


def test_annex_a_on_an_empty_register_lists_every_annex_a_control(empty_register, gap) -> None:
    assert len(gap(empty_register, "annex-a-controls-not-implemented", key="ref")) == 38


def test_clauses_without_current_evidence(register: Store, gap) -> None:
    found = gap(register, "clauses-without-evidence", key="ref")
    # EV-5 covers 6.1.2 and so 6.1 and 6; EV-8 expires today, still current: 7.5.1, 7.5, 7.
    # EV-6 for 9.2 expired in 2024, so 9.2 and 9 stay open.
    covered = {"6.1.2", "6.1", "6", "7.5.1", "7.5", "7"}
    everything = catalogue_refs(register, RG + "Clause")
    assert len(everything) == CLAUSES_IN_CATALOGUE
    assert set(found) == everything - covered
    assert {"9", "9.2", "6.1.1", "6.2"} <= set(found)
    assert found[:2] == ["4", "4.1"] and found[-1] == "10.2"


def test_clauses_evidence_expiry_follows_today(register: Store, gap) -> None:
    before_expiry = gap(register, "clauses-without-evidence", {"today": "2024-06-30"}, key="ref")
    assert "9.2" not in before_expiry and "9" not in before_expiry
    after_expiry = gap(register, "clauses-without-evidence", {"today": "2025-06-02"}, key="ref")
    assert {"7", "7.5", "7.5.1"} <= set(after_expiry)


def test_risks_above_appetite_without_approved_treatment(register: Store, gap) -> None:
    name = "risks-above-appetite-without-approved-treatment"
    # Above moderate (4): R-1, R-5 (high), R-2, R-7 (very high). have treatments
    # approved by a person; R-2's is only proposed (and an LLM draft does not count); R-7's is a
    # draft. Highest level first.
    assert gap(register, name) == ["R-2", "R-7"]
    assert gap(register, name, {"appetite_rank": 4}) == ["R-2", "R-7"]
    # Above low (3) R-3 joins: its treatment was approved by an organisation, not a person.
    assert gap(register, name, {"appetite_rank": "3"}) == ["R-2", "R-7", "R-3"]
    assert gap(register, name, {"appetite_rank": 3, "system": "SYS-1"}) == ["R-2"]
    assert gap(register, name, {"appetite_rank": 3, "system": "SYS-2"}) == ["R-3"]
    assert gap(register, name, {"appetite_rank": 6}) == []
    answer = gap(register, name, key="current_level")
    assert answer == ["very high", "very high"]


def test_risks_above_appetite_without_controls(register: Store, gap) -> None:
    name = "risks-above-appetite-without-controls"
    # R-1 has C-1 and C-8; R-2 only the retired C-4; have none.
    assert gap(register, name) == ["R-2", "R-7", "R-5"]
    # R-3 (moderate) is mitigated by the planned C-3, which counts.
    assert gap(register, name, {"appetite_rank": 3}) == ["R-2", "R-7", "R-5"]
    assert gap(register, name, {"system": "SYS-2"}) == ["R-5"]
    assert gap(register, name, {"system": "SYS-1"}) == ["R-2"]
    assert gap(register, name, {"system": "SYS-3"}) == []


def test_controls_without_owner(register: Store, gap) -> None:
    # C-4 has no owner either, but it is retired.
    assert gap(register, "controls-without-owner") == ["C-2", "C-7"]
    assert gap(register, "controls-without-owner", {"system": "SYS-2"}) == ["C-7"]
    assert gap(register, "controls-without-owner", {"system": "SYS-1"}) == []
    assert gap(register, "controls-without-owner", key="status") == ["verified", "implemented"]


def test_controls_without_evidence(register: Store, gap) -> None:
    # C-3 (planned) and C-4 (retired) have none either, but are not expected to.
    assert gap(register, "controls-without-evidence") == ["C-5", "C-7"]
    assert gap(register, "controls-without-evidence", {"system": "SYS-2"}) == ["C-7"]


def test_controls_with_only_expired_evidence(register: Store, gap, rows) -> None:
    query = builtin_queries()["controls-with-only-expired-evidence"]
    answer = rows(register, query)
    # C-1 still has EV-1 (2026); C-6 has EV-4 with no expiry date.
    assert [(r["id"], r["last_expired"]) for r in answer] == [
        ("C-2", "2025-01-01"),
        ("C-8", "2025-05-01"),
    ]
    assert gap(register, query.name, {"system": "SYS-1"}) == ["C-8"]
    assert gap(register, query.name, {"today": "2025-01-01"}) == []
    assert gap(register, query.name, {"today": "2026-01-02"}) == ["C-1", "C-2", "C-8"]


def test_systems_without_impact_assessment(register: Store, gap) -> None:
    # SYS-3 has none either, but it is retired.
    assert gap(register, "systems-without-impact-assessment") == ["SYS-2"]
    assert gap(register, "systems-without-impact-assessment", {"system": "SYS-2"}) == ["SYS-2"]
    assert gap(register, "systems-without-impact-assessment", {"system": "SYS-1"}) == []
    assert gap(register, "systems-without-impact-assessment", {"system": "SYS-3"}) == []


def test_overdue_reviews(register: Store, rows, gap) -> None:
    answer = rows(register, builtin_queries()["overdue-reviews"])
    # T-6 is overdue too but rejected; R-3 is due today, which is not overdue.
    assert [(r["kind"], r["id"], r["review_due"], r["risk_id"]) for r in answer] == [
        ("treatment", "T-2", "2023-01-01", "R-2"),
        ("risk", "R-1", "2024-01-01", "R-1"),
        ("risk", "R-5", "2025-05-31", "R-5"),
    ]
    assert gap(register, "overdue-reviews", {"system": "SYS-2"}) == ["R-5"]
    assert gap(register, "overdue-reviews", {"system": "SYS-1"}) == ["T-2", "R-1"]
    assert gap(register, "overdue-reviews", {"today": "2025-06-02"}) == ["T-2", "R-1", "R-5", "R-3"]


def test_controls_mitigating_nothing(register: Store, gap) -> None:
    assert gap(register, "controls-mitigating-nothing") == ["C-2", "C-5"]


def test_open_findings_without_corrective_action(register: Store, rows, gap) -> None:
    answer = rows(register, builtin_queries()["open-findings-without-corrective-action"])
    # F-2 has a corrective action; F-3 is closed.
    assert [(r["id"], r["type"], r["grade"]) for r in answer] == [
        ("F-1", "nonconformity", "major"),
        ("F-4", "finding", "minor"),
        ("F-5", "nonconformity", None),
    ]
    # F-1 concerns C-6, which mitigates R-4 on SYS-2; F-5 concerns SYS-1 itself.
    name = "open-findings-without-corrective-action"
    assert gap(register, name, {"system": "SYS-2"}) == ["F-1"]
    assert gap(register, name, {"system": "SYS-1"}) == ["F-5"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, [("EV-8", "0", "7.5.1"), ("EV-7", "19", "C-6")]),
        ({"days": 10}, [("EV-8", "0", "7.5.1")]),
        ({"days": 250}, [("EV-8", "0", "7.5.1"), ("EV-7", "19", "C-6"), ("EV-1", "214", "C-1")]),
    ],
)
def test_evidence_expiring(register: Store, rows, params, expected) -> None:
    answer = rows(register, builtin_queries()["evidence-expiring"], params)
    assert [(r["id"], r["days_left"], r["supports"]) for r in answer] == expected


def test_risks_by_system(register: Store, rows) -> None:
    query = builtin_queries()["risks-by-system"]
    answer = [(r["system_id"], r["risk_id"], r["inherent_level"]) for r in rows(register, query)]
    assert answer == [
        (None, "R-7", "very high"),
        ("SYS-1", "R-2", "very high"),
        ("SYS-1", "R-1", "high"),
        ("SYS-1", "R-6", None),
        ("SYS-2", "R-5", "high"),
        ("SYS-2", "R-3", "moderate"),
        ("SYS-2", "R-4", "low"),
    ]
    only_sys2 = rows(register, query, {"system": "SYS-2"})
    assert [(r["system_id"], r["risk_id"]) for r in only_sys2] == [
        ("SYS-2", "R-5"),
        ("SYS-2", "R-3"),
        ("SYS-2", "R-4"),
    ]


def test_risks_by_system_shows_residual_level(register: Store, rows) -> None:
    answer = rows(register, builtin_queries()["risks-by-system"], {"system": "SYS-1"})
    assert {r["risk_id"]: r["residual_level"] for r in answer} == {
        "R-1": "low",
        "R-2": None,
        "R-6": None,
    }


def test_treatment_status_board(register: Store, rows) -> None:
    answer = rows(register, builtin_queries()["treatment-status"])
    assert [(r["id"], r["status"], r["risk_id"], r["approved_by"]) for r in answer] == [
        ("T-7", "draft", "R-7", None),
        ("T-2", "proposed", "R-2", None),
        ("T-1", "approved", "R-1", "P-1"),
        ("T-3", "approved", "R-3", "ORG-1"),
        ("T-5", "approved", "R-5", "P-2"),
        ("T-6", "rejected", "R-4", None),
    ]
    sys2 = rows(register, builtin_queries()["treatment-status"], {"system": "SYS-2"})
    assert [r["id"] for r in sys2] == ["T-3", "T-5", "T-6"]


def test_controls_by_annex_a_objective(register: Store, rows) -> None:
    answer = rows(register, builtin_queries()["controls-by-annex-a-objective"])
    assert len(answer) == ANNEX_A_CONTROLS_IN_CATALOGUE  # at most one control per item here
    by_ref = {r["annex_a_ref"]: r for r in answer}
    assert (by_ref["A.2.2"]["control_id"], by_ref["A.2.2"]["status"]) == ("C-1", "implemented")
    assert by_ref["A.2.2"]["objective_ref"] == "A.2"
    assert (by_ref["A.2.3"]["control_id"], by_ref["A.2.3"]["status"]) == ("C-4", "retired")
    assert by_ref["A.6.2.2"]["objective_ref"] == "A.6.2"
    assert by_ref["A.2.4"]["applicable"] == "false"
    assert by_ref["A.3.3"]["applicable"] == "true"
    assert by_ref["A.7.2"]["control_id"] is None
    assert [r["annex_a_ref"] for r in answer][:3] == ["A.2.2", "A.2.3", "A.2.4"]


def test_who_owns_what(register: Store, rows) -> None:
    query = builtin_queries()["ownership"]
    answer = rows(register, query, {"owner": "P-1"})
    assert [(r["owner_name"], r["kind"], r["id"]) for r in answer] == [
        ("Ada Lovelace", "AI system", "SYS-1"),
        ("Ada Lovelace", "control", "C-1"),
        ("Ada Lovelace", "control", "C-6"),
        ("Ada Lovelace", "risk", "R-1"),
    ]
    everyone = rows(register, query)
    assert sorted({r["owner_id"] for r in everyone}) == ["ORG-1", "P-1", "P-2"]
    assert ("P-2", "evidence", "EV-7") in {(r["owner_id"], r["kind"], r["id"]) for r in everyone}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    today=st.dates(min_value=date(1901, 1, 1), max_value=date(2399, 12, 31)),
    ahead=st.integers(min_value=-3, max_value=1500),
)
def test_evidence_days_left_is_the_calendar_difference(today: date, ahead: int) -> None:
    """The query counts days with standard SPARQL 1.1 functions (day numbers from YEAR, MONTH
    and DAY): the same count as the calendar, across month ends, leap days and centuries."""
    expires = today + timedelta(days=ahead)
    store = EmbeddedStore()
    evidence = ox.NamedNode(DEFAULT_BASE_IRI + "EV-1")
    store.apply(
        ChangeSet(
            add=[
                ox.Quad(evidence, ox.NamedNode(RDF + "type"), ox.NamedNode(RG + "Evidence"), _G),
                ox.Quad(evidence, ox.NamedNode(DCTERMS + "identifier"), ox.Literal("EV-1"), _G),
                ox.Quad(
                    evidence,
                    ox.NamedNode(RG + "expires"),
                    ox.Literal(expires.isoformat(), datatype=ox.NamedNode(XSD + "date")),
                    _G,
                ),
            ]
        )
    )
    query = builtin_queries()["evidence-expiring"]
    with run_query(store, query, {"today": today.isoformat(), "days": 1000}, limit=None) as run:
        assert isinstance(run.result, SelectResult)
        found = [row["days_left"] for row in run.result.rows]
    expected = [str(ahead)] if 0 <= ahead <= 1000 else []
    assert [term.value for term in found if term is not None] == expected
