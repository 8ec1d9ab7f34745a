"""Audit findings, corrective actions and the Statement of Applicability."""

from __future__ import annotations

from . import ids, terms
from .context import Context, Weighted
from .lexicon import FINDING_TOPICS, SOA_EXCLUDED, SOA_INCLUDED
from .library import Library
from .ntriples import boolean, string

NOT_APPLICABLE_ANNEX_A = 3
NONCONFORMITY_RATE = 0.4
UNCORRECTED_EVERY = 5
"""Every fifth nonconformity has no corrective action (a gap), even in the smallest register."""

_CONCERNS = Weighted(["clause", "annex-a", "control", "system"], [40, 30, 20, 10])


def write_findings(ctx: Context, library: Library) -> None:
    clauses = [c for c in ctx.catalogue.clauses if "." in c]
    nonconformities = 0
    for _ in range(ctx.profile.findings):
        kind = ctx.draw(_CONCERNS)
        if kind == "clause":
            clause = ctx.pick(clauses)
            target, label = terms.iso42001(clause), f"clause {clause}"
        elif kind == "annex-a":
            control = ctx.pick(ctx.catalogue.annex_a_controls)
            target, label = terms.iso42001(control), f"Annex A {control}"
        elif kind == "control":
            target, label = ctx.pick(library.controls), "a control"
        else:
            system_id = ids.ident(ids.SYSTEM, ctx.rng.randint(1, ctx.profile.systems))
            target, label = ctx.node(system_id), system_id
        nonconformity = ctx.chance(NONCONFORMITY_RATE)
        cls = terms.NONCONFORMITY if nonconformity else terms.AUDIT_FINDING
        finding_id = ctx.ids.next(ids.FINDING)
        finding = ctx.entity(finding_id, cls, f"{ctx.pick(FINDING_TOPICS)}: {label}")
        add = ctx.sink.add
        add(finding, terms.CONCERNS, target)
        is_open = ctx.chance(0.4)
        add(finding, terms.STATUS, terms.OPEN if is_open else terms.CLOSED)
        grade = ("major" if ctx.chance(0.3) else "minor") if nonconformity else "observation"
        add(finding, terms.GRADE, string(grade))
        raised_on = ctx.day(-540, -10)
        ctx.add_date(finding, terms.RAISED_ON, raised_on)
        add(finding, terms.RAISED_BY, library.person(ctx, "Internal auditor"))
        if nonconformity:
            nonconformities += 1
        if nonconformity and nonconformities % UNCORRECTED_EVERY != 0:
            action = ctx.entity(
                ctx.ids.next(ids.CORRECTIVE_ACTION),
                terms.CORRECTIVE_ACTION,
                f"Correct {finding_id}",
            )
            add(action, terms.CORRECTIVE_ACTION_FOR, finding)
            done = not is_open or ctx.chance(0.2)
            add(action, terms.STATUS, terms.CLOSED if done else terms.OPEN)
            ctx.add_date(action, terms.DUE_DATE, ctx.day(30, 180, since=raised_on))
            add(action, terms.OWNER, library.person(ctx, "Control owner"))


def write_statement_of_applicability(ctx: Context, library: Library) -> None:
    """One statement per Annex A control. Most uncovered controls are still applicable: the gap
    "applicable but no control addresses it" is never empty."""
    annex_a = ctx.catalogue.annex_a_controls
    kept_applicable = set(library.uncovered_annex_a[:-1])
    excluded = set(
        ctx.rng.sample([a for a in annex_a if a not in kept_applicable], NOT_APPLICABLE_ANNEX_A)
    )
    decided_by = library.person(ctx, "AI governance lead")
    decided_on = ctx.day(-300, -30)
    for notation in annex_a:
        applicable = notation not in excluded
        title = f"Applicability of {notation}"
        statement = ctx.entity(
            f"{ids.APPLICABILITY}-{notation}", terms.APPLICABILITY_STATEMENT, title
        )
        add = ctx.sink.add
        add(statement, terms.ANNEX_A_CONTROL, terms.iso42001(notation))
        add(statement, terms.APPLICABLE, boolean(applicable))
        if not applicable or ctx.chance(0.9):
            add(
                statement, terms.JUSTIFICATION, string(SOA_INCLUDED if applicable else SOA_EXCLUDED)
            )
        add(statement, terms.DECIDED_BY, decided_by)
        ctx.add_date(statement, terms.DECIDED_ON, decided_on)
