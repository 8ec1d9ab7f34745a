"""The per-system part of a register: each AI system with its own components, its risks and
their treatments, and its impact assessment. Written one business unit at a time."""

from __future__ import annotations

from dataclasses import dataclass

from . import ids, scoring, terms
from .context import ANNUAL, Context, Weighted
from .lexicon import (
    DOMAINS,
    FUNCTIONS,
    IA_CONCLUSIONS,
    LIFECYCLE_STAGES,
    LIFECYCLE_WEIGHTS,
    OWN_DATASET_KINDS,
    REJECTION_REASONS,
    RISK_THEMES,
    TREATMENT_STATEMENTS,
    Domain,
    RiskTheme,
)
from .library import Library, unit_title
from .ntriples import integer, string
from .profile import SYSTEMS_PER_UNIT

SHARED_RISK_RATE = 0.25
"""Share of risks that affect further systems of the same unit besides their own."""
TREATED_RATE = 0.88
IMPACT_ASSESSED_RATE = 0.8

_RISKS_PER_SYSTEM = Weighted([2, 3, 4], [35, 45, 20])
_OWN_DATASETS = Weighted([0, 1, 2], [25, 55, 20])
_REGISTER_SOURCES = Weighted([1, 2], [70, 30])
_MITIGATING_CONTROLS = Weighted([0, 1, 2, 3], [12, 45, 30, 13])
_SHARED_SERVICES = Weighted([0, 1, 2], [35, 45, 20])
_LIFECYCLE = Weighted(LIFECYCLE_STAGES, LIFECYCLE_WEIGHTS)
_STATUS = Weighted([terms.APPROVED, terms.PROPOSED, terms.DRAFT, terms.REJECTED], [55, 20, 12, 13])
_STATUS_AFTER_REJECTION = Weighted([terms.APPROVED, terms.PROPOSED, terms.DRAFT], [50, 35, 15])
_OPTION = Weighted(
    [("Mitigate", terms.MITIGATE), ("Avoid", terms.AVOID), ("Transfer", terms.TRANSFER),
     ("Accept", terms.ACCEPT)],
    [70, 5, 10, 15],
)  # fmt: skip


@dataclass(frozen=True)
class System:
    number: int
    iri: str
    title: str
    owner: str | None
    stakeholders: list[str]


@dataclass(frozen=True)
class PlannedTreatment:
    option_name: str
    option: str
    status: str


def write_portfolio(ctx: Context, library: Library) -> None:
    total = ctx.profile.systems
    for unit in range(ctx.profile.units):
        members = range(unit * SYSTEMS_PER_UNIT + 1, min(total, (unit + 1) * SYSTEMS_PER_UNIT) + 1)
        for number in members:
            system = _system(ctx, library, unit, number)
            _components(ctx, library, system)
            for _ in range(ctx.draw(_RISKS_PER_SYSTEM)):
                _risk(ctx, library, system, members)
            if ctx.chance(IMPACT_ASSESSED_RATE):
                _impact_assessment(ctx, library, system)


def _system(ctx: Context, library: Library, unit: int, number: int) -> System:
    domain = DOMAINS[unit % len(DOMAINS)] if ctx.chance(0.75) else ctx.pick(DOMAINS)
    subject, function = ctx.pick(domain.subjects), ctx.pick(FUNCTIONS)
    title = f"{subject.capitalize()} {function} {number}"
    system = ctx.entity(ids.ident(ids.SYSTEM, number), terms.AI_SYSTEM, title)
    add = ctx.sink.add
    if ctx.chance(0.3):
        description = f"A {function} for {subject}, run by {unit_title(unit)}."
        add(system, terms.DESCRIPTION, string(description))
    add(system, terms.PURPOSE, string(f"Help staff handle {subject} faster and more consistently."))
    add(system, terms.DOMAIN, string(domain.name))
    add(system, terms.LIFECYCLE_STAGE, string(ctx.draw(_LIFECYCLE)))
    owner = _system_owner(ctx, library, unit)
    if owner:
        add(system, terms.OWNER, owner)
    if ctx.chance(0.95):
        ctx.add_date(system, terms.REVIEW_DUE, ctx.day(-45, 365))
    stakeholders = _stakeholders(ctx, library, domain)
    for stakeholder in stakeholders:
        add(system, terms.HAS_STAKEHOLDER, stakeholder)
    return System(number, system, title, owner, stakeholders)


def _system_owner(ctx: Context, library: Library, unit: int) -> str | None:
    """Mostly a named person; sometimes only a team; rarely nobody (a gap)."""
    roll = ctx.rng.random()
    if roll < 0.95:
        return library.person(ctx, "AI system owner")
    return library.teams[unit] if roll < 0.98 else None


