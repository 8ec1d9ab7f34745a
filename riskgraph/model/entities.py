"""Domain models for everything in a register. ``model/rdf.py`` maps them to and from RDF."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from riskgraph.model.ai_act import (
    AIACT,
    AIRO_FACTS,
    AIActCategory,
    AIActLevel,
    AIActRole,
    vair_terms,
)
from riskgraph.model.fields import (
    SORTED,
    CatalogueRef,
    CatalogueSet,
    ConceptEnum,
    EntityId,
    IdSet,
    Rdf,
    RefSet,
    TermSet,
)
from riskgraph.scoring import MATRIX_NAMES, Level, current_level, matrix
from riskgraph.vocab import AIRO, DCTERMS, PROV, RG


class ControlStatus(ConceptEnum):
    PLANNED = "planned"
    IMPLEMENTED = "implemented"
    VERIFIED = "verified"
    RETIRED = "retired"


class TreatmentStatus(ConceptEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class TreatmentOption(ConceptEnum):
    MITIGATE = "mitigate"
    AVOID = "avoid"
    TRANSFER = "transfer"
    ACCEPT = "accept"


class FindingStatus(ConceptEnum):
    OPEN = "open"
    CLOSED = "closed"


class ReviewOutcome(ConceptEnum):
    CONFIRMED = "confirmed"
    UPDATED = "updated"
    ESCALATED = "escalated"


class ControlTestResult(ConceptEnum):
    PASSED = "passed"
    FAILED = "failed"
    INCONCLUSIVE = "inconclusive"


class IncidentSeverity(ConceptEnum):
    MINOR = "minor"
    MODERATE = "moderate"
    SERIOUS = "serious"
    CRITICAL = "critical"


class AuditKind(ConceptEnum):
    INTERNAL = "internal"
    CERTIFICATION = "certification"
    SURVEILLANCE = "surveillance"


class DraftStatus(ConceptEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


LIFECYCLE_STAGES = ("design", "development", "verification", "deployment", "operation", "retired")
GRADES = ("major", "minor", "observation")

Title = Annotated[str, Field(min_length=1, max_length=500)]
Interval = Annotated[int, Field(ge=1, le=3660)]
"""Days between two reviews or two tests (at most about ten years)."""


class Entity(BaseModel):
    """Something in the register with an ID and a title."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_assignment=True)

    kind: ClassVar[str]
    """Name used on the command line and in files, e.g. 'risk'."""
    plural: ClassVar[str]
    rdf_type: ClassVar[str]
    id_prefix: ClassVar[str]
    """Suggested ID prefix for new entities, e.g. 'R-'."""

    id: Annotated[EntityId, Rdf(DCTERMS + "identifier")]
    title: Annotated[Title, Rdf(DCTERMS + "title")]
    description: Annotated[str | None, Rdf(DCTERMS + "description")] = None

    def rdf_types(self) -> list[str]:
        return [self.rdf_type]

    def derived_links(self) -> list[tuple[str, str]]:
        """(predicate, IRI) pairs computed from the fields rather than entered."""
        return []


