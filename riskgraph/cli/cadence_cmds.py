"""Commands of the certification journey's cadence (docs/certification.md): due (the review
schedule), review (record a review, which moves the next review date) and accept-risk (sign a
risk acceptance). The two writes go through the one write pipeline, as ``add`` does.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, TodayOption, open_register, today_option

if TYPE_CHECKING:
    from rich.console import Console

    from riskgraph.config import RegisterConfig
    from riskgraph.editing.write import Prepared
    from riskgraph.model.repository import Repository
    from riskgraph.views.due import DueSchedule


def due(
    within: str | None = typer.Option(
        None,
        "--within",
        help="Also list reviews due this far ahead: days or weeks, e.g. 30d or 4w. "
        "Default: only what is due by today.",
        show_default=False,
    ),
    owner: str | None = typer.Option(
        None, "--owner", help="Only items this person (ID) owns.", show_default=False
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="table, json, csv or md. Default: from the -o file's extension, else table.",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the schedule to this file.", show_default=False
    ),
    today: str | None = TodayOption,
    register: Path | None = RegisterOption,
) -> None:
    """List the risks, controls, treatments and AI systems due or overdue for review, by owner.

    The next review date is the item's review_due (set when a review is recorded), else its
    last review plus its interval (review_interval, else the register's review.KIND_days).

    Example:  riskgraph due --within 30d --owner P-SPATEL
    """
    from riskgraph.cli.output import emit_report, options_named, pick_format
    from riskgraph.results.outputs import DUE
    from riskgraph.views.due import due_csv, due_json, due_markdown, parse_within, read_due

    chosen = pick_format(DUE, fmt, output).name
    with options_named({"within": "--within", "owner": "--owner"}):
        days = parse_within(within)
        day = today_option(today)
        reg = open_register(register)
        with reg.reader() as store:
            schedule = read_due(store, reg.base_iri, reg.config, day, within_days=days, owner=owner)
    emit_report(
        schedule,
        chosen,
        output,
        draw=print_due_table,
        forms={"json": due_json, "csv": due_csv, "md": due_markdown},
        wrote=f"wrote {len(schedule.entries)} item(s) due to {output}",
    )


def review(
    item: str = typer.Argument(
        ..., help="The risk, control, treatment or AI system reviewed (ID).", show_default=False
    ),
    by: str = typer.Option(
        ..., "--by", help="Who reviewed it (a person's ID).", show_default=False
    ),
    outcome: str = typer.Option(
        ..., "--outcome", help="confirmed, updated or escalated.", show_default=False
    ),
    notes: str | None = typer.Option(None, "--notes", help="What the review found."),
    on: str | None = typer.Option(
        None, "--on", help="The day of the review (YYYY-MM-DD). Default: today.", show_default=False
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    register: Path | None = RegisterOption,
) -> None:
    """Record a review of a risk, control, treatment or AI system; it moves the next review date.

    The item's last_reviewed becomes the review's date and its review_due that date plus its
    review interval. Undo with 'riskgraph undo'.

    Example:  riskgraph review R-008 --by P-SPATEL --outcome confirmed --notes "still opaque"
    """
    from riskgraph.cli.entity_cmds import write_prepared
    from riskgraph.cli.output import options_named

    def prepare(repo: Repository, config: RegisterConfig) -> Prepared:
        from riskgraph.editing.certification import prepare_review

        return prepare_review(repo, config, item=item, by=by, outcome=outcome, notes=notes, on=on)

    with options_named(_REVIEW_OPTIONS):
        write_prepared(register, prepare, dry_run=dry_run)


_REVIEW_OPTIONS = {
    "item": "ITEM",
    "reviewed_by": "--by",
    "outcome": "--outcome",
    "notes": "--notes",
    "reviewed_on": "--on",
}


def accept_risk(
    risk: str = typer.Argument(..., help="The risk accepted (ID).", show_default=False),
    by: str = typer.Option(
        ...,
        "--by",
        help="Who signs (a person's ID); they must hold the role the register's settings name "
        "(acceptance.authority_role).",
        show_default=False,
    ),
    justification: str | None = typer.Option(
        None, "--justification", help="Why the risk is retained.", show_default=False
    ),
    expires: str | None = typer.Option(
        None,
        "--expires",
        help="When the acceptance lapses (YYYY-MM-DD), after the day it is signed.",
        show_default=False,
    ),
    treatment: str | None = typer.Option(
        None, "--treatment", help="The accept treatment it signs off (ID).", show_default=False
    ),
    on: str | None = typer.Option(
        None, "--on", help="The day it is signed (YYYY-MM-DD). Default: today.", show_default=False
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would change; write nothing."),
    register: Path | None = RegisterOption,
) -> None:
    """Sign a risk acceptance: who (with the authority role), why, and until when.

    The acceptance keeps a hash of the risk as it stands; a later change to the risk shows as
    "changed since accepted" in show, the terminal UI and gaps. A signed acceptance cannot be
    changed: a new decision is a new acceptance.

    Example:  riskgraph accept-risk R-004 --by P-AOKAFOR --justification "..." --expires 2027-06-30
    """
    from riskgraph.cli.entity_cmds import write_prepared
    from riskgraph.cli.output import options_named

    def prepare(repo: Repository, config: RegisterConfig) -> Prepared:
        from riskgraph.editing.certification import prepare_acceptance

        return prepare_acceptance(
            repo,
            config,
            risk=risk,
            by=by,
            justification=justification,
            expires=expires,
            treatment=treatment,
            on=on,
        )

    with options_named(_ACCEPT_OPTIONS):
        write_prepared(register, prepare, dry_run=dry_run)


_ACCEPT_OPTIONS = {
    "risk": "RISK",
    "accepted_by": "--by",
    "justification": "--justification",
    "expires": "--expires",
    "treatment": "--treatment",
    "accepted_on": "--on",
}


def print_due_table(schedule: DueSchedule, console: Console) -> None:
    """The schedule for a terminal: a summary line, then one table per owner."""
    from rich.markup import escape
    from rich.table import Table

    console.print(
        f"[bold]Reviews due[/] by {schedule.horizon.isoformat()} "
        f"(today {schedule.today.isoformat()}, {schedule.within_days} day(s) ahead): "
        f"[red]{schedule.overdue} overdue[/], {schedule.due} due, "
        f"{len(schedule.unscheduled)} with no review date",
        highlight=False,
    )
    if not schedule.entries:
        console.print("nothing is due", highlight=False)
    for group in schedule.by_owner():
        table = Table(title=escape(group.heading), title_justify="left")
        for name in ("kind", "id", "title", "next review", "status", "last reviewed"):
            table.add_column(name, overflow="fold")
        for entry in group.entries:
            late = entry.next_review < schedule.today
            state = entry.state(schedule.today)
            table.add_row(
                entry.kind,
                escape(entry.id),
                escape(entry.title),
                entry.next_review.isoformat() + ("" if entry.stored else " (computed)"),
                f"[red]{state}[/]" if late else state,
                entry.last_reviewed.isoformat() if entry.last_reviewed else "",
            )
        console.print(table)


def attach(app: typer.Typer) -> None:
    app.command()(due)
    app.command()(review)
    app.command("accept-risk")(accept_risk)
