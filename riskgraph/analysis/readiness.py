"""Certification readiness: per stage of the ISO/IEC 42001 journey, what the register shows as
done and what is missing.

The stages, in order: gap analysis, implementation, internal audit, certification audit,
surveillance. Each stage has criteria; a criterion is met or not, says what the register shows
(figures), what is missing (IDs, at most ``SHOWN``) and which data it looked at. A stage is
``done`` when all its criteria are met, ``not started`` when none is, else ``in progress``.

Nothing here is a second copy of a rule: Annex A decisions and implementation come from the
Statement of Applicability (``riskgraph.analysis.soa``), approved treatments, evidence, overdue
reviews and open findings from the gap rules (``riskgraph.analysis.gaps``); what only readiness
asks (audits, management reviews, control tests) is read here, with the windows below.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pyoxigraph as ox

from riskgraph.analysis.gaps import GapReport, run_gaps
from riskgraph.analysis.soa import ImplementationStatus, StatementOfApplicability, build_soa
from riskgraph.ids import natural_key
from riskgraph.model.entities import FINDING_TYPES
from riskgraph.register import Register
from riskgraph.results.manifest import register_hash
from riskgraph.store.base import Store, Term, term_value
from riskgraph.vocab import REGISTER_GRAPH, RG, sparql_prefix_block

SCHEMA_VERSION = 1
"""Version of the JSON form."""
AUDIT_WINDOW_DAYS = 365
"""An internal audit, a management review or a surveillance audit counts for this many days."""
MANAGEMENT_CLAUSES = tuple(str(n) for n in range(4, 11))
"""The clauses an internal audit programme must cover (ISO/IEC 42001 clauses 4 to 10)."""
SHOWN = 10
"""IDs listed as missing per criterion; the figures count them all."""


class StageState(enum.StrEnum):
    DONE = "done"
    IN_PROGRESS = "in progress"
    NOT_STARTED = "not started"


@dataclass(frozen=True)
class Criterion:
    name: str
    met: bool
    shows: str
    """What the register shows, in figures: "8 AI systems"."""
    missing: tuple[str, ...]
    """What is missing: IDs or short phrases, at most ``SHOWN`` (then "and N more")."""
    looked_at: str
    """The data the criterion was computed from."""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "met": self.met,
            "shows": self.shows,
            "missing": list(self.missing),
            "looked_at": self.looked_at,
        }


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    criteria: tuple[Criterion, ...]

    @property
    def state(self) -> StageState:
        met = sum(1 for c in self.criteria if c.met)
        if met == len(self.criteria):
            return StageState.DONE
        return StageState.NOT_STARTED if met == 0 else StageState.IN_PROGRESS

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.key,
            "title": self.title,
            "state": str(self.state),
            "criteria": [c.to_json() for c in self.criteria],
        }


@dataclass(frozen=True)
class Readiness:
    register_name: str
    today: date
    register_sha256: str
    stages: tuple[Stage, ...]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise KeyError(key)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "register": self.register_name,
            "today": self.today.isoformat(),
            "register_sha256": self.register_sha256,
            "stages": [s.to_json() for s in self.stages],
        }


# --- audits, management reviews, control tests --------------------------------------------------

AUDIT = RG + "Audit"
AUDIT_KIND = RG + "auditKind"
MANAGEMENT_REVIEW = RG + "ManagementReview"
AUDIT_KINDS = ("internal", "certification", "surveillance")


@dataclass(frozen=True)
class AuditRecord:
    iri: str
    id: str
    kind: str | None
    """internal, certification or surveillance (None when the register does not say)."""
    held_on: date | None
    """Its end date (``rg:auditEnd``), else its start (``rg:auditStart``)."""
    clauses: frozenset[str]
    """Top-level clause numbers (4..10) its scope covers, directly or through a sub-clause."""
    findings: tuple[str, ...]
    """IRIs of the findings raised in it."""


_PREFIXES = sparql_prefix_block()
_FINDING_TYPES = " ".join(f"<{t}>" for t in sorted(set(FINDING_TYPES.values())))

_AUDITS = f"""{_PREFIXES}
SELECT ?audit ?id ?kind ?start ?end WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?audit a <{AUDIT}> ; dcterms:identifier ?id .
    OPTIONAL {{ ?audit <{AUDIT_KIND}> ?kind }}
    OPTIONAL {{ ?audit rg:auditStart ?start }}
    OPTIONAL {{ ?audit rg:auditEnd ?end }}
  }}
}}"""

_AUDIT_CLAUSES = f"""{_PREFIXES}
SELECT DISTINCT ?audit ?ref WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{ ?audit a <{AUDIT}> ; rg:auditScopeClause ?part . }}
  ?part skos:broader* ?clause .
  ?clause a rg:Clause ; skos:notation ?ref .
  FILTER NOT EXISTS {{ ?clause skos:broader ?up . ?up a rg:Clause }}
}}"""

_AUDIT_FINDINGS = f"""{_PREFIXES}
SELECT DISTINCT ?audit ?finding WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{ ?finding rg:raisedInAudit ?audit . ?audit a <{AUDIT}> }}
}}"""

_FINDINGS = f"""{_PREFIXES}
SELECT DISTINCT ?audit ?finding WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?audit a <{AUDIT}> .
    ?finding a ?type .
    VALUES ?type {{ {_FINDING_TYPES} }}
    {{ ?finding ?p ?audit }} UNION {{ ?audit ?q ?finding }}
  }}
}}"""

_FINDINGS = f"""{_PREFIXES}
SELECT ?finding ?id ?status ?action WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?finding a ?type ; dcterms:identifier ?id .
    VALUES ?type {{ {_FINDING_TYPES} }}
    OPTIONAL {{ ?finding rg:status ?status }}
    OPTIONAL {{ ?action rg:correctiveActionFor ?finding }}
  }}
}}"""

_MANAGEMENT_REVIEWS = f"""{_PREFIXES}
SELECT ?review ?id ?day WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?review a <{MANAGEMENT_REVIEW}> ; dcterms:identifier ?id .
    OPTIONAL {{ ?review rg:heldOn ?day }}
  }}
}}"""

_CONTROLS = f"""{_PREFIXES}
SELECT ?control ?id ?status WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?control a rg:Control ; dcterms:identifier ?id .
    OPTIONAL {{ ?control rg:status ?status }}
  }}
}}"""

_TEST_PLANS = f"""{_PREFIXES}
SELECT (COUNT(DISTINCT ?plan) AS ?plans) WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{ ?plan a rg:ControlTestPlan }}
}}"""

TEST_RULES = (
    "controls-never-tested",
    "control-tests-overdue",
    "failed-control-tests-without-corrective-action",
)
"""The gap rules that say which control tests are not current (one definition, in the rules)."""

_COUNTS = f"""{_PREFIXES}
SELECT
  (COUNT(DISTINCT ?system) AS ?systems)