class AISystem(Entity):
    kind = "system"
    plural = "systems"
    rdf_type = RG + "AISystem"
    id_prefix = "SYS-"

    purpose: Annotated[str | None, Rdf(RG + "purpose")] = None
    domain: Annotated[str | None, Rdf(RG + "domain")] = None
    lifecycle_stage: Annotated[str | None, Rdf(RG + "lifecycleStage")] = None
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None
    depends_on: Annotated[IdSet, Rdf(RG + "dependsOn", "ref")] = Field(default_factory=list)
    stakeholders: Annotated[IdSet, Rdf(RG + "hasStakeholder", "ref")] = Field(default_factory=list)
    review_due: Annotated[date | None, Rdf(RG + "reviewDue", "date")] = None
    last_reviewed: Annotated[date | None, Rdf(RG + "lastReviewed", "date")] = None
    review_interval: Annotated[Interval | None, Rdf(RG + "reviewInterval", "integer")] = None
    # ---- EU AI Act classification (docs/eu-ai-act.md) ----
    ai_act_level: Annotated[AIActLevel | None, Rdf(AIACT + "hasRiskLevel", "concept")] = None
    ai_act_roles: Annotated[list[AIActRole], Rdf(RG + "aiActRole", "concept"), SORTED] = Field(
        default_factory=list
    )
    ai_act_categories: Annotated[
        list[AIActCategory], Rdf(RG + "aiActCategory", "concept"), SORTED
    ] = Field(default_factory=list)
    ai_act_rationale: Annotated[str | None, Rdf(RG + "aiActRationale")] = None
    ai_act_classified_by: Annotated[EntityId | None, Rdf(RG + "aiActClassifiedBy", "ref")] = None
    ai_act_classified_on: Annotated[date | None, Rdf(RG + "aiActClassifiedOn", "date")] = None
    ai_act_draft: Annotated[str | None, Rdf(RG + "aiActClassificationDraft", "iri")] = None
    """IRI of the assistant classification draft this classification was accepted from."""
    ai_purposes: Annotated[TermSet, Rdf(AIRO + "hasPurpose", "vair")] = Field(default_factory=list)
    ai_capabilities: Annotated[TermSet, Rdf(AIRO + "hasCapability", "vair")] = Field(
        default_factory=list
    )
    ai_subjects: Annotated[TermSet, Rdf(AIRO + "hasAISubject", "vair")] = Field(
        default_factory=list
    )
    ai_domains: Annotated[TermSet, Rdf(AIRO + "isAppliedWithinDomain", "vair")] = Field(
        default_factory=list
    )
    ai_deployers: Annotated[TermSet, Rdf(AIRO + "isDeployedBy", "vair")] = Field(
        default_factory=list
    )
    public: Annotated[bool | None, Rdf(RG + "public", "boolean")] = None
    """True: the trust report may publish this entity (its allow-listed fields)."""

    @model_validator(mode="after")
    def _stage_known(self) -> AISystem:
        if self.lifecycle_stage is not None and self.lifecycle_stage not in LIFECYCLE_STAGES:
            raise ValueError(
                f"lifecycle_stage must be one of {', '.join(LIFECYCLE_STAGES)}, "
                f"not {self.lifecycle_stage!r}"
            )
        self._ai_act_consistent()
        for name, root in AIRO_FACTS.items():
            known = vair_terms(root)
            for value in getattr(self, name):
                if value not in known:
                    kind = root.rsplit("#", 1)[-1]
                    raise ValueError(
                        f"{name}: {value!r} is not a VAIR term under airo:{kind} "
                        f"(e.g. {', '.join(known[:3])})"
                    )
        return self

    def _ai_act_consistent(self) -> None:
        level = self.ai_act_level
        if level in (AIActLevel.HIGH, AIActLevel.PROHIBITED) and not self.ai_act_categories:
            raise ValueError(
                f"ai_act_categories: a {level.value} EU AI Act risk level needs the Annex III "
                "point or Article it relies on (e.g. annex-iii-5-b, art-6-1, art-5-1-a)"
            )
        for category in self.ai_act_categories:
            if level is not None and category.level is not level:
                raise ValueError(
                    f"ai_act_categories: {category.value} ({category.label}) makes a system "
                    f"{category.level.value}, not {level.value}"
                )


COMPONENT_TYPES = {
    "model": RG + "Model",
    "dataset": RG + "Dataset",
    "service": RG + "ThirdPartyService",
}


class Component(Entity):
    kind = "component"
    plural = "components"
    rdf_type = RG + "Component"
    id_prefix = "CMP-"

    component_type: str = "model"
    """model, dataset or service; stored as the rdf:type (rg:Model, rg:Dataset, ...)."""
    version: Annotated[str | None, Rdf(RG + "version")] = None
    provided_by: Annotated[EntityId | None, Rdf(RG + "providedBy", "ref")] = None
    depends_on: Annotated[IdSet, Rdf(RG + "dependsOn", "ref")] = Field(default_factory=list)
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None

    @model_validator(mode="after")
    def _type_known(self) -> Component:
        if self.component_type not in COMPONENT_TYPES:
            raise ValueError(
                f"component_type must be one of {', '.join(COMPONENT_TYPES)}, "
                f"not {self.component_type!r}"
            )
        return self

    def rdf_types(self) -> list[str]:
        return [COMPONENT_TYPES[self.component_type]]


