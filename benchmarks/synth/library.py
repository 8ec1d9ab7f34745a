"""The shared part of a register: people, teams, suppliers, shared components, stakeholders,
risk sources, consequences, and the control library with its evidence."""

from __future__ import annotations

from dataclasses import dataclass

from . import ids, terms
from .context import ANNUAL, Context, Weighted
from .lexicon import (
    CONSEQUENCES,
    CONTROL_CLAUSES,
    CONTROL_THEMES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    MODEL_FAMILIES,
    MODEL_SIZES,
    REGIONS,
    RISK_SOURCES,
    ROLES,
    SERVICE_KINDS,
    SHARED_DATASETS,
    SUPPLIER_STEMS,
    SUPPLIER_SUFFIXES,
)
from .ntriples import any_uri, string
from .roster import main_role

EVIDENCE_KINDS = (
    "Test report",
    "Procedure document",
    "Monitoring dashboard export",
    "Sign-off record",
    "Training log",
)
UNCOVERED_ANNEX_A = 3
"""Annex A controls that no control in the library addresses (a gap the SoA check must find)."""


@dataclass
class Library:
    """IRIs of shared entities that the per-system part links to."""

    people_by_role: dict[str, list[str]]
    teams: list[str]
    foundation_models: Weighted[str]
    services: Weighted[str]
    datasets: Weighted[str]
    suppliers: list[str]
    stakeholders_by_kind: dict[str, list[str]]
    risk_sources: list[str]
    consequences: list[str]
    controls: list[str]
    controls_by_category: dict[str, Weighted[str]]
    uncovered_annex_a: list[str]

    def person(self, ctx: Context, role: str) -> str:
        return ctx.pick(self.people_by_role[role])


def _zipf(count: int) -> list[float]:
    """Popularity weights: the first items are used by many systems, the tail by few."""
    return [1.0 / (rank + 1) for rank in range(count)]


def _with_region(name: str, index: int, cycle: int) -> str:
    """``name`` for the first ``cycle`` indices, then ``name`` plus a region (and a number)."""
    round_ = index // cycle
    if round_ == 0:
        return name
    region = REGIONS[(round_ - 1) % len(REGIONS)]
    repeat = (round_ - 1) // len(REGIONS)
    return f"{name} {region}" + (f" {repeat + 1}" if repeat else "")


def _roles(ctx: Context) -> dict[str, str]:
    return {
        role: ctx.entity(ids.ident(ids.ROLE, n), terms.ROLE, role)
        for n, role in enumerate(ROLES, start=1)
    }


def unit_title(unit: int) -> str:
    """The name of business unit ``unit`` (0-based); unit ``u`` works mainly in domain ``u``."""
    return _with_region(DOMAINS[unit % len(DOMAINS)].unit, unit, len(DOMAINS))


def _teams(ctx: Context) -> list[str]:
    return [
        ctx.entity(ids.ident(ids.TEAM, u + 1), terms.ORGANISATION, unit_title(u))
        for u in range(ctx.profile.units)
    ]