WHERE {{ GRAPH <{REGISTER_GRAPH}> {{ ?system a rg:AISystem }} }}"""

_RISKS = f"""{_PREFIXES}
SELECT ?risk ?id ?assessed WHERE {{
  GRAPH <{REGISTER_GRAPH}> {{
    ?risk a rg:Risk ; dcterms:identifier ?id .
    FILTER NOT EXISTS {{ ?risk a rg:CatalogueRisk }}
    BIND(EXISTS {{ ?risk rg:likelihood ?l ; rg:severity ?s }} AS ?assessed)
  }}
}}"""


def _day(term: Term | None) -> date | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return date.fromisoformat(term.value)
    except ValueError:
        return None


def _local(term: Term | None) -> str | None:
    """The last part of an IRI, or a literal's text, lower case: the kind of an audit."""
    if term is None:
        return None
    text = term.value
    for sep in ("#", "/"):
        text = text.rsplit(sep, 1)[-1]
    text = text.lower().removesuffix("audit").strip("-_ ")
    return text or None


def read_audits(store: Store) -> list[AuditRecord]:
    """Every audit of the register, by ID."""
    found: dict[str, dict[str, Any]] = {}
    for row in store.select(_AUDITS).rows:
        iri = term_value(row["audit"])
        if iri is None:
            continue
        item = found.setdefault(
            iri, {"id": term_value(row["id"]) or iri, "kind": None, "days": [], "c": set(), "f": []}
        )
        item["kind"] = item["kind"] or _local(row["kind"])
        if (day := _day(row["end"]) or _day(row["start"])) is not None:
            item["days"].append(day)
    for row in store.select(_AUDIT_CLAUSES).rows:
        iri, ref = term_value(row["audit"]), term_value(row["ref"])
        if iri in found and ref is not None:
            found[iri]["c"].add(ref)
    for row in store.select(_AUDIT_FINDINGS).rows:
        iri, finding = term_value(row["audit"]), term_value(row["finding"])
        if iri in found and finding is not None and finding not in found[iri]["f"]:
            found[iri]["f"].append(finding)
    audits = [
        AuditRecord(
            iri=iri,
            id=item["id"],
            kind=item["kind"],
            held_on=max(item["days"], default=None),
            clauses=frozenset(item["c"]),
            findings=tuple(item["f"]),
        )
        for iri, item in found.items()
    ]
    return sorted(audits, key=lambda a: natural_key(a.id))