def _stakeholders(ctx: Context, library: Library, domain: Domain) -> list[str]:
    if ctx.chance(0.05):
        return []
    kinds = ctx.rng.sample(domain.stakeholders, ctx.rng.randint(1, len(domain.stakeholders)))
    return [ctx.pick(library.stakeholders_by_kind[kind]) for kind in kinds]


def _components(ctx: Context, library: Library, system: System) -> None:
    """Own datasets and model (model -> foundation model -> supplier), plus shared components."""
    add = ctx.sink.add
    datasets = []
    for _ in range(ctx.draw(_OWN_DATASETS)):
        kind = ctx.pick(OWN_DATASET_KINDS)
        dataset = ctx.entity(ctx.ids.next(ids.DATASET), terms.DATASET, f"{system.title} {kind}")
        add(dataset, terms.VERSION, string(f"{ctx.rng.randint(1, 4)}.{ctx.rng.randint(0, 9)}"))
        if system.owner:
            add(dataset, terms.OWNER, system.owner)
        if ctx.chance(0.15):
            add(dataset, terms.PROVIDED_BY, ctx.pick(library.suppliers))
        datasets.append(dataset)
    dependencies = list(datasets)
    own_model = None
    if ctx.chance(0.7):
        own_model = ctx.entity(ctx.ids.next(ids.MODEL), terms.MODEL, f"{system.title} model")
        add(own_model, terms.VERSION, string(f"{ctx.rng.randint(1, 6)}.{ctx.rng.randint(0, 12)}"))
        if system.owner:
            add(own_model, terms.OWNER, system.owner)
        if ctx.chance(0.55):
            add(own_model, terms.DEPENDS_ON, ctx.draw(library.foundation_models))
        add(own_model, terms.DEPENDS_ON, datasets[0] if datasets else ctx.draw(library.datasets))
        dependencies.append(own_model)
    if ctx.chance(0.6 if own_model is None else 0.1):
        dependencies.append(ctx.draw(library.foundation_models))
    dependencies += [ctx.draw(library.services) for _ in range(ctx.draw(_SHARED_SERVICES))]
    if ctx.chance(0.35):
        dependencies.append(ctx.draw(library.datasets))
    for dependency in dict.fromkeys(dependencies):
        add(system.iri, terms.DEPENDS_ON, dependency)


def _plan_treatments(ctx: Context) -> list[PlannedTreatment]:
    """None for untreated risks; a rejected treatment is often followed by another one."""
    if not ctx.chance(TREATED_RATE):
        return []
    plans = [PlannedTreatment(*ctx.draw(_OPTION), ctx.draw(_STATUS))]
    if plans[0].status == terms.REJECTED and ctx.chance(0.7):
        plans.append(PlannedTreatment(*ctx.draw(_OPTION), ctx.draw(_STATUS_AFTER_REJECTION)))
    return plans


def _risk(ctx: Context, library: Library, system: System, unit_members: range) -> None:
    theme = ctx.pick(RISK_THEMES)
    risk_id = ctx.ids.next(ids.RISK)
    risk = ctx.entity(risk_id, terms.RISK_CLASS, f"{theme.title} in {system.title}")
    add = ctx.sink.add
    if ctx.chance(0.3):
        add(risk, terms.DESCRIPTION, string(theme.description))
    add(risk, terms.AFFECTS, system.iri)
    if ctx.chance(SHARED_RISK_RATE) and len(unit_members) > 1:
        others = [n for n in unit_members if n != system.number]
        for number in ctx.rng.sample(others, min(len(others), ctx.rng.randint(1, 3))):
            add(risk, terms.AFFECTS, ctx.node(ids.ident(ids.SYSTEM, number)))
    _origins(ctx, library, risk, theme, system)

    controls = _mitigating_controls(ctx, library, theme)
    for control in controls:
        add(control, terms.MITIGATES, risk)
    plans = _plan_treatments(ctx)
    inherent = scoring.inherent(ctx.rng)
    _scores(ctx, risk, inherent, terms.LIKELIHOOD, terms.SEVERITY, terms.INHERENT_LEVEL)
    add(risk, terms.RISK_MATRIX, terms.RISK_MATRIX_5X5)
    acted_on = bool(controls) or any(p.status != terms.REJECTED for p in plans)
    # Residual scores exist once someone re-scored the risk: mostly after acting on it.
    if ctx.chance(0.8 if acted_on else 0.3):
        residual = scoring.reduced(ctx.rng, inherent) if acted_on else inherent
        _scores(
            ctx, risk, residual, terms.RESIDUAL_LIKELIHOOD, terms.RESIDUAL_SEVERITY,
            terms.RESIDUAL_LEVEL,
        )  # fmt: skip
    if ctx.chance(0.97):
        add(risk, terms.OWNER, library.person(ctx, "Risk owner"))
    if ctx.chance(0.95):
        ctx.add_date(risk, terms.REVIEW_DUE, ctx.day(-60, 365))
    add(risk, terms.CATEGORY, string(theme.category))
    for plan in plans:
        _treatment(ctx, library, risk, risk_id, plan, controls, theme)


