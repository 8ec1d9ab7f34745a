"""Domain models: validation rules, scoring, and a lossless round trip through RDF."""

from __future__ import annotations

from datetime import date

import pydantic
import pytest

from riskgraph.model.entities import (
    ENTITY_TYPES,
    AISystem,
    ApplicabilityStatement,
    Audit,
    AuditKind,
    Component,
    Consequence,
    Control,
    ControlStatus,
    ControlTest,
    ControlTestPlan,
    ControlTestResult,
    CorrectiveAction,
    Entity,
    Evidence,
    Finding,
    FindingStatus,
    ImpactAssessment,
    Incident,
    IncidentSeverity,
    ManagementReview,
    Organisation,
    Person,
    Review,
    ReviewOutcome,
    Risk,
    RiskAcceptance,
    RiskSource,
    Role,
    Stakeholder,
    Supplier,
    Treatment,
    TreatmentOption,
    TreatmentStatus,
)
from riskgraph.model.rdf import IdResolver, from_properties, group_by_subject, to_quads
from riskgraph.scoring import matrix

BASE = "https://acme.example/register/"
D = date(2026, 3, 1)

SAMPLES: list[Entity] = [
    AISystem(
        id="SYS-A",
        title="Credit scoring",
        description="Scores loan applications",
        purpose="Decide credit limits",
        domain="finance",
        lifecycle_stage="operation",
        owner="P-1",
        depends_on=["MOD-1", "SUP-1"],
        stakeholders=["STK-1"],
        review_due=D,
        last_reviewed=D,
    ),
    Component(
        id="MOD-1",
        title="Scorer",
        component_type="model",
        version="2.1",
        provided_by="SUP-1",
        depends_on=["DS-1"],
        owner="P-1",
    ),
    Component(id="DS-1", title="Loans", component_type="dataset"),
    Component(id="SVC-1", title="Vector store", component_type="service"),
    Supplier(id="SUP-1", title="Model Co", owner="P-1"),
    Person(id="P-1", title="Ada", email="ada@acme.example", roles=["ROLE-1"], member_of="ORG-1"),
    Organisation(id="ORG-1", title="Risk office"),
    Role(id="ROLE-1", title="Risk owner"),
    Stakeholder(id="STK-1", title="Applicants"),
    RiskSource(id="RS-1", title="Stale data"),
    Consequence(id="CQ-1", title="Unfair refusal", stakeholders=["STK-1"]),
    Risk(
        id="R-1",
        title="Bias",
        description="Unfair outcomes",
        affects=["SYS-A"],
        sources=["C.3.4", "RS-1"],
        consequences=["CQ-1"],
        stakeholders=["STK-1"],
        matrix="7x7",
        likelihood=6,
        severity=7,
        residual_likelihood=2,
        residual_severity=5,
        owner="P-1",
        category="fairness",
        review_due=D,
        last_reviewed=D,
    ),
    Control(
        id="C-1",
        title="Fairness testing",
        mitigates=["R-1"],
        addresses=["A.6.2.4", "8.2"],
        status=ControlStatus.VERIFIED,
        owner="P-1",
        review_due=D,
    ),
    Treatment(
        id="T-1",
        title="Test for bias",
        risk="R-1",
        option=TreatmentOption.MITIGATE,
        statement="Run fairness tests before each release.",
        status=TreatmentStatus.APPROVED,
        approved_by="P-1",
        approved_on=D,
        due_date=D,
        review_due=D,
        uses_controls=["C-1"],
        owner="P-1",
        derived_from="https://acme.example/register/draft/D-1",
    ),
    Treatment(
        id="T-2",
        title="Drop it",
        risk="R-1",
        option=TreatmentOption.AVOID,
        statement="Stop.",
        status=TreatmentStatus.REJECTED,
        reason="Too costly",
    ),
    ImpactAssessment(
        id="IA-1",
        title="Credit IA",
        system="SYS-A",
        assessor="P-1",
        assessed_on=D,
        conclusion="Acceptable with controls",
        stakeholders=["STK-1"],
        review_due=D,
    ),
    Evidence(
        id="EV-1",
        title="Test report",
        supports=["C-1", "9.2"],
        link="https://docs.example/r.pdf",
        issued=D,
        expires=date(2027, 3, 1),
        owner="P-1",
    ),
    Finding(
        id="F-1",
        title="No review",
        finding_type="nonconformity",
        concerns=["A.5.2", "SYS-A"],
        status=FindingStatus.OPEN,
        grade="minor",
        raised_on=D,
        raised_by="P-1",
    ),
    CorrectiveAction(id="CA-1", title="Schedule reviews", finding="F-1", due_date=D, owner="P-1"),
    ApplicabilityStatement(
        id="SOA-A.10.4",
        title="Customers",
        annex_a="A.10.4",
        applicable=False,
        justification="No external customers use our AI systems",
        decided_by="P-1",
        decided_on=D,
    ),
    Review(
        id="REV-1",
        title="Annual review",
        item="R-1",
        reviewed_by="P-1",
        reviewed_on=D,
        outcome=ReviewOutcome.ESCALATED,
        notes="Needs a board decision",
    ),
    RiskAcceptance(
        id="ACC-1",
        title="Accept",
        risk="R-1",
        accepted_by="P-1",
        accepted_on=D,
        justification="Within tolerance",
        expires=date(2027, 3, 1),
        treatment="T-1",
        risk_hash="ab" * 32,
    ),
    ControlTestPlan(
        id="TP-1", title="Plan", control="C-1", method="Sampling", frequency=90, owner="P-1"
    ),
    ControlTest(
        id="CT-2",
        title="Retest",
        control="C-1",
        tested_on=D,
        tester="P-1",
        result=ControlTestResult.INCONCLUSIVE,
        evidence=["EV-1"],
        plan="TP-1",
        closed=True,
        supersedes="CT-1",
        notes="Sample too small",
    ),
    Incident(
        id="INC-1",
        title="Unequal refusals",
        occurred_on=D,
        detected_on=D,
        systems=["SYS-1"],
        realised_risks=["R-1"],
        controls=["C-1"],
        severity=IncidentSeverity.SERIOUS,
        status=FindingStatus.CLOSED,
        nonconformity=True,
        source="https://example.org/incidents/1",
        owner="P-1",
    ),
    Audit(
        id="AUD-1",
        title="Surveillance audit",
        audit_kind=AuditKind.SURVEILLANCE,
        starts_on=D,
        ends_on=D,
        scope_clauses=["9.2", "6.1.3"],
        scope_controls=["A.6.2.4"],
        scope_systems=["SYS-1"],
        auditors=["P-1"],
        certification_body="Example Certification Ltd",
        outcome="Certificate maintained",
    ),
    ManagementReview(
        id="MR-1",
        title="Management review",
        held_on=D,
        attendees=["P-1", "P-2"],
        inputs=["AUD-1", "INC-1"],
        input_notes="New supplier",
        decisions="Fund retraining",
        actions="P-2 to plan retraining by June",
    ),
]