def _people(ctx: Context, roles: dict[str, str], teams: list[str]) -> dict[str, list[str]]:
    by_role: dict[str, list[str]] = {role: [] for role in ROLES}
    add = ctx.sink.add
    for n in range(1, ctx.profile.people + 1):
        first, last = ctx.pick(FIRST_NAMES), ctx.pick(LAST_NAMES)
        person = ctx.entity(ids.ident(ids.PERSON, n), terms.PERSON, f"{first} {last}")
        add(person, terms.EMAIL, string(f"{first}.{last}.{n}@synthetic.example".lower()))
        role = main_role(n)
        add(person, terms.HAS_ROLE, roles[role])
        if ctx.chance(0.2):
            second = ctx.pick(ROLES)
            if second != role:
                add(person, terms.HAS_ROLE, roles[second])
        add(person, terms.MEMBER_OF, teams[(n - 1) * len(teams) // ctx.profile.people])
        by_role[role].append(person)
    return by_role


def _suppliers(ctx: Context) -> list[str]:
    names = [f"{stem} {suffix}" for suffix in SUPPLIER_SUFFIXES for stem in SUPPLIER_STEMS]
    return [
        ctx.entity(
            ids.ident(ids.SUPPLIER, n + 1),
            terms.SUPPLIER,
            _with_region(names[n % len(names)], n, len(names)),
        )
        for n in range(ctx.profile.suppliers)
    ]


def _foundation_models(ctx: Context, suppliers: list[str]) -> list[str]:
    vendors = suppliers[: max(1, len(suppliers) // 3)]
    models = []
    for n in range(ctx.profile.foundation_models):
        family = MODEL_FAMILIES[n % len(MODEL_FAMILIES)]
        size = MODEL_SIZES[(n // len(MODEL_FAMILIES)) % len(MODEL_SIZES)]
        generation = n // (len(MODEL_FAMILIES) * len(MODEL_SIZES)) + 1
        model = ctx.entity(ctx.ids.next(ids.MODEL), terms.MODEL, f"{family}-{size} {generation}")
        ctx.sink.add(model, terms.VERSION, string(f"{generation}.{ctx.rng.randint(0, 9)}"))
        ctx.sink.add(model, terms.PROVIDED_BY, vendors[n % len(vendors)])
        models.append(model)
    return models


def _services(ctx: Context, suppliers: list[str], models: list[str]) -> list[str]:
    services = []
    for n in range(ctx.profile.shared_services):
        kind = SERVICE_KINDS[n % len(SERVICE_KINDS)]
        supplier_n = ctx.rng.randrange(len(suppliers))
        name = f"{SUPPLIER_STEMS[supplier_n % len(SUPPLIER_STEMS)]} {kind}"
        service = ctx.entity(ctx.ids.next(ids.SERVICE), terms.SERVICE, name)
        ctx.sink.add(
            service, terms.VERSION, string(f"{ctx.rng.randint(1, 5)}.{ctx.rng.randint(0, 20)}")
        )
        ctx.sink.add(service, terms.PROVIDED_BY, suppliers[supplier_n])
        if kind == "model hosting API":
            ctx.sink.add(service, terms.DEPENDS_ON, ctx.pick(models))
        services.append(service)
    return services


def _shared_datasets(ctx: Context, suppliers: list[str], teams: list[str]) -> list[str]:
    datasets = []
    for n in range(ctx.profile.shared_datasets):
        year = 2020 + (n // len(SHARED_DATASETS)) % 6
        name = f"{SHARED_DATASETS[n % len(SHARED_DATASETS)]} {year}"
        dataset = ctx.entity(ctx.ids.next(ids.DATASET), terms.DATASET, name)
        ctx.sink.add(dataset, terms.VERSION, string(f"{year}.{ctx.rng.randint(1, 4)}"))
        if ctx.chance(0.4):
            ctx.sink.add(dataset, terms.PROVIDED_BY, ctx.pick(suppliers))
        else:
            ctx.sink.add(dataset, terms.OWNER, ctx.pick(teams))
        datasets.append(dataset)
    return datasets


def _stakeholders(ctx: Context) -> dict[str, list[str]]:
    kinds = sorted({kind for domain in DOMAINS for kind in domain.stakeholders})
    by_kind: dict[str, list[str]] = {kind: [] for kind in kinds}
    for n in range(max(len(kinds), ctx.profile.stakeholders)):
        kind = kinds[n % len(kinds)]
        title = _with_region(kind, n, len(kinds))
        by_kind[kind].append(
            ctx.entity(ids.ident(ids.STAKEHOLDER, n + 1), terms.STAKEHOLDER, title)
        )
    return by_kind


def _named_pool(ctx: Context, prefix: str, cls: str, titles: tuple[str, ...]) -> list[str]:
    return [ctx.entity(ids.ident(prefix, n), cls, t) for n, t in enumerate(titles, start=1)]


def _evidence(ctx: Context, target: str, about: str) -> None:
    """One piece of evidence for a control or clause; about one in six has expired."""
    evidence_id = ctx.ids.next(ids.EVIDENCE)
    evidence = ctx.entity(evidence_id, terms.EVIDENCE, f"{ctx.pick(EVIDENCE_KINDS)}: {about}")
    ctx.sink.add(evidence, terms.SUPPORTS, target)
    ctx.sink.add(evidence, terms.LINK, any_uri(f"https://evidence.synthetic.example/{evidence_id}"))
    issued = ctx.day(-430, -10)
    ctx.add_date(evidence, terms.ISSUED, issued)
    ctx.add_date(evidence, terms.EXPIRES, issued + ANNUAL)


_CONTROL_STATUS = Weighted(
    [terms.PLANNED, terms.IMPLEMENTED, terms.VERIFIED, terms.RETIRED], [15, 50, 30, 5]
)
_EVIDENCE_PER_CONTROL = Weighted([0, 1, 2, 3], [15, 45, 28, 12])


def _controls(
    ctx: Context, by_role: dict[str, list[str]], teams: list[str], uncovered: list[str]
) -> tuple[list[str], dict[str, Weighted[str]]]:
    """The control library: organisation-wide controls first, then copies scoped to units."""
    covered = [a for a in ctx.catalogue.annex_a_controls if a not in uncovered]
    controls: list[str] = []
    members: dict[str, list[str]] = {}
    weights: dict[str, list[float]] = {}
    for n in range(ctx.profile.controls):
        theme = CONTROL_THEMES[n % len(CONTROL_THEMES)]
        scope = n // len(CONTROL_THEMES)
        unit = (n - len(CONTROL_THEMES)) % len(teams)
        title = theme.title if scope == 0 else f"{theme.title} ({unit_title(unit)})"
        control = ctx.entity(ctx.ids.next(ids.CONTROL), terms.CONTROL, title)
        ctx.sink.add(control, terms.STATUS, ctx.draw(_CONTROL_STATUS))
        owner = ctx.pick(by_role["Control owner"]) if ctx.chance(0.95) else ctx.pick(teams)
        ctx.sink.add(control, terms.OWNER, owner)
        candidates = [a for a in theme.annex_a if a not in uncovered] or covered
        # An organisation-wide control addresses all of its theme's Annex A controls, so that
        # exactly the deliberately uncovered ones stay uncovered; unit copies address a subset.
        count = len(candidates) if scope == 0 else ctx.rng.randint(1, len(candidates))
        for annex_a in ctx.rng.sample(candidates, min(3, count)):
            ctx.sink.add(control, terms.ADDRESSES, terms.iso42001(annex_a))
        if ctx.chance(0.25):
            ctx.sink.add(control, terms.ADDRESSES, terms.iso42001(ctx.pick(CONTROL_CLAUSES)))
        for _ in range(ctx.draw(_EVIDENCE_PER_CONTROL)):
            _evidence(ctx, control, title)
        controls.append(control)
        for category in theme.categories:
            members.setdefault(category, []).append(control)
            # Organisation-wide controls are linked far more often than unit-scoped ones.
            weights.setdefault(category, []).append(8.0 if scope == 0 else 1.0)
    by_category = {c: Weighted(members[c], weights[c]) for c in sorted(members)}
    return controls, by_category


def _clause_evidence(ctx: Context) -> None:
    for clause in ctx.catalogue.clauses:
        if "." in clause and ctx.chance(0.9):
            for _ in range(ctx.rng.randint(1, 2)):
                _evidence(ctx, terms.iso42001(clause), f"clause {clause}")


def write_library(ctx: Context) -> Library:
    roles = _roles(ctx)
    teams = _teams(ctx)
    people_by_role = _people(ctx, roles, teams)
    suppliers = _suppliers(ctx)
    models = _foundation_models(ctx, suppliers)
    services = _services(ctx, suppliers, models)
    datasets = _shared_datasets(ctx, suppliers, teams)
    stakeholders = _stakeholders(ctx)
    risk_sources = _named_pool(ctx, ids.RISK_SOURCE, terms.RISK_SOURCE, RISK_SOURCES)
    consequences = _named_pool(ctx, ids.CONSEQUENCE, terms.CONSEQUENCE, CONSEQUENCES)
    uncovered = sorted(ctx.rng.sample(ctx.catalogue.annex_a_controls, UNCOVERED_ANNEX_A))
    controls, by_category = _controls(ctx, people_by_role, teams, uncovered)
    _clause_evidence(ctx)
    return Library(
        people_by_role=people_by_role,
        teams=teams,
        foundation_models=Weighted(models, _zipf(len(models))),
        services=Weighted(services, _zipf(len(services))),
        datasets=Weighted(datasets, _zipf(len(datasets))),
        suppliers=suppliers,
        stakeholders_by_kind=stakeholders,
        risk_sources=risk_sources,
        consequences=consequences,
        controls=controls,
        controls_by_category=by_category,
        uncovered_annex_a=uncovered,
    )
