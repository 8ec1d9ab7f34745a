"""The trust report: what an organisation publishes about its AI management system for its
customers, computed from the register and redacted by allow-list.

What may appear, and nothing else:

* **Entities marked ``rg:public true``** (AI systems, controls, suppliers, people), and of them
  only the fields in ``ALLOWED``: a system's title, purpose, domain, life cycle stage and EU AI
  Act risk level; a control's title, status and the Annex A controls it addresses; a supplier's
  name; a person's name and the titles of their roles. Never an e-mail, a description, an
  owner, a risk, evidence, a finding or an ID of anything not public.
* **Figures computed from the register** (counts and dates, no text of any entity): Annex A
  coverage from the Statement of Applicability, per governance area (``AREAS``), the
  certification status from the audits (kinds and dates only), when the register was last
  reviewed, and the register hash that signs the page.
* ISO/IEC 42001 Annex A IDs and short headings from the catalogue, and the register's name.

``TrustReport.published`` lists every one of those values as (entity, field, value): the dry
run shows exactly that list, and the page shows nothing of the register outside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from riskgraph import __version__
from riskgraph.analysis.readiness import AUDIT_WINDOW_DAYS, AuditRecord, read_audits
from riskgraph.analysis.soa import (
    STATUS_ORDER,
    ImplementationStatus,
    SoaRow,
    StatementOfApplicability,
    build_soa,
)
from riskgraph.ids import natural_key
from riskgraph.model.entities import AISystem, Control, Entity, Person, Role, Supplier
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.results.manifest import register_hash
from riskgraph.store.base import Store, Term
from riskgraph.vocab import REGISTER_GRAPH, sparql_prefix_block

REGISTER_ENTITY = "register"
"""The entity named in ``published`` for figures about the whole register."""

ALLOWED: dict[type[Entity], tuple[str, ...]] = {
    AISystem: ("title", "purpose", "domain", "lifecycle_stage", "ai_act_level"),
    Control: ("title", "status", "addresses"),
    Supplier: ("title",),
    Person: ("title", "roles"),
}
"""The fields a public entity may show; every other field stays internal."""


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    annex_a: tuple[str, ...]
    """Annex A references (an objective such as A.8 takes in all its controls)."""

    def covers(self, ref: str) -> bool:
        return any(ref == a or ref.startswith(a + ".") for a in self.annex_a)


AREAS: tuple[Area, ...] = (
    Area("transparency", "Transparency", ("A.8", "A.6.2.7", "A.9.4")),
    Area(
        "privacy-security",
        "Privacy and security",
        ("A.7.2", "A.7.3", "A.7.5", "A.7.6", "A.4.3", "A.6.2.8", "A.10.3"),
    ),
    Area("fairness", "Fairness", ("A.5", "A.7.4")),
    Area("accountability", "Accountability", ("A.2.2", "A.3", "A.4.6", "A.10.2")),
    Area("human-oversight", "Human oversight", ("A.9.2", "A.9.3", "A.6.2.6")),
    Area("regulatory-compliance", "Regulatory compliance", ("A.2.3", "A.10.4", "A.6.2.4")),
    Area("continual-improvement", "Continual improvement", ("A.2.4", "A.6.1")),
)
"""The governance headings of the page and the Annex A controls each is computed from
(docs/certification.md states the same mapping)."""


@dataclass(frozen=True)
class Published:
    entity: str
    """The public entity's ID, or ``register`` for a figure about the whole register."""
    field: str
    value: str


@dataclass(frozen=True)
class PublicSystem:
    id: str
    title: str
    purpose: str | None
    domain: str | None
    lifecycle_stage: str | None
    ai_act_level: str | None


@dataclass(frozen=True)
class PublicControl:
    id: str
    title: str
    status: str
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class PublicPerson:
    id: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class AnnexItem:
    ref: str
    heading: str
    status: ImplementationStatus


