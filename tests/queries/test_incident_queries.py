"""The incident and audit queries (gap rules and views) on a small hand-made register."""

from __future__ import annotations

import pytest

from riskgraph.queries import builtin_queries
from riskgraph.store.base import ChangeSet, Store
from riskgraph.vocab import REGISTER_GRAPH
from tests.queries.conftest import turtle_quads

INCIDENTS_TTL = """
@prefix rg: <https://w3id.org/riskgraph#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://riskgraph.example/register/> .

:P-1 a rg:Person ; dcterms:identifier "P-1" ; dcterms:title "Ada Lovelace" .
:SYS-1 a rg:AISystem ; dcterms:identifier "SYS-1" ; dcterms:title "Loan scorer" .
:SYS-2 a rg:AISystem ; dcterms:identifier "SYS-2" ; dcterms:title "Chat assistant" .
:R-1 a rg:Risk ; dcterms:identifier "R-1" ; dcterms:title "Biased refusals" ; rg:affects :SYS-1 .
:R-2 a rg:Risk ; dcterms:identifier "R-2" ; dcterms:title "Wrong answers" ; rg:affects :SYS-2 .
:R-3 a rg:Risk ; dcterms:identifier "R-3" ; dcterms:title "Outage" ; rg:affects :SYS-2 .
:R-4 a rg:Risk ; dcterms:identifier "R-4" ; dcterms:title "Never realised" ; rg:affects :SYS-2 .

# C-1 mitigates R-1: tested, passed, then failed (latest).        -> gap (last test failed)
# C-2 mitigates R-1: failed, then a correction that passed.         -> no gap
# C-3 mitigates R-2: never tested.                                  -> gap (never tested)
# C-4 mitigates R-3: passed; the incident involves C-5, never tested -> gap for C-5 only
# C-6 mitigates R-4, never tested, but R-4 never materialised       -> no gap
:C-1 a rg:Control ; dcterms:identifier "C-1" ; dcterms:title "Fairness test" ; rg:mitigates :R-1 .
:C-2 a rg:Control ; dcterms:identifier "C-2" ; dcterms:title "Human review" ; rg:mitigates :R-1 .
:C-3 a rg:Control ; dcterms:identifier "C-3" ; dcterms:title "Grounding" ; rg:mitigates :R-2 .
:C-4 a rg:Control ; dcterms:identifier "C-4" ; dcterms:title "Failover" ; rg:mitigates :R-3 .
:C-5 a rg:Control ; dcterms:identifier "C-5" ; dcterms:title "Monitoring" .
:C-6 a rg:Control ; dcterms:identifier "C-6" ; dcterms:title "Spare" ; rg:mitigates :R-4 .

:CT-1 a rg:ControlTest ; dcterms:identifier "CT-1" ; dcterms:title "t" ; rg:testedControl :C-1 ;
    rg:testedOn "2025-01-10"^^xsd:date ; rg:testResult rg:TestPassed ; rg:tester :P-1 .
:CT-2 a rg:ControlTest ; dcterms:identifier "CT-2" ; dcterms:title "t" ; rg:testedControl :C-1 ;
    rg:testedOn "2025-04-10"^^xsd:date ; rg:testResult rg:TestFailed ; rg:tester :P-1 .
:CT-3 a rg:ControlTest ; dcterms:identifier "CT-3" ; dcterms:title "t" ; rg:testedControl :C-2 ;
    rg:testedOn "2025-04-10"^^xsd:date ; rg:testResult rg:TestFailed ; rg:tester :P-1 .
:CT-4 a rg:ControlTest ; dcterms:identifier "CT-4" ; dcterms:title "t" ; rg:testedControl :C-2 ;
    rg:testedOn "2025-04-10"^^xsd:date ; rg:testResult rg:TestPassed ; rg:tester :P-1 ;
    rg:supersedes :CT-3 .
:CT-5 a rg:ControlTest ; dcterms:identifier "CT-5" ; dcterms:title "t" ; rg:testedControl :C-4 ;
    rg:testedOn "2025-02-01"^^xsd:date ; rg:testResult rg:TestPassed ; rg:tester :P-1 .

:INC-1 a rg:Incident ; dcterms:identifier "INC-1" ; dcterms:title "Refusals" ;
    rg:occurredOn "2025-05-01"^^xsd:date ; rg:realisedRisk :R-1 ; rg:incidentSystem :SYS-1 ;
    rg:status rg:Open ; rg:isNonconformity true ; rg:incidentSeverity rg:IncidentSerious .
:INC-2 a rg:Incident ; dcterms:identifier "INC-2" ; dcterms:title "Bad answer" ;
    rg:occurredOn "2025-05-02"^^xsd:date ; rg:realisedRisk :R-2, :R-3 ; rg:involvedControl :C-5 ;
    rg:incidentSystem :SYS-2 ; rg:status rg:Open ; rg:isNonconformity true .
:INC-3 a rg:Incident ; dcterms:identifier "INC-3" ; dcterms:title "Closed one" ;
    rg:occurredOn "2025-05-03"^^xsd:date ; rg:status rg:Closed ; rg:isNonconformity true .
:INC-4 a rg:Incident ; dcterms:identifier "INC-4" ; dcterms:title "Not a nonconformity" ;
    rg:occurredOn "2025-05-03"^^xsd:date ; rg:status rg:Open ; rg:isNonconformity false .
:CA-1 a rg:CorrectiveAction ; dcterms:identifier "CA-1" ; dcterms:title "Fix" ;
    rg:correctiveActionFor :INC-2 ; rg:status rg:Open .

:AUD-1 a rg:Audit ; dcterms:identifier "AUD-1" ; dcterms:title "Internal audit" ;
    rg:auditKind rg:InternalAudit ; rg:auditStart "2025-03-01"^^xsd:date .
:AUD-2 a rg:Audit ; dcterms:identifier "AUD-2" ; dcterms:title "Certification" ;
    rg:auditKind rg:CertificationAudit ; rg:auditStart "2025-05-01"^^xsd:date .
:AUD-3 a rg:Audit ; dcterms:identifier "AUD-3" ; dcterms:title "All closed" ;
    rg:auditKind rg:SurveillanceAudit ; rg:auditStart "2025-05-20"^^xsd:date .
:F-1 a rg:Nonconformity ; dcterms:identifier "F-1" ; dcterms:title "a" ; rg:status rg:Open ;
    rg:raisedInAudit :AUD-1 .
:F-2 a rg:AuditFinding ; dcterms:identifier "F-2" ; dcterms:title "b" ; rg:status rg:Open ;
    rg:raisedInAudit :AUD-1 .
:F-3 a rg:AuditFinding ; dcterms:identifier "F-3" ; dcterms:title "c" ; rg:status rg:Closed ;
    rg:raisedInAudit :AUD-1 .
:F-4 a rg:Nonconformity ; dcterms:identifier "F-4" ; dcterms:title "d" ; rg:status rg:Open ;
    rg:raisedInAudit :AUD-2 .
:F-5 a rg:AuditFinding ; dcterms:identifier "F-5" ; dcterms:title "e" ; rg:status rg:Closed ;
    rg:raisedInAudit :AUD-3 .
:CA-2 a rg:CorrectiveAction ; dcterms:identifier "CA-2" ; dcterms:title "Fix F-1" ;
    rg:correctiveActionFor :F-1 ; rg:status rg:Open .
"""