# --- the criteria ---------------------------------------------------------------------------


def _listed(items: list[str]) -> tuple[str, ...]:
    ordered = sorted(items, key=natural_key)
    if len(ordered) <= SHOWN:
        return tuple(ordered)
    return (*ordered[:SHOWN], f"and {len(ordered) - SHOWN} more")


def _criterion(name: str, missing: list[str], shows: str, looked_at: str) -> Criterion:
    return Criterion(name, not missing, shows, _listed(missing), looked_at)


def _gap_ids(gaps: GapReport, rule: str) -> list[str]:
    """The items one gap rule found, as the gap report shows them (ID or reference)."""
    try:
        found = gaps.rule(rule)
    except KeyError:
        return []
    out = []
    for row in found.rows:
        first = next((v for v in row.values() if v), None)
        out.append(first or "?")
    return out


def _gap_keys(gaps: GapReport, rule: str, base_iri: str) -> list[str]:
    """The items one gap rule found, as IDs (the part of their IRI after the base)."""
    try:
        found = gaps.rule(rule)
    except KeyError:
        return []
    keys = []
    for iri, row in zip(found.iris, found.rows, strict=False):
        if iri and iri.startswith(base_iri):
            keys.append(iri[len(base_iri) :])
        else:
            keys.append(next((v for v in row.values() if v), None) or (iri or "?"))
    return keys


def _gap_analysis(store: Store, soa: StatementOfApplicability, gaps: GapReport, base: str) -> Stage:
    systems = int(term_value(next(iter(store.select(_COUNTS).rows))["systems"]) or 0)
    risks = list(store.select(_RISKS).rows)
    unassessed = [
        term_value(r["id"]) or "?" for r in risks if term_value(r["assessed"]) not in ("true", "1")
    ]
    undecided = [row.ref for row in soa.rows if not row.decided]
    unassessed_systems = _gap_keys(gaps, "systems-without-impact-assessment", base)
    return Stage(
        "gap-analysis",
        "Gap analysis",
        (
            _criterion(
                "AI systems registered",
                [] if systems else ["no AI system is registered"],
                f"{systems} AI systems",
                "rg:AISystem entities",
            ),
            _criterion(
                "Risks identified and assessed",
                unassessed if risks else ["no risk is registered"],
                f"{len(risks) - len(unassessed)} of {len(risks)} risks have likelihood and "
                "severity",
                "rg:Risk entities (catalogue risks not adopted left out): rg:likelihood, "
                "rg:severity",
            ),
            _criterion(
                "Impact assessment for every AI system",
                unassessed_systems,
                f"{systems - len(unassessed_systems)} of {systems} AI systems assessed",
                "gap rule systems-without-impact-assessment",
            ),
            _criterion(
                "Statement of Applicability complete",
                undecided,
                f"{len(soa.rows) - len(undecided)} of {len(soa.rows)} Annex A controls decided",
                "Statement of Applicability: rg:ApplicabilityStatement per Annex A control",
            ),
        ),
    )