@dataclass(frozen=True)
class AreaReport:
    area: Area
    annex: tuple[AnnexItem, ...]
    facts: tuple[tuple[str, str], ...]
    """(field, value) figures for this area."""
    controls: tuple[PublicControl, ...]

    @property
    def implemented(self) -> int:
        return sum(1 for a in self.annex if a.status is ImplementationStatus.IMPLEMENTED)

    @property
    def applicable(self) -> int:
        return sum(1 for a in self.annex if a.status is not ImplementationStatus.EXCLUDED)


@dataclass(frozen=True)
class TrustReport:
    organisation: str
    generated_at: datetime
    today: date
    register_sha256: str
    riskgraph_version: str
    systems: tuple[PublicSystem, ...]
    areas: tuple[AreaReport, ...]
    certification: tuple[tuple[str, str], ...]
    """(field, value): status and audit dates."""
    coverage: dict[ImplementationStatus, int]
    objectives: tuple[tuple[str, str, int, int], ...]
    """(ref, heading, implemented, applicable) per Annex A objective."""
    last_reviewed: date | None
    suppliers: tuple[str, ...] = ()
    people: tuple[PublicPerson, ...] = ()
    published: tuple[Published, ...] = field(default=())

    def to_json(self) -> list[dict[str, Any]]:
        return [{"entity": p.entity, "field": p.field, "value": p.value} for p in self.published]


# --- reading ---------------------------------------------------------------------------------

_PREFIXES = sparql_prefix_block()

_FIGURES = f"""{_PREFIXES}
SELECT
  (COUNT(DISTINCT ?system) AS ?systems)
  (COUNT(DISTINCT ?assessed) AS ?assessed_systems)
  (COUNT(DISTINCT ?classified) AS ?classified_systems)
WHERE {{ GRAPH <{REGISTER_GRAPH}> {{
  ?system a rg:AISystem .
  OPTIONAL {{ ?a rg:assesses ?system . BIND(?system AS ?assessed) }}
  OPTIONAL {{ ?system <https://w3id.org/dpv/legal/eu/aiact#hasRiskLevel> ?l .
             BIND(?system AS ?classified) }}
}} }}"""

_RISK_FIGURES = f"""{_PREFIXES}
SELECT (COUNT(DISTINCT ?risk) AS ?risks) (COUNT(DISTINCT ?owned) AS ?owned_risks)
WHERE {{ GRAPH <{REGISTER_GRAPH}> {{
  ?risk a rg:Risk . FILTER NOT EXISTS {{ ?risk a rg:CatalogueRisk }}
  OPTIONAL {{ ?risk rg:owner ?o . BIND(?risk AS ?owned) }}
}} }}"""

_ACTIONS = f"""{_PREFIXES}
SELECT ?action ?status WHERE {{ GRAPH <{REGISTER_GRAPH}> {{
  ?action a rg:CorrectiveAction . OPTIONAL {{ ?action rg:status ?status }}
}} }}"""

_LAST_REVIEWED = f"""{_PREFIXES}
SELECT (MAX(?day) AS ?last) WHERE {{ GRAPH <{REGISTER_GRAPH}> {{
  {{ ?s rg:lastReviewed ?day }} UNION {{ ?r rg:reviewedOn ?day }}
  UNION {{ ?m rg:heldOn ?day }}
}} }}"""


def _first(store: Store, sparql: str) -> dict[str, Term | None]:
    return next(iter(store.select(sparql).rows), {})


def _int(term: Term | None) -> int:
    return int(term.value) if term is not None else 0