class Supplier(Entity):
    kind = "supplier"
    plural = "suppliers"
    rdf_type = RG + "Supplier"
    id_prefix = "SUP-"

    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None
    """The person who manages the relationship (A.10.3)."""
    public: Annotated[bool | None, Rdf(RG + "public", "boolean")] = None
    """True: the trust report may publish this entity (its allow-listed fields)."""


class Person(Entity):
    kind = "person"
    plural = "people"
    rdf_type = RG + "Person"
    id_prefix = "P-"

    email: Annotated[str | None, Rdf(RG + "email")] = None
    roles: Annotated[IdSet, Rdf(RG + "hasRole", "ref")] = Field(default_factory=list)
    member_of: Annotated[EntityId | None, Rdf(RG + "memberOf", "ref")] = None
    public: Annotated[bool | None, Rdf(RG + "public", "boolean")] = None
    """True: the trust report may publish this entity (its allow-listed fields)."""


class Organisation(Entity):
    kind = "organisation"
    plural = "organisations"
    rdf_type = RG + "Organisation"
    id_prefix = "ORG-"


class Role(Entity):
    kind = "role"
    plural = "roles"
    rdf_type = RG + "Role"
    id_prefix = "ROLE-"


class Stakeholder(Entity):
    kind = "stakeholder"
    plural = "stakeholders"
    rdf_type = RG + "Stakeholder"
    id_prefix = "STK-"


class RiskSource(Entity):
    kind = "source"
    plural = "sources"
    rdf_type = RG + "RiskSource"
    id_prefix = "RS-"


class Consequence(Entity):
    kind = "consequence"
    plural = "consequences"
    rdf_type = RG + "Consequence"
    id_prefix = "CQ-"

    stakeholders: Annotated[IdSet, Rdf(RG + "affectsStakeholder", "ref")] = Field(
        default_factory=list
    )


Score = Annotated[int, Field(ge=1, le=7)]
CATALOGUE_RISK = RG + "CatalogueRisk"


class Risk(Entity):
    kind = "risk"
    plural = "risks"
    rdf_type = RG + "Risk"
    id_prefix = "R-"

    affects: Annotated[IdSet, Rdf(RG + "affects", "ref")] = Field(default_factory=list)
    sources: Annotated[RefSet, Rdf(RG + "hasRiskSource", "either")] = Field(default_factory=list)
    consequences: Annotated[IdSet, Rdf(RG + "hasConsequence", "ref")] = Field(default_factory=list)
    stakeholders: Annotated[IdSet, Rdf(RG + "affectsStakeholder", "ref")] = Field(
        default_factory=list
    )
    matrix: str = "5x5"
    """3x3, 5x5 or 7x7; stored as rg:riskMatrix (the DPV matrix)."""
    likelihood: Annotated[Score, Rdf(RG + "likelihood", "integer")]
    severity: Annotated[Score, Rdf(RG + "severity", "integer")]
    residual_likelihood: Annotated[Score | None, Rdf(RG + "residualLikelihood", "integer")] = None
    residual_severity: Annotated[Score | None, Rdf(RG + "residualSeverity", "integer")] = None
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None
    category: Annotated[str | None, Rdf(RG + "category")] = None
    review_due: Annotated[date | None, Rdf(RG + "reviewDue", "date")] = None
    last_reviewed: Annotated[date | None, Rdf(RG + "lastReviewed", "date")] = None
    review_interval: Annotated[Interval | None, Rdf(RG + "reviewInterval", "integer")] = None
    catalogue_entry: bool = False
    """A risk from a library (e.g. the MIT AI Risk Repository), not yet adopted: it need not
    affect an AI system. Stored as the extra class rg:CatalogueRisk."""

    @model_validator(mode="after")
    def _scores_on_matrix(self) -> Risk:
        if self.matrix not in MATRIX_NAMES:
            raise ValueError(
                f"matrix must be one of {', '.join(MATRIX_NAMES)}, not {self.matrix!r}"
            )
        size = matrix(self.matrix).size
        for name in ("likelihood", "severity", "residual_likelihood", "residual_severity"):
            value = getattr(self, name)
            if value is not None and value > size:
                raise ValueError(
                    f"{name} must be from 1 to {size} on the {self.matrix} matrix, not {value}"
                )
        if (self.residual_likelihood is None) != (self.residual_severity is None):
            raise ValueError("give both residual_likelihood and residual_severity, or neither")
        return self

    @property
    def inherent_level(self) -> Level:
        return matrix(self.matrix).level(self.likelihood, self.severity)

    @property
    def residual_level(self) -> Level | None:
        if self.residual_likelihood is None or self.residual_severity is None:
            return None
        return matrix(self.matrix).level(self.residual_likelihood, self.residual_severity)

    def rdf_types(self) -> list[str]:
        return [self.rdf_type, CATALOGUE_RISK] if self.catalogue_entry else [self.rdf_type]

    def derived_links(self) -> list[tuple[str, str]]:
        """Links computed from the scores: the matrix and the levels read off it."""
        links = [
            (RG + "riskMatrix", matrix(self.matrix).iri),
            (RG + "inherentLevel", self.inherent_level.iri),
        ]
        if (residual := self.residual_level) is not None:
            links.append((RG + "residualLevel", residual.iri))
        return links

    @property
    def current_level(self) -> Level:
        """Residual level when scored, else inherent."""
        return current_level(self.inherent_level, self.residual_level)