def _implementation(
    store: Store, soa: StatementOfApplicability, gaps: GapReport, base: str
) -> Stage:
    counts = soa.counts()
    applicable = soa.applicable_count
    not_in_place = [
        row.ref
        for row in soa.rows
        if row.status in (ImplementationStatus.PLANNED, ImplementationStatus.NOT_IMPLEMENTED)
    ]
    controls = list(store.select(_CONTROLS).rows)
    statuses = [(_local(r["status"]) or "planned") for r in controls]
    planned_controls = [
        term_value(r["id"]) or "?"
        for r, s in zip(controls, statuses, strict=True)
        if s == "planned"
    ]
    in_place = sum(1 for s in statuses if s in ("implemented", "verified"))
    untreated = _gap_keys(gaps, "risks-above-appetite-without-approved-treatment", base)
    no_evidence = _gap_keys(gaps, "controls-without-evidence", base)
    expired = _gap_keys(gaps, "controls-with-only-expired-evidence", base)
    clauses = _gap_ids(gaps, "clauses-without-evidence")
    return Stage(
        "implementation",
        "Implementation",
        (
            _criterion(
                "Applicable Annex A controls implemented",
                not_in_place,
                f"{counts[ImplementationStatus.IMPLEMENTED]} of {applicable} applicable Annex A "
                f"controls implemented, {counts[ImplementationStatus.PLANNED]} planned, "
                f"{counts[ImplementationStatus.NOT_IMPLEMENTED]} not implemented",
                "Statement of Applicability: implementation status",
            ),
            _criterion(
                "Register controls in place",
                planned_controls,
                f"{in_place} of {len(controls)} controls implemented or verified, "
                f"{len(planned_controls)} planned",
                "rg:Control entities: rg:status",
            ),
            _criterion(
                "Treatments approved for risks above appetite",
                untreated,
                f"{len(untreated)} risks above appetite without an approved treatment",
                "gap rule risks-above-appetite-without-approved-treatment",
            ),
            _criterion(
                "Evidence current",
                [*no_evidence, *expired, *(f"clause {c}" for c in clauses)],
                f"{len(no_evidence)} controls without evidence, {len(expired)} with only "
                f"expired evidence, {len(clauses)} clauses without current evidence",
                "gap rules controls-without-evidence, controls-with-only-expired-evidence, "
                "clauses-without-evidence",
            ),
        ),
    )


def _recent(day: date | None, today: date) -> bool:
    return day is not None and today - timedelta(days=AUDIT_WINDOW_DAYS) <= day <= today


def _findings(store: Store) -> dict[str, tuple[str, bool, bool]]:
    """Finding IRI -> (ID, closed, has a corrective action)."""
    found: dict[str, tuple[str, bool, bool]] = {}
    for row in store.select(_FINDINGS).rows:
        iri = term_value(row["finding"])
        if iri is None:
            continue
        known = found.get(iri)
        closed = _local(row["status"]) == "closed"
        acted = row["action"] is not None or (known is not None and known[2])
        found[iri] = (term_value(row["id"]) or iri, closed, acted)
    return found