def _public(entities: list[Entity]) -> list[Any]:
    return sorted(
        (e for e in entities if getattr(e, "public", None) is True), key=lambda e: natural_key(e.id)
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(getattr(value, "value", value))


def trust_report(
    register: Register, store: Store, *, today: date, generated_at: datetime | None = None
) -> TrustReport:
    """The trust report of ``register`` (read through ``store``), judged on ``today``."""
    from datetime import UTC

    moment = generated_at or datetime.now(UTC)
    sha = register_hash(store)
    soa = build_soa(
        store,
        register_name=register.display_name,
        register_sha256=sha,
        today=today,
        generated_at=moment,
        riskgraph_version=__version__,
    )
    repo = Repository(store, register.base_iri)
    systems = [
        PublicSystem(
            s.id,
            s.title,
            s.purpose,
            s.domain,
            s.lifecycle_stage,
            _text(s.ai_act_level),
        )
        for s in _public(repo.all(AISystem)[0])
    ]
    annex_ids = {row.ref for row in soa.rows}
    controls = [
        PublicControl(
            c.id,
            c.title,
            str(c.status.value),
            tuple(
                sorted((a for a in map(_annex_ref, c.addresses) if a in annex_ids), key=natural_key)
            ),
        )
        for c in _public(repo.all(Control)[0])
    ]
    role_titles = {r.id: r.title for r in repo.all(Role)[0]}
    people = [
        PublicPerson(p.id, p.title, tuple(role_titles[r] for r in p.roles if r in role_titles))
        for p in _public(repo.all(Person)[0])
    ]
    suppliers = [(s.id, s.title) for s in _public(repo.all(Supplier)[0])]
    audits = read_audits(store)
    areas = _areas(store, soa, controls, audits, today)
    certification = _certification(audits, today)
    last = _first(store, _LAST_REVIEWED).get("last")
    last_reviewed = date.fromisoformat(last.value) if last is not None else None
    objectives = tuple(
        (
            o.ref,
            o.heading,
            o.count(ImplementationStatus.IMPLEMENTED),
            len(o.rows) - o.count(ImplementationStatus.EXCLUDED),
        )
        for o in soa.objectives()
    )
    report = TrustReport(
        organisation=register.display_name,
        generated_at=moment,
        today=today,
        register_sha256=sha,
        riskgraph_version=__version__,
        systems=tuple(systems),
        areas=areas,
        certification=certification,
        coverage=soa.counts(),
        objectives=objectives,
        last_reviewed=last_reviewed,
        suppliers=tuple(title for _, title in suppliers),
        people=tuple(people),
    )
    return _with_published(report, suppliers)


def _annex_ref(iri: str) -> str:
    """An Annex A reference (``A.6.2.4``) from a catalogue reference, prefixed name or IRI."""
    for sep in ("#", "/", ":"):
        iri = iri.rsplit(sep, 1)[-1]
    return iri


def _areas(
    store: Store,
    soa: StatementOfApplicability,
    controls: list[PublicControl],
    audits: list[AuditRecord],
    today: date,
) -> tuple[AreaReport, ...]:
    systems = _first(store, _FIGURES)
    risks = _first(store, _RISK_FIGURES)
    total = _int(systems.get("systems"))
    actions = list(store.select(_ACTIONS).rows)
    closed = sum(
        1 for r in actions if r["status"] is not None and r["status"].value.endswith("Closed")
    )
    recent = [
        a
        for a in audits
        if a.held_on is not None and 0 <= (today - a.held_on).days <= AUDIT_WINDOW_DAYS
    ]
    facts: dict[str, list[tuple[str, str]]] = {
        "transparency": [],
        "privacy-security": [],
        "fairness": [
            (
                "AI systems with an impact assessment",
                f"{_int(systems.get('assessed_systems'))} of {total}",
            )
        ],
        "accountability": [
            (
                "risks with a named owner",
                f"{_int(risks.get('owned_risks'))} of {_int(risks.get('risks'))}",
            ),
        ],
        "human-oversight": [],
        "regulatory-compliance": [
            (
                "AI systems classified under the EU AI Act",
                f"{_int(systems.get('classified_systems'))} of {total}",
            )
        ],
        "continual-improvement": [
            ("audits in the last 12 months", str(len(recent))),
            ("corrective actions closed", f"{closed} of {len(actions)}"),
        ],
    }
    out = []
    for area in AREAS:
        rows: list[SoaRow] = [row for row in soa.rows if area.covers(row.ref)]
        out.append(
            AreaReport(
                area=area,
                annex=tuple(AnnexItem(r.ref, r.heading, r.status) for r in rows),
                facts=tuple(facts[area.key]),
                controls=tuple(c for c in controls if any(area.covers(a) for a in c.addresses)),
            )
        )
    return tuple(out)


def _certification(audits: list[AuditRecord], today: date) -> tuple[tuple[str, str], ...]:

    def latest(kind: str) -> date | None:
        return max((a.held_on for a in audits if a.kind == kind and a.held_on), default=None)

    certified, surveillance, internal = (
        latest("certification"),
        latest("surveillance"),
        latest("internal"),
    )
    if certified is None:
        status = "not yet certified: no certification audit is recorded"
    elif (today - max(certified, surveillance or certified)).days > AUDIT_WINDOW_DAYS:
        status = "certification audit held; no audit in the last 12 months"
    else:
        status = "certification audit held"
    found = [("status", status)]
    for name, day in (
        ("certification audit", certified),
        ("latest surveillance audit", surveillance),
        ("latest internal audit", internal),
    ):
        if day is not None:
            found.append((name, day.isoformat()))
    return tuple(found)


def _with_published(report: TrustReport, suppliers: list[tuple[str, str]]) -> TrustReport:
    out: list[Published] = []
    reg = REGISTER_ENTITY

    def add(entity: str, name: str, value: str | None) -> None:
        if value:
            out.append(Published(entity, name, value))

    add(reg, "organisation", report.organisation)
    add(reg, "register_sha256", report.register_sha256)
    add(reg, "today", report.today.isoformat())
    add(reg, "last_reviewed", report.last_reviewed.isoformat() if report.last_reviewed else None)
    for name, value in report.certification:
        add(reg, f"certification: {name}", value)
    for status in STATUS_ORDER:
        add(reg, f"annex_a: {status.value}", str(report.coverage[status]))
    for ref, heading, done, applicable in report.objectives:
        add(reg, f"annex_a: {ref} {heading}", f"{done} of {applicable} implemented")
    for system in report.systems:
        add(system.id, "title", system.title)
        add(system.id, "purpose", system.purpose)
        add(system.id, "domain", system.domain)
        add(system.id, "lifecycle_stage", system.lifecycle_stage)
        add(system.id, "ai_act_level", system.ai_act_level)
    for area in report.areas:
        add(
            reg,
            f"{area.area.title}: Annex A",
            f"{area.implemented} of {area.applicable} applicable controls implemented",
        )
        for item in area.annex:
            add(reg, f"{area.area.title}: {item.ref} {item.heading}", item.status.value)
        for name, value in area.facts:
            add(reg, f"{area.area.title}: {name}", value)
    seen: set[str] = set()
    for area in report.areas:
        for control in area.controls:
            if control.id in seen:
                continue
            seen.add(control.id)
            add(control.id, "title", control.title)
            add(control.id, "status", control.status)
            add(control.id, "addresses", ", ".join(control.addresses))
    for sid, title in suppliers:
        add(sid, "title", title)
    for person in report.people:
        add(person.id, "title", person.name)
        add(person.id, "roles", ", ".join(person.roles))
    return replace(report, published=tuple(out))


def write_trust_report(register: Register, path: Path, *, today: date) -> TrustReport:
    """Write the trust report of ``register`` to ``path`` (HTML only: any other extension is
    refused before any work) and return what it published."""
    from riskgraph.analysis.report.render import render_trust
    from riskgraph.results.outputs import TRUST_REPORT
    from riskgraph.results.streams import atomic_output

    TRUST_REPORT.choose(None, path)
    with register.reader() as store:
        report = trust_report(register, store, today=today)
    html = render_trust(report)
    with atomic_output(path) as handle:
        handle.write(html.encode("utf-8"))
    return report