class Control(Entity):
    kind = "control"
    plural = "controls"
    rdf_type = RG + "Control"
    id_prefix = "C-"

    mitigates: Annotated[IdSet, Rdf(RG + "mitigates", "ref")] = Field(default_factory=list)
    addresses: Annotated[CatalogueSet, Rdf(RG + "addresses", "catalogue")] = Field(
        default_factory=list
    )
    status: Annotated[ControlStatus, Rdf(RG + "status", "concept")] = ControlStatus.PLANNED
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None
    review_due: Annotated[date | None, Rdf(RG + "reviewDue", "date")] = None
    last_reviewed: Annotated[date | None, Rdf(RG + "lastReviewed", "date")] = None
    review_interval: Annotated[Interval | None, Rdf(RG + "reviewInterval", "integer")] = None
    public: Annotated[bool | None, Rdf(RG + "public", "boolean")] = None
    """True: the trust report may publish this entity (its allow-listed fields)."""


class Treatment(Entity):
    kind = "treatment"
    plural = "treatments"
    rdf_type = RG + "Treatment"
    id_prefix = "T-"

    risk: Annotated[EntityId, Rdf(RG + "treats", "ref")]
    option: Annotated[TreatmentOption, Rdf(RG + "option", "concept")]
    statement: Annotated[str, Rdf(RG + "statement"), Field(min_length=1)]
    status: Annotated[TreatmentStatus, Rdf(RG + "status", "concept")] = TreatmentStatus.DRAFT
    approved_by: Annotated[EntityId | None, Rdf(RG + "approvedBy", "ref")] = None
    approved_on: Annotated[date | None, Rdf(RG + "approvedOn", "date")] = None
    due_date: Annotated[date | None, Rdf(RG + "dueDate", "date")] = None
    review_due: Annotated[date | None, Rdf(RG + "reviewDue", "date")] = None
    last_reviewed: Annotated[date | None, Rdf(RG + "lastReviewed", "date")] = None
    review_interval: Annotated[Interval | None, Rdf(RG + "reviewInterval", "integer")] = None
    uses_controls: Annotated[IdSet, Rdf(RG + "usesControl", "ref")] = Field(default_factory=list)
    reason: Annotated[str | None, Rdf(RG + "reason")] = None
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None
    derived_from: Annotated[str | None, Rdf(PROV + "wasDerivedFrom", "iri")] = None
    """IRI of the LLM draft this treatment was accepted from, if any."""

    @model_validator(mode="after")
    def _approval_complete(self) -> Treatment:
        if self.status is TreatmentStatus.APPROVED and not (self.approved_by and self.approved_on):
            raise ValueError(
                "an approved treatment needs approved_by (the person who approved it) "
                "and approved_on (the date)"
            )
        if self.status is TreatmentStatus.REJECTED and not self.reason:
            raise ValueError("a rejected treatment needs a reason")
        return self