def _internal_audit(
    store: Store,
    audits: list[AuditRecord],
    findings: dict[str, tuple[str, bool, bool]],
    today: date,
) -> Stage:
    internal = [a for a in audits if a.kind == "internal" and _recent(a.held_on, today)]
    covered = frozenset().union(*(a.clauses for a in internal)) if internal else frozenset()
    uncovered = [f"clause {c}" for c in MANAGEMENT_CLAUSES if c not in covered]
    open_findings = [f[0] for f in findings.values() if not f[1]]
    reviews = [
        (term_value(r["id"]) or "?", _day(r["day"])) for r in store.select(_MANAGEMENT_REVIEWS).rows
    ]
    recent_reviews = sorted({rid for rid, day in reviews if _recent(day, today)}, key=natural_key)
    since = (today - timedelta(days=AUDIT_WINDOW_DAYS)).isoformat()
    return Stage(
        "internal-audit",
        "Internal audit",
        (
            _criterion(
                "Internal audit within 12 months",
                [] if internal else [f"no internal audit held since {since}"],
                f"{len(internal)} internal audits since {since}"
                + (f" ({', '.join(a.id for a in internal)})" if internal else ""),
                "rg:Audit entities with rg:auditKind internal: rg:auditEnd, else rg:auditStart",
            ),
            _criterion(
                "Clauses 4 to 10 covered",
                uncovered,
                f"{len(MANAGEMENT_CLAUSES) - len(uncovered)} of {len(MANAGEMENT_CLAUSES)} "
                "clauses in the scope of those audits",
                "rg:auditScopeClause of those audits: ISO/IEC 42001 clauses and their sub-clauses",
            ),
            _criterion(
                "Findings closed",
                open_findings,
                f"{len(findings) - len(open_findings)} of {len(findings)} findings closed",
                "rg:AuditFinding and rg:Nonconformity entities: rg:status",
            ),
            _criterion(
                "Management review within 12 months",
                [] if recent_reviews else [f"no management review held since {since}"],
                f"{len(recent_reviews)} management reviews since {since}"
                + (f" ({', '.join(recent_reviews)})" if recent_reviews else ""),
                "rg:ManagementReview entities: rg:heldOn",
            ),
        ),
    )


def _certification(audits: list[AuditRecord], findings: dict[str, tuple[str, bool, bool]]) -> Stage:
    certification = [a for a in audits if a.kind == "certification"]
    raised = [f for a in certification for f in a.findings]
    unanswered = [findings[f][0] for f in raised if f in findings and not any(findings[f][1:])]
    latest = max((a.held_on for a in certification if a.held_on), default=None)
    return Stage(
        "certification-audit",
        "Certification audit",
        (
            _criterion(
                "Certification audit recorded",
                [] if certification else ["no certification audit is recorded"],
                f"{len(certification)} certification audits"
                + (f", the latest on {latest.isoformat()}" if latest else ""),
                "rg:Audit entities with rg:auditKind certification",
            ),
            _criterion(
                "Certification findings answered",
                unanswered if certification else ["no certification audit is recorded"],
                f"{len(raised) - len(unanswered)} of {len(raised)} findings of the certification "
                "audits closed or with a corrective action",
                "findings raised in those audits (rg:raisedInAudit): rg:status, "
                "rg:correctiveActionFor",
            ),
        ),
    )


def _surveillance(
    store: Store, audits: list[AuditRecord], gaps: GapReport, today: date, base: str
) -> Stage:
    certified = max(
        (a.held_on for a in audits if a.kind == "certification" and a.held_on), default=None
    )
    missing_years: list[str] = []
    if certified is None:
        missing_years = ["no certification audit is recorded"]
    else:
        surveillance = sorted(
            a.held_on
            for a in audits
            if a.kind == "surveillance" and a.held_on and a.held_on > certified
        )
        start = certified
        year = 1
        while start + timedelta(days=AUDIT_WINDOW_DAYS) <= today:
            end = start + timedelta(days=AUDIT_WINDOW_DAYS)
            if not any(start < day <= end for day in surveillance):
                missing_years.append(f"no surveillance audit in year {year} after certification")
            start, year = end, year + 1
    overdue = _gap_keys(gaps, "overdue-reviews", base)
    tests = _stale_tests(store, gaps)
    return Stage(
        "surveillance",
        "Surveillance",
        (
            _criterion(
                "Surveillance audit every year after certification",
                missing_years,
                "certified on " + certified.isoformat() if certified else "not certified",
                "rg:Audit entities with rg:auditKind certification and surveillance: their dates",
            ),
            _criterion(
                "Reviews not overdue",
                overdue,
                f"{len(overdue)} reviews overdue",
                "gap rule overdue-reviews",
            ),
            _criterion(
                "Control tests current",
                tests[1] if tests[0] else ["no control test plan is recorded"],
                f"{tests[0]} test plans; {len(tests[1])} found by the control test gap rules",
                "gap rules " + ", ".join(TEST_RULES),
            ),
        ),
    )


