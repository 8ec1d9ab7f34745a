"""Shared by the import/export tests: sample entities, registers and their content."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from riskgraph.config import RegisterConfig
from riskgraph.model.entities import (
    AISystem,
    ApplicabilityStatement,
    Component,
    Consequence,
    Control,
    ControlStatus,
    CorrectiveAction,
    Entity,
    Evidence,
    Finding,
    FindingStatus,
    ImpactAssessment,
    Organisation,
    Person,
    Risk,
    RiskSource,
    Role,
    Stakeholder,
    Supplier,
    Treatment,
    TreatmentOption,
    TreatmentStatus,
)
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.store.base import commit
from riskgraph.vocab import REGISTER_GRAPH

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MAPPINGS = REPO / "examples" / "mappings"
REFERENCE = Path(os.environ.get("RISKGRAPH_REFERENCE", REPO.parent / "shared" / "reference"))
BASE = "https://acme.example/register/"

D1, D2 = date(2026, 3, 31), date(2027, 1, 15)


def every_kind() -> list[Entity]:
    """One or two entities of every kind, every field set, with text that is hard to carry:
    commas, quotes, semicolons, new lines, non-ASCII and a leading '='."""
    return [
        Organisation(id="ORG-1", title="Acme, Inc.", description="Parent company"),
        Role(id="ROLE-OWNER", title="Risk owner"),
        Person(
            id="P-1",
            title="Zoë O'Brien",
            email="zoe@acme.example",
            roles=["ROLE-OWNER"],
            member_of="ORG-1",
        ),
        Person(id="P-2", title='=Hyperlink("x")', description="Line one\nline two; three"),
        Stakeholder(id="STK-1", title="Loan applicants"),
        Supplier(id="SUP-1", title="ModelWorks", owner="P-1"),
        Component(
            id="CMP-1",
            title="Scoring model",
            component_type="model",
            version="2.1",
            provided_by="SUP-1",
            owner="P-1",
        ),
        Component(
            id="CMP-2", title="Training data", component_type="dataset", depends_on=["CMP-1"]
        ),
        AISystem(
            id="SYS-1",
            title="Credit scoring",
            description='Scores "thin file" applicants',
            purpose="Decide loans",
            domain="finance",
            lifecycle_stage="operation",
            owner="P-1",
            depends_on=["CMP-1", "CMP-2"],
            stakeholders=["STK-1"],
            review_due=D2,
            last_reviewed=D1,
        ),
        RiskSource(id="RS-1", title="Historical bias"),
        Consequence(id="CQ-1", title="Unfair refusal", stakeholders=["STK-1"]),
        Risk(
            id="R-1",
            title="Biased decisions",
            description="Proxy features; postcode",
            affects=["SYS-1"],
            sources=["C.3.4", "RS-1"],
            consequences=["CQ-1"],
            stakeholders=["STK-1"],
            matrix="5x5",
            likelihood=4,
            severity=5,
            residual_likelihood=2,
            residual_severity=4,
            owner="P-1",
            category="fairness",
            review_due=D2,
            last_reviewed=D1,
        ),
        Risk(id="R-2", title="Drift", matrix="3x3", likelihood=1, severity=3, affects=["SYS-1"]),
        Control(
            id="C-1",
            title="Fairness testing",
            mitigates=["R-1"],
            addresses=["A.6.2.4", "6.1.3"],
            status=ControlStatus.IMPLEMENTED,
            owner="P-1",
            review_due=D2,
        ),
        Treatment(
            id="T-1",
            title="Test before release",
            risk="R-1",
            option=TreatmentOption.MITIGATE,
            statement="Run fairness tests",
            status=TreatmentStatus.APPROVED,
            approved_by="P-1",
            approved_on=D1,
            due_date=D2,
            review_due=D2,
            uses_controls=["C-1"],
            owner="P-1",
        ),
        Treatment(
            id="T-2",
            title="Accept",
            risk="R-2",
            option=TreatmentOption.ACCEPT,
            statement="Live with it",
            status=TreatmentStatus.REJECTED,
            reason="Too risky",
        ),
        ImpactAssessment(
            id="IA-1",
            title="Credit AIIA",
            system="SYS-1",
            assessor="P-1",
            assessed_on=D1,
            conclusion="Acceptable with controls",
            stakeholders=["STK-1"],
            review_due=D2,
        ),
        Evidence(
            id="EV-1",
            title="Test report",
            supports=["C-1", "A.6.2.4"],
            link="https://acme.example/reports/1",
            issued=D1,
            expires=D2,
            owner="P-1",
        ),
        Finding(
            id="F-1",
            title="No test log",
            finding_type="nonconformity",
            concerns=["C-1"],
            status=FindingStatus.CLOSED,
            grade="minor",
            raised_on=D1,
            raised_by="P-1",
        ),
        CorrectiveAction(id="CA-1", title="Keep logs", finding="F-1", due_date=D2, owner="P-1"),
        ApplicabilityStatement(
            id="SOA-1",
            title="A.6.2.4 applies",
            annex_a="A.6.2.4",
            applicable=True,
            justification="We build models",
            decided_by="P-1",
            decided_on=D1,
        ),
        ApplicabilityStatement(
            id="SOA-2",
            title="A.10.4 does not apply",
            annex_a="A.10.4",
            applicable=False,
            justification="No customers outside",
            decided_by="P-1",
        ),
    ]


def fill(register: Register, entities: list[Entity]) -> None:
    with register.writer() as store:
        commit(store, Repository(store, register.base_iri).plan_upsert(entities).changes)


def config(base: str = BASE) -> RegisterConfig:
    settings = RegisterConfig()
    settings.general.base_iri = base
    return settings


def content(register: Register) -> set[ox.Quad]:
    """Every quad of every graph (ontology, catalogue, register, meta)."""
    with register.reader() as store:
        return set(store.quads())


def register_graph(register: Register) -> set[ox.Quad]:
    with register.reader() as store:
        return set(store.quads(REGISTER_GRAPH))