class ImpactAssessment(Entity):
    kind = "assessment"
    plural = "assessments"
    rdf_type = RG + "ImpactAssessment"
    id_prefix = "IA-"

    system: Annotated[EntityId, Rdf(RG + "assesses", "ref")]
    assessor: Annotated[EntityId | None, Rdf(RG + "assessor", "ref")] = None
    assessed_on: Annotated[date | None, Rdf(RG + "assessedOn", "date")] = None
    conclusion: Annotated[str | None, Rdf(RG + "conclusion")] = None
    stakeholders: Annotated[IdSet, Rdf(RG + "affectsStakeholder", "ref")] = Field(
        default_factory=list
    )
    review_due: Annotated[date | None, Rdf(RG + "reviewDue", "date")] = None


class Evidence(Entity):
    kind = "evidence"
    plural = "evidence"
    rdf_type = RG + "Evidence"
    id_prefix = "EV-"

    supports: Annotated[RefSet, Rdf(RG + "supports", "either")] = Field(default_factory=list)
    link: Annotated[str | None, Rdf(RG + "link", "uri")] = None
    issued: Annotated[date | None, Rdf(DCTERMS + "issued", "date")] = None
    expires: Annotated[date | None, Rdf(RG + "expires", "date")] = None
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None


FINDING_TYPES = {"finding": RG + "AuditFinding", "nonconformity": RG + "Nonconformity"}


class Finding(Entity):
    kind = "finding"
    plural = "findings"
    rdf_type = RG + "AuditFinding"
    id_prefix = "F-"

    finding_type: str = "finding"
    """finding or nonconformity; stored as the rdf:type."""
    concerns: Annotated[RefSet, Rdf(RG + "concerns", "either")] = Field(default_factory=list)
    status: Annotated[FindingStatus, Rdf(RG + "status", "concept")] = FindingStatus.OPEN
    grade: Annotated[str | None, Rdf(RG + "grade")] = None
    raised_on: Annotated[date | None, Rdf(RG + "raisedOn", "date")] = None
    raised_by: Annotated[EntityId | None, Rdf(RG + "raisedBy", "ref")] = None
    audit: Annotated[EntityId | None, Rdf(RG + "raisedInAudit", "ref")] = None
    """The audit that raised this finding, if any."""

    @model_validator(mode="after")
    def _known_values(self) -> Finding:
        if self.finding_type not in FINDING_TYPES:
            raise ValueError(f"finding_type must be one of {', '.join(FINDING_TYPES)}")
        if self.grade is not None and self.grade not in GRADES:
            raise ValueError(f"grade must be one of {', '.join(GRADES)}, not {self.grade!r}")
        return self

    def rdf_types(self) -> list[str]:
        return [FINDING_TYPES[self.finding_type]]


class CorrectiveAction(Entity):
    kind = "action"
    plural = "actions"
    rdf_type = RG + "CorrectiveAction"
    id_prefix = "CA-"

    finding: Annotated[EntityId, Rdf(RG + "correctiveActionFor", "ref")]
    """The finding or the incident (a nonconformity) this action corrects."""
    status: Annotated[FindingStatus, Rdf(RG + "status", "concept")] = FindingStatus.OPEN
    due_date: Annotated[date | None, Rdf(RG + "dueDate", "date")] = None
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None


class ApplicabilityStatement(Entity):
    kind = "soa"
    plural = "soa"
    rdf_type = RG + "ApplicabilityStatement"
    id_prefix = "SOA-"

    annex_a: Annotated[CatalogueRef, Rdf(RG + "annexAControl", "catalogue")]
    applicable: Annotated[bool, Rdf(RG + "applicable", "boolean")] = True
    justification: Annotated[str | None, Rdf(RG + "justification")] = None
    decided_by: Annotated[EntityId | None, Rdf(RG + "decidedBy", "ref")] = None
    decided_on: Annotated[date | None, Rdf(RG + "decidedOn", "date")] = None

    @model_validator(mode="after")
    def _justified(self) -> ApplicabilityStatement:
        if not self.annex_a.startswith("A."):
            raise ValueError(
                f"annex_a must be an Annex A control such as A.6.2.4, not {self.annex_a!r}"
            )
        if not self.applicable and not self.justification:
            raise ValueError("a not-applicable Annex A control needs a justification")
        return self


# ---- certification: reviews, risk acceptance, control tests ----