def _origins(ctx: Context, library: Library, risk: str, theme: RiskTheme, system: System) -> None:
    """Risk sources (register ones and Annex C), consequences and affected stakeholders."""
    add = ctx.sink.add
    for source in ctx.rng.sample(library.risk_sources, ctx.draw(_REGISTER_SOURCES)):
        add(risk, terms.HAS_RISK_SOURCE, source)
    if ctx.chance(0.4):
        add(risk, terms.HAS_RISK_SOURCE, terms.iso42001(theme.annex_c))
    for consequence in ctx.rng.sample(library.consequences, 1 if ctx.chance(0.7) else 2):
        add(risk, terms.HAS_CONSEQUENCE, consequence)
    if system.stakeholders and ctx.chance(0.6):
        add(risk, terms.AFFECTS_STAKEHOLDER, ctx.pick(system.stakeholders))


def _mitigating_controls(ctx: Context, library: Library, theme: RiskTheme) -> list[str]:
    pool = library.controls_by_category.get(theme.category)
    if pool is None:
        return []
    drawn = [ctx.draw(pool) for _ in range(ctx.draw(_MITIGATING_CONTROLS))]
    return list(dict.fromkeys(drawn))


def _scores(
    ctx: Context, risk: str, scores: scoring.Scores, likelihood: str, severity: str, level: str
) -> None:
    ctx.sink.add(risk, likelihood, integer(scores.likelihood))
    ctx.sink.add(risk, severity, integer(scores.severity))
    ctx.sink.add(risk, level, f"<{ctx.catalogue.level(scores.likelihood, scores.severity)}>")


def _treatment(
    ctx: Context,
    library: Library,
    risk: str,
    risk_id: str,
    plan: PlannedTreatment,
    controls: list[str],
    theme: RiskTheme,
) -> None:
    title = f"{plan.option_name} {risk_id}"
    treatment = ctx.entity(ctx.ids.next(ids.TREATMENT), terms.TREATMENT, title)
    add = ctx.sink.add
    add(treatment, terms.TREATS, risk)
    add(treatment, terms.OPTION, plan.option)
    add(treatment, terms.STATEMENT, string(TREATMENT_STATEMENTS[plan.option_name]))
    add(treatment, terms.STATUS, plan.status)
    if plan.status == terms.APPROVED:
        add(treatment, terms.APPROVED_BY, library.person(ctx, "Risk approver"))
        approved_on = ctx.day(-480, -5)
        ctx.add_date(treatment, terms.APPROVED_ON, approved_on)
        ctx.add_date(treatment, terms.REVIEW_DUE, approved_on + ANNUAL)
    if plan.status == terms.REJECTED:
        add(treatment, terms.REASON, string(ctx.pick(REJECTION_REASONS)))
    elif plan.option in (terms.MITIGATE, terms.AVOID):
        ctx.add_date(treatment, terms.DUE_DATE, ctx.day(-90, 270))
    if plan.option == terms.MITIGATE:
        used = controls[:2]
        pool = library.controls_by_category.get(theme.category)
        if not used and pool is not None and ctx.chance(0.3):
            used = [ctx.draw(pool)]
        for control in used:
            add(treatment, terms.USES_CONTROL, control)


def _impact_assessment(ctx: Context, library: Library, system: System) -> None:
    title = f"Impact assessment of {system.title}"
    assessment = ctx.entity(ctx.ids.next(ids.IMPACT_ASSESSMENT), terms.IMPACT_ASSESSMENT, title)
    add = ctx.sink.add
    add(assessment, terms.ASSESSES, system.iri)
    add(assessment, terms.ASSESSOR, library.person(ctx, "Impact assessor"))
    assessed_on = ctx.day(-440, -3)
    ctx.add_date(assessment, terms.ASSESSED_ON, assessed_on)
    add(assessment, terms.CONCLUSION, string(ctx.pick(IA_CONCLUSIONS)))
    if ctx.chance(0.9):
        ctx.add_date(assessment, terms.REVIEW_DUE, assessed_on + ANNUAL)
