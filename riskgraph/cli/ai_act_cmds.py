"""EU AI Act: classify AI systems by hand, derive candidate Annex III points, list VAIR terms.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register

ai_act_app = typer.Typer(
    help="EU AI Act: record a system's risk level and operator role, and derive candidate "
    "Annex III points from its AIRO/VAIR description (docs/eu-ai-act.md).",
    no_args_is_help=True,
)

FACT_NAMES = {
    "purpose": "ai_purposes",
    "capability": "ai_capabilities",
    "subject": "ai_subjects",
    "domain": "ai_domains",
    "deployer": "ai_deployers",
}


def classify(
    system: str = typer.Argument(..., help="The AI system's ID.", metavar="SYSTEM"),
    level: str = typer.Option(
        ...,
        "--level",
        help="EU AI Act risk level: prohibited, high, transparency, minimal or not-high.",
        show_default=False,
    ),
    roles: list[str] = typer.Option(
        ...,
        "--role",
        help="The organisation's operator role: provider, deployer, importer or distributor "
        "(repeatable).",
        show_default=False,
    ),
    categories: list[str] | None = typer.Option(
        None,
        "--category",
        help="The Annex III point or Article relied on, e.g. annex-iii-5-b, art-6-1, art-5-1-a "
        "(repeatable; needed for high and prohibited).",
        show_default=False,
    ),
    rationale: str = typer.Option(
        ..., "--rationale", help="Why, in your own words.", show_default=False
    ),
    by: str = typer.Option(
        ..., "--by", help="The person who decides the classification (ID).", show_default=False
    ),
    on: str | None = typer.Option(
        None, "--on", help="The day it was decided (YYYY-MM-DD). Default: today."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    register: Path | None = RegisterOption,
) -> None:
    """Record an AI system's EU AI Act classification, decided by a named person.

    Writes through the same pipeline as 'riskgraph edit' (checks, SHACL, undo).

    Example:  riskgraph ai-act classify SYS-CV --level high --role deployer
              --category annex-iii-4-a --rationale "Ranks job applicants" --by P-SPATEL
    """
    from riskgraph import clock
    from riskgraph.cli.entity_cmds import write_prepared
    from riskgraph.editing.input import FLAGS, Changes
    from riskgraph.editing.write import Draft, prepare_edits
    from riskgraph.model.entities import AISystem

    day = clock.day_or_today(on, "on")
    changes = Changes(
        values={
            "ai_act_level": level,
            "ai_act_roles": list(roles),
            "ai_act_categories": list(categories or []),
            "ai_act_rationale": rationale,
            "ai_act_classified_by": by,
            "ai_act_classified_on": day.isoformat(),
        }
    )
    write_prepared(
        register,
        lambda repo, _matrix: prepare_edits(repo, [(system, Draft(AISystem, changes, FLAGS))]),
        dry_run=dry_run,
    )


def candidates(
    systems: list[str] | None = typer.Argument(
        None,
        help="AI system IDs (default: every system).",
        metavar="[SYSTEM]...",
        show_default=False,
    ),
    as_published: bool = typer.Option(
        False,
        "--as-published",
        help="Apply AIRO's shapes as published, without requiring the properties they test "
        "(every undescribed system then matches every point).",
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Candidate Annex III points from each system's AIRO/VAIR description, by AIRO's shapes.

    A candidate is a suggestion for the person who classifies the system, never a
    classification. Record the description with 'riskgraph edit SYS --ai-purposes ...'.

    Example:  riskgraph ai-act candidates SYS-CREDIT SYS-CV
    """
    from rich.table import Table

    from riskgraph.analysis.ai_act import register_candidates
    from riskgraph.cli.output import console
    from riskgraph.model.entities import AISystem
    from riskgraph.model.repository import Repository

    reg = open_register(register)
    with reg.reader() as store:
        found = register_candidates(
            store, reg.base_iri, list(systems or []), require_properties=not as_published
        )
        repo = Repository(store, reg.base_iri)
        levels = {
            e.id: e.ai_act_level.value if e.ai_act_level else "-"
            for e in repo.all(AISystem)[0]
            if isinstance(e, AISystem)
        }
    table = Table(title="Candidate EU AI Act Annex III points (AIRO high-risk shapes)")
    for column in ("system", "classified", "candidates", "not described"):
        table.add_column(column, overflow="fold")
    for item in found:
        shown = ", ".join(c.label for c in item.categories) or "none"
        missing = ", ".join(item.missing) if item.described else "no AIRO/VAIR facts"
        table.add_row(item.system, levels.get(item.system, "-"), shown, missing)
    console.print(table)


def terms(
    field: str = typer.Argument(
        ...,
        help="purpose, capability, subject, domain or deployer (or the field name, "
        "e.g. ai_purposes).",
        metavar="FIELD",
        show_default=False,
    ),
) -> None:
    """List the VAIR terms a system's AIRO/VAIR field accepts.

    Example:  riskgraph ai-act terms purpose
    """
    from riskgraph.errors import InputError
    from riskgraph.model.ai_act import AIRO_FACTS, vair_terms

    name = FACT_NAMES.get(field.strip().lower(), field.strip().lower().replace("-", "_"))
    if name not in AIRO_FACTS:
        raise InputError(
            "unknown AIRO/VAIR field",
            value=field,
            expected="one of " + ", ".join([*FACT_NAMES, *AIRO_FACTS]),
        )
    typer.echo("\n".join(vair_terms(AIRO_FACTS[name])))


def attach(app: typer.Typer) -> None:
    ai_act_app.command()(classify)
    ai_act_app.command()(candidates)
    ai_act_app.command()(terms)
    app.add_typer(ai_act_app, name="ai-act")