class Review(Entity):
    """A recorded review of a risk, control, treatment or AI system (docs/certification.md)."""

    kind = "review"
    plural = "reviews"
    rdf_type = RG + "Review"
    id_prefix = "REV-"

    item: Annotated[EntityId, Rdf(RG + "reviewOf", "ref")]
    reviewed_by: Annotated[EntityId, Rdf(RG + "reviewedBy", "ref")]
    reviewed_on: Annotated[date, Rdf(RG + "reviewedOn", "date")]
    outcome: Annotated[ReviewOutcome, Rdf(RG + "reviewOutcome", "concept")]
    notes: Annotated[str | None, Rdf(RG + "notes")] = None


class RiskAcceptance(Entity):
    """A signed decision to retain a risk, with a hash of the risk as it stood."""

    kind = "acceptance"
    plural = "acceptances"
    rdf_type = RG + "RiskAcceptance"
    id_prefix = "ACC-"

    risk: Annotated[EntityId, Rdf(RG + "acceptedRisk", "ref")]
    accepted_by: Annotated[EntityId, Rdf(RG + "acceptedBy", "ref")]
    accepted_on: Annotated[date, Rdf(RG + "acceptedOn", "date")]
    justification: Annotated[str, Rdf(RG + "justification"), Field(min_length=1)]
    expires: Annotated[date, Rdf(RG + "acceptanceExpires", "date")]
    treatment: Annotated[EntityId | None, Rdf(RG + "acceptedUnder", "ref")] = None
    risk_hash: Annotated[str | None, Rdf(RG + "riskHash"), Field(pattern=r"^[0-9a-f]{64}$")] = None
    """Filled in by the write pipeline from the risk as it stands when the acceptance is added."""

    @model_validator(mode="after")
    def _expires_after(self) -> RiskAcceptance:
        if self.expires <= self.accepted_on:
            raise ValueError(
                f"expires ({self.expires}) must be after accepted_on ({self.accepted_on})"
            )
        return self


class ControlTestPlan(Entity):
    kind = "testplan"
    plural = "testplans"
    rdf_type = RG + "ControlTestPlan"
    id_prefix = "TP-"

    control: Annotated[EntityId, Rdf(RG + "planFor", "ref")]
    method: Annotated[str, Rdf(RG + "testMethod"), Field(min_length=1)]
    frequency: Annotated[Interval, Rdf(RG + "testFrequency", "integer")]
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None


class ControlTest(Entity):
    """One test of a control. Once ``closed`` the write pipeline refuses to change or remove it;
    a correction is a new record that ``supersedes`` it."""

    kind = "test"
    plural = "tests"
    rdf_type = RG + "ControlTest"
    id_prefix = "CT-"

    control: Annotated[EntityId, Rdf(RG + "testedControl", "ref")]
    tested_on: Annotated[date, Rdf(RG + "testedOn", "date")]
    tester: Annotated[EntityId, Rdf(RG + "tester", "ref")]
    result: Annotated[ControlTestResult, Rdf(RG + "testResult", "concept")]
    evidence: Annotated[IdSet, Rdf(RG + "testEvidence", "ref")] = Field(default_factory=list)
    plan: Annotated[EntityId | None, Rdf(RG + "underPlan", "ref")] = None
    closed: Annotated[bool, Rdf(RG + "recordClosed", "boolean")] = False
    supersedes: Annotated[EntityId | None, Rdf(RG + "supersedes", "ref")] = None
    notes: Annotated[str | None, Rdf(RG + "notes")] = None


# ---- certification: incidents, audits, management review ----