def _stale_tests(store: Store, gaps: GapReport) -> tuple[int, list[str]]:
    """(number of test plans, what the control-test gap rules found: controls never tested,
    tests overdue, failed tests with no corrective action)."""
    plans = next(iter(store.select(_TEST_PLANS).rows), {}).get("plans")
    never, overdue, failed = (_rule_rows(gaps, name) for name in TEST_RULES)
    stale = [f"{row.get('id') or '?'} never tested" for row in never]
    stale += [
        f"{row.get('control_id') or '?'} test overdue (last {row.get('last_tested') or '?'})"
        for row in overdue
    ]
    stale += [
        f"{row.get('control_id') or '?'} test {row.get('id') or '?'} failed with no corrective "
        "action"
        for row in failed
    ]
    return int(term_value(plans) or 0), stale


def _rule_rows(gaps: GapReport, rule: str) -> list[dict[str, str | None]]:
    try:
        return gaps.rule(rule).rows
    except KeyError:
        return []


def build_readiness(
    store: Store,
    *,
    register: Register,
    today: date,
    soa: StatementOfApplicability,
    gaps: GapReport,
) -> Readiness:
    """Readiness from the Statement of Applicability and the gap report already computed."""
    base = register.base_iri
    audits = read_audits(store)
    findings = _findings(store)
    return Readiness(
        register_name=register.display_name,
        today=today,
        register_sha256=soa.register_sha256,
        stages=(
            _gap_analysis(store, soa, gaps, base),
            _implementation(store, soa, gaps, base),
            _internal_audit(store, audits, findings, today),
            _certification(audits, findings),
            _surveillance(store, audits, gaps, today, base),
        ),
    )


def readiness(register: Register, store: Store, *, today: date) -> Readiness:
    """Certification readiness of ``register`` (read through ``store``) judged on ``today``."""
    from datetime import UTC, datetime

    from riskgraph import __version__

    sha = register_hash(store)
    soa = build_soa(
        store,
        register_name=register.display_name,
        register_sha256=sha,
        today=today,
        generated_at=datetime.now(UTC),
        riskgraph_version=__version__,
    )
    gaps = run_gaps(register, store, today=today)
    return build_readiness(store, register=register, today=today, soa=soa, gaps=gaps)


def readiness_json(report: Readiness) -> str:
    import json

    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def _md(text: str) -> str:
    """Text for a Markdown table cell: pipes and markup characters escaped, one line."""
    out = " ".join(text.split())
    for char in "\\`*_[]<>|":
        out = out.replace(char, "\\" + char)
    return out


def readiness_markdown(report: Readiness) -> str:
    lines = [
        f"# Certification readiness: {_md(report.register_name)}",
        "",
        f"Judged on {report.today.isoformat()}; register SHA-256 `{report.register_sha256}`.",
        "",
    ]
    for stage in report.stages:
        lines += [
            f"## {stage.title}: {stage.state}",
            "",
            "| criterion | met | the register shows | missing | looked at |",
            "|---|---|---|---|---|",
        ]
        for c in stage.criteria:
            lines.append(
                f"| {_md(c.name)} | {'yes' if c.met else 'no'} | {_md(c.shows)} | "
                f"{_md(', '.join(c.missing)) or '-'} | {_md(c.looked_at)} |"
            )
        lines.append("")
    return "\n".join(lines)
