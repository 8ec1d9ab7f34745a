"""The vocabulary the generator writes, as N-Triples terms (ontology/riskgraph.ttl)."""

from __future__ import annotations

from riskgraph.vocab import DCTERMS, ISO42001, RDF, RG, RISK

from .ntriples import iri

TYPE = iri(RDF + "type")
IDENTIFIER = iri(DCTERMS + "identifier")
TITLE = iri(DCTERMS + "title")
DESCRIPTION = iri(DCTERMS + "description")
ISSUED = iri(DCTERMS + "issued")


def rg(local: str) -> str:
    return iri(RG + local)


def iso42001(notation: str) -> str:
    """A catalogue item of ontology/iso42001.ttl by its notation, e.g. ``A.6.2.4``."""
    return iri(ISO42001 + notation)


RISK_MATRIX_5X5 = iri(RISK + "RiskMatrix5x5")

# Classes
AI_SYSTEM = rg("AISystem")
MODEL = rg("Model")
DATASET = rg("Dataset")
SERVICE = rg("ThirdPartyService")
SUPPLIER = rg("Supplier")
PERSON = rg("Person")
ORGANISATION = rg("Organisation")
ROLE = rg("Role")
STAKEHOLDER = rg("Stakeholder")
RISK_CLASS = rg("Risk")
RISK_SOURCE = rg("RiskSource")
CONSEQUENCE = rg("Consequence")
CONTROL = rg("Control")
TREATMENT = rg("Treatment")
IMPACT_ASSESSMENT = rg("ImpactAssessment")
EVIDENCE = rg("Evidence")
AUDIT_FINDING = rg("AuditFinding")
NONCONFORMITY = rg("Nonconformity")
CORRECTIVE_ACTION = rg("CorrectiveAction")
APPLICABILITY_STATEMENT = rg("ApplicabilityStatement")

# Object properties
OWNER = rg("owner")
HAS_ROLE = rg("hasRole")
MEMBER_OF = rg("memberOf")
DEPENDS_ON = rg("dependsOn")
PROVIDED_BY = rg("providedBy")
HAS_STAKEHOLDER = rg("hasStakeholder")
AFFECTS = rg("affects")
HAS_RISK_SOURCE = rg("hasRiskSource")
HAS_CONSEQUENCE = rg("hasConsequence")
AFFECTS_STAKEHOLDER = rg("affectsStakeholder")
RISK_MATRIX = rg("riskMatrix")
INHERENT_LEVEL = rg("inherentLevel")
RESIDUAL_LEVEL = rg("residualLevel")
MITIGATES = rg("mitigates")
ADDRESSES = rg("addresses")
STATUS = rg("status")
TREATS = rg("treats")
OPTION = rg("option")
USES_CONTROL = rg("usesControl")
APPROVED_BY = rg("approvedBy")
ASSESSES = rg("assesses")
ASSESSOR = rg("assessor")
SUPPORTS = rg("supports")
CONCERNS = rg("concerns")
RAISED_BY = rg("raisedBy")
CORRECTIVE_ACTION_FOR = rg("correctiveActionFor")
ANNEX_A_CONTROL = rg("annexAControl")
DECIDED_BY = rg("decidedBy")

# Datatype properties
PURPOSE = rg("purpose")
DOMAIN = rg("domain")
LIFECYCLE_STAGE = rg("lifecycleStage")
VERSION = rg("version")
EMAIL = rg("email")
CATEGORY = rg("category")
LIKELIHOOD = rg("likelihood")
SEVERITY = rg("severity")
RESIDUAL_LIKELIHOOD = rg("residualLikelihood")
RESIDUAL_SEVERITY = rg("residualSeverity")
STATEMENT = rg("statement")
REASON = rg("reason")
CONCLUSION = rg("conclusion")
JUSTIFICATION = rg("justification")
APPLICABLE = rg("applicable")
GRADE = rg("grade")
LINK = rg("link")
APPROVED_ON = rg("approvedOn")
DECIDED_ON = rg("decidedOn")
ASSESSED_ON = rg("assessedOn")
RAISED_ON = rg("raisedOn")
DUE_DATE = rg("dueDate")
REVIEW_DUE = rg("reviewDue")
EXPIRES = rg("expires")

# Value sets
PLANNED, IMPLEMENTED, VERIFIED, RETIRED = (
    rg(s) for s in ("Planned", "Implemented", "Verified", "Retired")
)
DRAFT, PROPOSED, APPROVED, REJECTED = (rg(s) for s in ("Draft", "Proposed", "Approved", "Rejected"))
OPEN, CLOSED = rg("Open"), rg("Closed")
MITIGATE, AVOID, TRANSFER, ACCEPT = (rg(s) for s in ("Mitigate", "Avoid", "Transfer", "Accept"))