class Incident(Entity):
    """Something that went wrong with an AI system: which risks it realised, which controls were
    involved; a nonconformity (clause 10.2) needs a corrective action (docs/certification.md)."""

    kind = "incident"
    plural = "incidents"
    rdf_type = RG + "Incident"
    id_prefix = "INC-"

    occurred_on: Annotated[date, Rdf(RG + "occurredOn", "date")]
    detected_on: Annotated[date | None, Rdf(RG + "detectedOn", "date")] = None
    systems: Annotated[IdSet, Rdf(RG + "incidentSystem", "ref")] = Field(default_factory=list)
    realised_risks: Annotated[IdSet, Rdf(RG + "realisedRisk", "ref")] = Field(default_factory=list)
    controls: Annotated[IdSet, Rdf(RG + "involvedControl", "ref")] = Field(default_factory=list)
    severity: Annotated[IncidentSeverity | None, Rdf(RG + "incidentSeverity", "concept")] = None
    status: Annotated[FindingStatus, Rdf(RG + "status", "concept")] = FindingStatus.OPEN
    nonconformity: Annotated[bool, Rdf(RG + "isNonconformity", "boolean")] = False
    """Whether the incident is a nonconformity (clause 10.2): it then needs a corrective action."""
    source: Annotated[str | None, Rdf(DCTERMS + "source", "iri")] = None
    """IRI of the record the incident was imported from (e.g. an AI Atlas Nexus incident)."""
    owner: Annotated[EntityId | None, Rdf(RG + "owner", "ref")] = None

    @model_validator(mode="after")
    def _detected_after(self) -> Incident:
        if self.detected_on is not None and self.detected_on < self.occurred_on:
            raise ValueError(
                f"detected_on ({self.detected_on}) must not be before occurred_on "
                f"({self.occurred_on})"
            )
        return self


class Audit(Entity):
    """An internal, certification or surveillance audit (clause 9.2) with its scope."""

    kind = "audit"
    plural = "audits"
    rdf_type = RG + "Audit"
    id_prefix = "AUD-"

    audit_kind: Annotated[AuditKind, Rdf(RG + "auditKind", "concept")]
    starts_on: Annotated[date, Rdf(RG + "auditStart", "date")]
    ends_on: Annotated[date | None, Rdf(RG + "auditEnd", "date")] = None
    scope_clauses: Annotated[CatalogueSet, Rdf(RG + "auditScopeClause", "catalogue")] = Field(
        default_factory=list
    )
    scope_controls: Annotated[CatalogueSet, Rdf(RG + "auditScopeControl", "catalogue")] = Field(
        default_factory=list
    )
    scope_systems: Annotated[IdSet, Rdf(RG + "auditScopeSystem", "ref")] = Field(
        default_factory=list
    )
    auditors: Annotated[IdSet, Rdf(RG + "auditor", "ref")] = Field(default_factory=list)
    certification_body: Annotated[str | None, Rdf(RG + "certificationBody")] = None
    """For certification and surveillance audits: the body that audits."""
    outcome: Annotated[str | None, Rdf(RG + "auditOutcome")] = None

    @model_validator(mode="after")
    def _consistent(self) -> Audit:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError(
                f"ends_on ({self.ends_on}) must not be before starts_on ({self.starts_on})"
            )
        if self.audit_kind is not AuditKind.INTERNAL and not self.certification_body:
            raise ValueError(
                f"a {self.audit_kind.value} audit needs certification_body (the body that audits)"
            )
        return self


class ManagementReview(Entity):
    """A management review (clause 9.3): who attended, what it considered, what it decided."""

    kind = "management-review"
    plural = "management-reviews"
    rdf_type = RG + "ManagementReview"
    id_prefix = "MR-"

    held_on: Annotated[date, Rdf(RG + "heldOn", "date")]
    attendees: Annotated[IdSet, Rdf(RG + "attendee", "ref")] = Field(default_factory=list)
    inputs: Annotated[IdSet, Rdf(RG + "reviewInput", "ref")] = Field(default_factory=list)
    """Audits, incidents, risks and other records the review considered."""
    input_notes: Annotated[str | None, Rdf(RG + "inputNotes")] = None
    """Inputs that are not records of the register (e.g. changes in external issues)."""
    decisions: Annotated[str | None, Rdf(RG + "decisions")] = None
    actions: Annotated[str | None, Rdf(RG + "agreedActions")] = None


ENTITY_TYPES: tuple[type[Entity], ...] = (
    AISystem,
    Component,
    Supplier,
    Person,
    Organisation,
    Role,
    Stakeholder,
    RiskSource,
    Consequence,
    Risk,
    Control,
    Treatment,
    ImpactAssessment,
    Evidence,
    Finding,
    CorrectiveAction,
    ApplicabilityStatement,
    Review,
    RiskAcceptance,
    ControlTestPlan,
    ControlTest,
    Incident,
    Audit,
    ManagementReview,
)