@pytest.fixture
def incidents(empty_register: Store) -> Store:
    empty_register.apply(ChangeSet(add=turtle_quads(INCIDENTS_TTL, REGISTER_GRAPH)))
    return empty_register


def test_risks_realised_with_untested_or_failed_controls(incidents: Store, rows, gap) -> None:
    query = builtin_queries()["risks-realised-with-untested-controls"]
    answer = rows(incidents, query)

    # C-3 mitigates it and INC-2 involved C-5; R-3: INC-2 involved C-5 (C-4 passed).
    assert [
        (
            r["id"],
            r["incidents"],
            r["last_occurred"],
            r["controls_never_tested"],
            r["controls_last_failed"],
        )
        for r in answer
    ] == [
        ("R-1", "1", "2025-05-01", "0", "1"),
        ("R-2", "1", "2025-05-02", "2", "0"),
        ("R-3", "1", "2025-05-02", "1", "0"),
    ]
    assert gap(incidents, query.name, {"system": "SYS-1"}) == ["R-1"]
    assert gap(incidents, query.name, {"system": "SYS-2"}) == ["R-2", "R-3"]


def test_a_passing_retest_closes_the_gap(incidents: Store, gap) -> None:
    extra = """
    @prefix rg: <https://w3id.org/riskgraph#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    @prefix : <https://riskgraph.example/register/> .
    :CT-9 a rg:ControlTest ; dcterms:identifier "CT-9" ; dcterms:title "retest" ;
        rg:testedControl :C-1 ; rg:testedOn "2025-05-20"^^xsd:date ; rg:testResult rg:TestPassed .
    """
    incidents.apply(ChangeSet(add=turtle_quads(extra, REGISTER_GRAPH)))
    assert gap(incidents, "risks-realised-with-untested-controls", {"system": "SYS-1"}) == []


def test_nonconformity_incidents_without_corrective_action(incidents: Store, rows, gap) -> None:
    name = "nonconformity-incidents-without-corrective-action"
    answer = rows(incidents, builtin_queries()[name])
    # INC-2 has CA-1; INC-3 is closed; INC-4 is not a nonconformity.
    assert [(r["id"], r["occurred_on"], r["severity"]) for r in answer] == [
        ("INC-1", "2025-05-01", "serious")
    ]
    assert gap(incidents, name, {"system": "SYS-2"}) == []
    assert gap(incidents, name, {"system": "SYS-1"}) == ["INC-1"]


def test_audits_with_open_findings(incidents: Store, rows) -> None:
    answer = rows(incidents, builtin_queries()["audits-with-open-findings"])
    # AUD-3's only finding is closed.
    assert [
        (
            r["id"],
            r["audit_kind"],
            r["open_findings"],
            r["open_nonconformities"],
            r["without_action"],
        )
        for r in answer
    ] == [
        ("AUD-1", "internal", "2", "1", "1"),
        ("AUD-2", "certification", "1", "1", "1"),
    ]