@pytest.mark.parametrize(
    ("cls", "data", "message"),
    [
        (Incident, {"occurred_on": D, "detected_on": date(2024, 1, 1)}, "must not be before"),
        (Audit, {"audit_kind": "certification", "starts_on": D}, "certification_body"),
        (Audit, {"audit_kind": "internal", "starts_on": D, "ends_on": date(2024, 1, 1)}, "ends_on"),
        (Audit, {"audit_kind": "external", "starts_on": D}, "audit_kind"),
    ],
)
def test_incident_and_audit_rules(cls: type[Entity], data: dict, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        cls(id="X-1", title="x", **data)


def test_samples_cover_every_entity_type() -> None:
    assert {type(e) for e in SAMPLES} == set(ENTITY_TYPES)


@pytest.mark.parametrize("entity", SAMPLES, ids=lambda e: e.id)
def test_round_trip_through_rdf(entity: Entity) -> None:
    quads = to_quads(entity, BASE)
    props = group_by_subject((q.subject, q.predicate, q.object) for q in quads)
    again = from_properties(type(entity), props[BASE + entity.id], IdResolver(BASE))
    assert again == entity


def test_risk_levels_come_from_the_matrix() -> None:
    risk = SAMPLES[11]
    assert isinstance(risk, Risk)
    assert risk.inherent_level == matrix("7x7").level(6, 7)
    assert risk.inherent_level.name == "extremely-high"
    assert risk.residual_level is not None and risk.residual_level.rank < risk.inherent_level.rank


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"likelihood": 6, "severity": 1}, "from 1 to 5"),
        ({"likelihood": 1, "severity": 1, "matrix": "4x4"}, "matrix must be one of"),
        ({"likelihood": 1, "severity": 1, "residual_likelihood": 1}, "give both"),
        ({"likelihood": 0, "severity": 1}, "greater than or equal to 1"),
    ],
)
def test_risk_scores_are_checked(data: dict, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        Risk(id="R-9", title="x", **data)


def test_approved_treatment_needs_a_named_approver() -> None:
    with pytest.raises(pydantic.ValidationError, match="approved_by"):
        Treatment(
            id="T-9",
            title="x",
            risk="R-1",
            option=TreatmentOption.ACCEPT,
            statement="ok",
            status=TreatmentStatus.APPROVED,
        )


def test_not_applicable_needs_justification() -> None:
    with pytest.raises(pydantic.ValidationError, match="justification"):
        ApplicabilityStatement(id="SOA-1", title="x", annex_a="A.2.2", applicable=False)


@pytest.mark.parametrize("bad_id", ["1abc", "A.6.2.4", "has space", "", "x" * 81])
def test_ids_are_checked(bad_id: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        Role(id=bad_id, title="x")
