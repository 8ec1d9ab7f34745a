"""Word lists the synthetic register is made of. All names are invented for this generator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    """An application domain: what its systems work on and who they touch."""

    name: str
    unit: str
    subjects: tuple[str, ...]
    stakeholders: tuple[str, ...]


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "credit",
        "Retail lending",
        ("loan applications", "credit limits", "affordability checks"),
        ("Loan applicants", "Customers", "Vulnerable customers"),
    ),
    Domain(
        "insurance",
        "Claims",
        ("claims", "policy pricing", "underwriting files"),
        ("Policyholders", "Claimants", "Customers"),
    ),
    Domain(
        "health",
        "Clinical operations",
        ("patient referrals", "radiology images", "discharge notes"),
        ("Patients", "Clinicians", "Carers"),
    ),
    Domain(
        "recruitment",
        "Talent acquisition",
        ("job applications", "interview notes", "candidate shortlists"),
        ("Job candidates", "Hiring managers", "Employees"),
    ),
    Domain(
        "customer service",
        "Customer care",
        ("support tickets", "chat conversations", "complaints"),
        ("Customers", "Call-centre agents", "Vulnerable customers"),
    ),
    Domain(
        "fraud detection",
        "Financial crime",
        ("card transactions", "account openings", "expense claims"),
        ("Customers", "Merchants", "Investigators"),
    ),
    Domain(
        "marketing",
        "Marketing",
        ("campaign audiences", "product recommendations", "ad copy"),
        ("Customers", "Children", "Marketing staff"),
    ),
    Domain(
        "public services",
        "Public services",
        ("benefit claims", "permit requests", "citizen enquiries"),
        ("Citizens", "Benefit claimants", "Caseworkers"),
    ),
    Domain(
        "education",
        "Learning",
        ("essay marking", "course recommendations", "attendance records"),
        ("Students", "Teachers", "Parents"),
    ),
    Domain(
        "logistics",
        "Supply chain",
        ("delivery routes", "warehouse demand", "fleet maintenance"),
        ("Drivers", "Warehouse staff", "Customers"),
    ),
    Domain(
        "legal",
        "Legal",
        ("contracts", "case law research", "regulatory filings"),
        ("Clients", "Lawyers", "Counterparties"),
    ),
    Domain(
        "human resources",
        "People",
        ("employee surveys", "performance reviews", "shift schedules"),
        ("Employees", "Managers", "Works council"),
    ),
    Domain(
        "manufacturing",
        "Operations",
        ("quality inspections", "machine sensor data", "production plans"),
        ("Plant operators", "End customers", "Maintenance staff"),
    ),
    Domain(
        "cybersecurity",
        "Security operations",
        ("security alerts", "phishing reports", "access logs"),
        ("Employees", "Security analysts", "Customers"),
    ),
)

FUNCTIONS = (
    "scoring model",
    "assistant",
    "classifier",
    "forecaster",
    "recommender",
    "summariser",
    "triage tool",
    "chatbot",
    "anomaly detector",
    "document extractor",
    "search engine",
    "copilot",
    "ranking model",
    "translation aid",
)

LIFECYCLE_STAGES = ("design", "development", "verification", "deployment", "operation", "retired")
LIFECYCLE_WEIGHTS = (8, 15, 7, 10, 55, 5)

REGIONS = ("EMEA", "Americas", "APAC", "Nordics", "Iberia", "Benelux", "DACH", "UK")

FIRST_NAMES = (
    "Ada",
    "Bram",
    "Chidi",
    "Dana",
    "Eitan",
    "Farah",
    "Goran",
    "Hana",
    "Ines",
    "Jonas",
    "Kemi",
    "Lars",
    "Mei",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
)
LAST_NAMES = (
    "Abara",
    "Bianchi",
    "Castell",
    "Dufresne",
    "Eklund",
    "Fontaine",
    "Grunwald",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Pereira",
    "Quist",
    "Rahman",
    "Santos",
    "Tanaka",
    "Urquhart",
    "Varga",
    "Whitlock",
    "Yilmaz",
    "Zeller",
)

ROLES = (
    "AI system owner",
    "Risk owner",
    "Risk approver",
    "Internal auditor",
    "Impact assessor",
    "AI governance lead",
    "Control owner",
)

SUPPLIER_STEMS = (
    "Quillon",
    "Tarnwick",
    "Brightmoor",
    "Halvard",
    "Ostrelle",
    "Pennick",
    "Corvane",
    "Maridel",
    "Sollace",
    "Fenmark",
    "Ravelin",
    "Ashgrove",
)
SUPPLIER_SUFFIXES = ("Labs", "Data", "AI", "Systems", "Analytics", "Cloud", "Models")

MODEL_FAMILIES = ("Aurel", "Corvid", "Lyrin", "Tessel", "Mistwood", "Orrin", "Kestra", "Pallas")
MODEL_SIZES = ("small", "base", "large", "xl")

SERVICE_KINDS = (
    "vector store",
    "labelling service",
    "model hosting API",
    "speech-to-text API",
    "translation API",
    "OCR service",
    "content moderation API",
    "feature store",
)

SHARED_DATASETS = (
    "Customer master data",
    "Transaction history",
    "Support ticket archive",
    "Product catalogue",
    "Web analytics events",
    "HR records extract",
    "Licensed news corpus",
    "Public company filings",
    "Clinical coding reference",
    "Address reference data",
)
OWN_DATASET_KINDS = ("training set", "evaluation set", "fine-tuning examples", "retrieval corpus")


@dataclass(frozen=True)
class RiskTheme:
    """A kind of risk: how it reads, its category and the Annex C risk source it stems from."""

    title: str
    category: str
    annex_c: str
    description: str


RISK_THEMES: tuple[RiskTheme, ...] = (
    RiskTheme(
        "Biased outcomes for protected groups",
        "fairness",
        "C.3.4",
        "Decisions are less favourable for some groups because of skewed training data.",
    ),
    RiskTheme(
        "Proxy discrimination through correlated features",
        "fairness",
        "C.3.4",
        "Features that stand in for protected traits steer the outcome.",
    ),
    RiskTheme(
        "Personal data exposed in outputs",
        "privacy",
        "C.3.4",
        "The system repeats personal data it saw in training or in context.",
    ),
    RiskTheme(
        "Processing beyond the stated purpose",
        "privacy",
        "C.3.6",
        "Data collected for one purpose is reused without a lawful basis.",
    ),
    RiskTheme(
        "Prompt injection through untrusted content",
        "security",
        "C.3.1",
        "Instructions hidden in documents or web pages take over the system.",
    ),
    RiskTheme(
        "Model theft or extraction",
        "security",
        "C.3.5",
        "Repeated queries let an attacker rebuild the model or its data.",
    ),
    RiskTheme(
        "Data poisoning of training pipelines",
        "security",
        "C.3.4",
        "Tampered data changes what the model learns.",
    ),
    RiskTheme(
        "Confident but wrong answers",
        "reliability",
        "C.3.4",
        "The system produces fluent output that is factually wrong.",
    ),
    RiskTheme(
        "Performance drift after deployment",
        "reliability",
        "C.3.6",
        "Accuracy falls as real-world data moves away from the training data.",
    ),
    RiskTheme(
        "Unreliable behaviour on rare cases",
        "reliability",
        "C.3.7",
        "Edge cases were missing from testing and fail in production.",
    ),
    RiskTheme(
        "Decisions that cannot be explained",
        "transparency",
        "C.3.2",
        "Affected people cannot learn why the system decided as it did.",
    ),
    RiskTheme(
        "Users unaware they deal with AI",
        "transparency",
        "C.3.2",
        "People are not told that content or decisions come from an AI system.",
    ),
    RiskTheme(
        "Automation without meaningful human review",
        "accountability",
        "C.3.3",
        "Staff approve outputs without the time or information to challenge them.",
    ),
    RiskTheme(
        "Unclear ownership of system decisions",
        "accountability",
        "C.3.6",
        "Nobody is clearly accountable when the system causes harm.",
    ),
    RiskTheme(
        "Unsafe advice in high-stakes situations",
        "safety",
        "C.3.3",
        "Output could lead someone to act in a way that harms their health or safety.",
    ),
    RiskTheme(
        "Harmful or offensive generated content",
        "safety",
        "C.3.4",
        "Generated text or images offend, harass or mislead.",
    ),
    RiskTheme(
        "Unannounced changes by a model provider",
        "third party",
        "C.3.1",
        "A supplier updates or withdraws a model and behaviour changes without notice.",
    ),
    RiskTheme(
        "Supplier outage halts the service",
        "third party",
        "C.3.5",
        "A hosted dependency fails and the system stops working.",
    ),
    RiskTheme(
        "Licence terms breached by data use",
        "third party",
        "C.3.6",
        "Data or model use goes beyond what the licence allows.",
    ),
    RiskTheme(
        "Poor quality or mislabelled data",
        "data quality",
        "C.3.4",
        "Errors and gaps in the data lead to wrong outputs.",
    ),
    RiskTheme(
        "Unknown provenance of training data",
        "data quality",
        "C.3.2",
        "Nobody can say where the data came from or whether it may be used.",
    ),
    RiskTheme(
        "Use outside the intended purpose",
        "misuse",
        "C.3.1",
        "The system is applied to tasks or people it was not designed for.",
    ),
    RiskTheme(
        "Deliberate misuse by insiders",
        "misuse",
        "C.3.3",
        "Authorised users exploit the system for purposes it must not serve.",
    ),
    RiskTheme(
        "Excessive energy use in training and inference",
        "environmental",
        "C.3.5",
        "Compute demand grows beyond what the organisation's commitments allow.",
    ),
    RiskTheme(
        "Immature technology deployed too early",
        "reliability",
        "C.3.7",
        "The technique is not proven enough for the use it is put to.",
    ),
)

RISK_SOURCES = (
    "Unrepresentative training data",
    "Model drift",
    "Adversarial inputs",
    "Third-party model updates",
    "Missing human oversight",
    "Ambiguous user instructions",
    "Insufficient logging",
    "Personal data in prompts",
    "Label noise",
    "Opaque vendor model",
    "Over-reliance by operators",
    "Scope creep beyond intended use",
    "Weak access control",
    "Unvetted open-source components",
    "Inadequate test coverage",
    "Legacy data pipelines",
    "Staff turnover in the model team",
    "Undocumented feature engineering",
    "Shared credentials for model APIs",
    "Retrieval of outdated documents",
    "Lack of monitoring alerts",
    "Unclear escalation path",
    "Aggressive release deadlines",
    "Language coverage gaps",
    "Sensor faults",
    "Changing regulation",
    "Concentration on one supplier",
    "Automated decisions without appeal",
    "Synthetic data artefacts",
    "Unreviewed prompt changes",
)

CONSEQUENCES = (
    "Unfair refusal of a service",
    "Regulatory fine",
    "Reputational damage",
    "Financial loss for customers",
    "Harm to health",
    "Disclosure of personal data",
    "Service outage",
    "Wrong business decision",
    "Loss of customer trust",
    "Discrimination claim",
    "Intellectual property claim",
    "Safety incident",
    "Contract breach with a client",
    "Manual rework of decisions",
    "Complaints to an ombudsman",
    "Loss of a licence to operate",
    "Psychological distress",
    "Exclusion from education or work",
    "Fraud losses",
    "Erosion of staff skills",
)


@dataclass(frozen=True)
class ControlTheme:
    """A kind of control, the risk categories it answers and the Annex A controls it fits."""

    title: str
    categories: tuple[str, ...]
    annex_a: tuple[str, ...]


CONTROL_THEMES: tuple[ControlTheme, ...] = (
    ControlTheme("Bias testing before release", ("fairness",), ("A.6.2.4", "A.5.4", "A.7.4")),
    ControlTheme("Fairness metrics monitoring", ("fairness", "reliability"), ("A.6.2.6", "A.5.4")),
    ControlTheme("Data protection impact screening", ("privacy",), ("A.5.2", "A.5.4", "A.7.3")),
    ControlTheme(
        "Output filtering for personal data", ("privacy", "security"), ("A.6.2.5", "A.7.2")
    ),
    ControlTheme("Purpose limitation review", ("privacy", "misuse"), ("A.9.4", "A.9.3", "A.2.3")),
    ControlTheme("Input sanitisation and prompt shielding", ("security",), ("A.6.2.3", "A.6.2.5")),
    ControlTheme(
        "Rate limiting and query monitoring", ("security", "misuse"), ("A.6.2.6", "A.6.2.8")
    ),
    ControlTheme(
        "Training data integrity checks", ("security", "data quality"), ("A.7.4", "A.7.5")
    ),
    ControlTheme("Factuality evaluation suite", ("reliability", "safety"), ("A.6.2.4", "A.6.2.2")),
    ControlTheme(
        "Drift detection and retraining triggers", ("reliability",), ("A.6.2.6", "A.6.2.8")
    ),
    ControlTheme("Edge-case test library", ("reliability", "safety"), ("A.6.2.4", "A.6.2.3")),
    ControlTheme(
        "Explanation notices for affected people", ("transparency",), ("A.8.2", "A.8.5", "A.6.2.7")
    ),
    ControlTheme("AI interaction disclosure", ("transparency",), ("A.8.2", "A.8.3")),
    ControlTheme(
        "Human review of high-impact outputs", ("accountability", "safety"), ("A.9.2", "A.9.3")
    ),
    ControlTheme("Named accountable owner per system", ("accountability",), ("A.3.2", "A.10.2")),
    ControlTheme(
        "Reporting channel for concerns", ("accountability", "misuse"), ("A.3.3", "A.8.4")
    ),
    ControlTheme("Safety guardrails for advice", ("safety",), ("A.6.2.5", "A.9.4")),
    ControlTheme("Content moderation of generated output", ("safety",), ("A.6.2.6", "A.9.3")),
    ControlTheme("Supplier due diligence", ("third party",), ("A.10.3", "A.10.2", "A.10.4")),
    ControlTheme("Model version pinning", ("third party", "reliability"), ("A.10.3", "A.6.2.5")),
    ControlTheme("Fallback for supplier outages", ("third party",), ("A.4.5", "A.6.2.6")),
    ControlTheme(
        "Licence compliance register", ("third party", "data quality"), ("A.7.3", "A.4.3")
    ),
    ControlTheme("Data quality rules and profiling", ("data quality",), ("A.7.4", "A.7.6")),
    ControlTheme("Data lineage records", ("data quality", "transparency"), ("A.7.5", "A.6.2.7")),
    ControlTheme("Intended-use statement and checks", ("misuse",), ("A.9.4", "A.8.2")),
    ControlTheme("Privileged user activity logging", ("misuse", "security"), ("A.6.2.8", "A.4.6")),
    ControlTheme(
        "Compute budget and energy reporting", ("environmental",), ("A.4.5", "A.4.4", "A.5.5")
    ),
    ControlTheme("Technology readiness gate", ("reliability",), ("A.6.1.2", "A.6.1.3", "A.6.2.2")),
    ControlTheme("AI policy review cycle", ("accountability",), ("A.2.2", "A.2.4", "A.2.3")),
    ControlTheme("AI competence training", ("accountability", "misuse"), ("A.4.6", "A.4.2")),
    ControlTheme(
        "Impact assessment procedure", ("fairness", "safety"), ("A.5.2", "A.5.3", "A.5.5")
    ),
    ControlTheme("Incident communication playbook", ("safety", "security"), ("A.8.4", "A.8.3")),
)

CONTROL_CLAUSES = ("6.1.2", "6.1.3", "6.1.4", "7.2", "7.5.1", "8.2", "8.3", "8.4", "9.1", "10.2")

TREATMENT_STATEMENTS = {
    "Mitigate": "Reduce the risk with the listed controls and re-score after the next test cycle.",
    "Avoid": "Withdraw the feature that gives rise to the risk until it can be redesigned.",
    "Transfer": "Move the financial exposure to the supplier by contract and to insurance.",
    "Accept": "Retain the risk within appetite; revisit at the next review.",
}
REJECTION_REASONS = (
    "Cost out of proportion to the risk.",
    "Does not address the root cause.",
    "Depends on a control that is being retired.",
    "Approver asked for a cheaper alternative.",
)
IA_CONCLUSIONS = (
    "Impacts acceptable with the planned controls.",
    "Impacts acceptable; monitor complaints quarterly.",
    "Significant impact on individuals; extra human review required.",
    "Societal impact limited; no further action.",
    "Impacts not acceptable until the fairness findings are fixed.",
)
SOA_INCLUDED = "Applies: the organisation develops or operates AI systems this control covers."
SOA_EXCLUDED = "Does not apply: no AI system in scope involves this activity."
FINDING_TOPICS = (
    "Records incomplete",
    "Review overdue",
    "Responsibilities unclear",
    "Evidence missing",
    "Procedure not followed",
    "Monitoring not in place",
    "Supplier checks not documented",
    "Training records missing",
)
