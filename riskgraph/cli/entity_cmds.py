"""Commands for single entities: add, edit, remove, show, list, and fields (what add/edit accept).

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, open_register

if TYPE_CHECKING:
    from riskgraph.config import RegisterConfig
    from riskgraph.editing.input import InputItem
    from riskgraph.editing.write import Draft, Prepared
    from riskgraph.model.repository import Repository

    Preparer = Callable[[Repository, RegisterConfig], Prepared]
    """Computes the plan of a write from the open register and its settings."""

FIELD_FLAGS = {"allow_extra_args": True, "ignore_unknown_options": True}
"""add and edit read the per-kind field flags (--title, --likelihood ...) themselves."""

KindArgument = typer.Argument(
    None,
    help="Kind of entity: system, component, supplier, person, organisation, role, stakeholder, "
    "source, consequence, risk, control, treatment, assessment, evidence, finding, action, soa "
    "(plurals work too).",
    metavar="KIND",
    show_default=False,
)
FileOption = typer.Option(
    None,
    "--file",
    "-f",
    help="JSON or YAML file with one object or a list of objects; '-' reads stdin.",
    show_default=False,
)
DryRunOption = typer.Option(False, "--dry-run", help="Show what would change; write nothing.")


def add(
    ctx: typer.Context,
    kind: str | None = KindArgument,
    entity_id: str | None = typer.Option(
        None, "--id", help="ID of the new entity. Default: the next free one, e.g. R-043."
    ),
    file: str | None = FileOption,
    dry_run: bool = DryRunOption,
    register: Path | None = RegisterOption,
) -> None:
    """Add entities from field flags, or from JSON/YAML in a file or on stdin.

    Field flags are the kind's fields: --title, --likelihood, --review-due ...
    'riskgraph fields KIND' lists them with their types.
    Lists take repeated flags or commas: --affects SYS-A --affects SYS-B.
    Links name IDs in the register or in the same input, or ISO references.
    Objects in a file may carry a 'kind' key (one file: a system and its risks).
    A file is written completely or not at all.

    Example:  riskgraph add risk --title "Model drift" --likelihood 3 --severity 4
    """
    from riskgraph.editing.input import FLAGS, STDIN, parse_flags
    from riskgraph.editing.schema import kind_class
    from riskgraph.editing.write import Draft, prepare_additions
    from riskgraph.errors import InputError

    flags = list(ctx.args)
    if kind == STDIN:
        kind, file = None, _one_source(file)
    elif flags == [STDIN]:
        flags, file = [], _one_source(file)
    if file is not None:
        if flags or entity_id:
            raise InputError(
                "give the fields either as flags or with --file, not both",
                value=" ".join(flags) or f"--id {entity_id}",
            )
        drafts = _file_drafts(file, kind)
    else:
        cls = kind_class(_kind_first(kind, "add"))
        changes = parse_flags(flags, cls)
        if entity_id is not None:
            changes.values["id"] = entity_id
        drafts = [Draft(cls, changes, FLAGS)]

    def prepare(repo: Repository, config: RegisterConfig) -> Prepared:
        return prepare_additions(
            repo,
            drafts,
            default_matrix=config.risk.matrix,
            authority_role=config.acceptance.authority_role,
            review_settings=config.review,
        )

    write_prepared(register, prepare, dry_run=dry_run)


def edit(
    ctx: typer.Context,
    entity_id: str | None = typer.Argument(
        None,
        help="ID of the entity to change. Optional with --file when objects carry an id.",
        metavar="ID",
        show_default=False,
    ),
    clear: list[str] | None = typer.Option(
        None,
        "--clear",
        help="Unset an optional field (repeatable), e.g. --clear residual-severity.",
    ),
    file: str | None = FileOption,
    dry_run: bool = DryRunOption,
    register: Path | None = RegisterOption,
) -> None:
    """Change entities with field flags, or with partial JSON/YAML objects.

    Field flags set fields: --likelihood 4. 'riskgraph fields KIND' lists them.
    On lists, --FIELD replaces; --add-FIELD and --remove-FIELD change items.
    In a file each object has its 'id' and the fields to change; null clears.
    Prints every field change.

    Example:  riskgraph edit R-001 --likelihood 4 --add-affects SYS-B
    """
    from riskgraph.editing.input import (
        FLAGS,
        STDIN,
        check_field_names,
        parse_flags,
        read_items,
    )
    from riskgraph.editing.write import Draft, existing_class, prepare_edits
    from riskgraph.errors import InputError

    flags = list(ctx.args)
    if entity_id == STDIN:
        entity_id, file = None, _one_source(file)
    elif flags == [STDIN]:
        flags, file = [], _one_source(file)
    items: list[InputItem] = []
    if file is not None:
        if flags or clear:
            raise InputError(
                "give the changes either as flags or with --file, not both",
                value=" ".join([*flags, *(f"--clear {c}" for c in clear or [])]),
            )
        items = read_items(file)
    elif entity_id is None or entity_id.startswith("-"):
        raise InputError(
            "say which entity to edit: the ID comes first",
            value=entity_id,
            expected="e.g. riskgraph edit R-001 --likelihood 4, or --file FILE",
        )

    def prepare(repo: Repository, config: RegisterConfig) -> Prepared:
        if file is not None:
            return prepare_edits(repo, [_edit_request(repo, item, entity_id) for item in items])
        if entity_id is None:
            raise InputError("say which entity to edit", expected="an ID, or --file FILE")
        cls = existing_class(repo, entity_id, FLAGS)
        changes = parse_flags(flags, cls, editing=True)
        changes.clear.extend(name.strip().replace("-", "_") for name in clear or [])
        check_field_names(cls, changes, FLAGS)
        if not changes:
            raise InputError(
                f"nothing to change for {entity_id}",
                expected=f"field flags (see 'riskgraph fields {cls.kind}'), --clear or --file",
            )
        return prepare_edits(repo, [(entity_id, Draft(cls, changes, FLAGS))])

    write_prepared(register, prepare, dry_run=dry_run)


def remove(
    entity_ids: list[str] = typer.Argument(
        ..., help="IDs of the entities to remove.", metavar="ID...", show_default=False
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    dry_run: bool = DryRunOption,
    register: Path | None = RegisterOption,
) -> None:
    """Remove entities; refused while other entities still link to them.

    Asks for confirmation in a terminal; in scripts and pipes give --yes.

    Example:  riskgraph remove T-007 --yes
    """
    from riskgraph.cli.entity_render import print_plan
    from riskgraph.cli.output import console
    from riskgraph.editing.write import prepare_removal, run_write
    from riskgraph.errors import UserError
    from riskgraph.model.repository import Repository

    ids = list(dict.fromkeys(entity_ids))
    reg = open_register(register)
    if dry_run:
        with reg.reader() as store:
            prepared = prepare_removal(Repository(store, reg.base_iri), ids)
        entities = {entity.id: entity for entity in prepared.entities}
        print_plan(console, prepared.plan, entities, dry_run=True, revision=None)
        return
    if not yes:
        with reg.reader() as store:
            prepare_removal(Repository(store, reg.base_iri), ids)  # refuse before asking
        if not sys.stdin.isatty():
            raise UserError(
                f"removing {', '.join(ids)} needs confirmation: run in a terminal or add --yes"
            )
        typer.confirm(f"Remove {', '.join(ids)} from the register?", abort=True)
    prepared, committed = run_write(reg, lambda repo: prepare_removal(repo, ids))
    entities = {entity.id: entity for entity in prepared.entities}
    revision = committed.revision if committed else None
    print_plan(console, prepared.plan, entities, dry_run=False, revision=revision)


def undo(
    list_only: bool = typer.Option(
        False, "--list", help="List the writes that can be undone, newest first; change nothing."
    ),
    dry_run: bool = DryRunOption,
    register: Path | None = RegisterOption,
) -> None:
    """Undo the last write: add, edit, remove, library adopt or link (from the command line
    or the terminal UI).

    Each write is recorded in the register with what it changed; undo writes the
    reverse as a new transaction. Refused when the entities changed since, or when
    what it restores would break the SHACL shapes.

    Example:  riskgraph undo --list
    """
    from riskgraph.cli.output import console
    from riskgraph.editing.undo import history, plan_undo
    from riskgraph.editing.undo import undo as undo_write

    reg = open_register(register)
    if list_only:
        with reg.reader() as store:
            entries = history(store)
        if not entries:
            console.print("Nothing to undo: no write is recorded in this register.")
        for entry in entries:
            console.print(
                f"{entry.sequence:>4}  {entry.created}  {entry.description}  ({entry.contributor})",
                highlight=False,
                markup=False,
            )
        return
    if dry_run:
        with reg.reader() as store:
            entry, changes = plan_undo(store)
        console.print(
            f"Would undo: {entry.description} ({len(changes.add)} quads back, "
            f"{len(changes.remove)} removed); nothing written.",
            highlight=False,
            markup=False,
        )
        return
    with reg.writer() as store:
        done = undo_write(store)
    console.print(
        f"✓ undone: {done.entry.description} (revision {done.revision})",
        highlight=False,
        markup=False,
    )


def show(
    entity_id: str = typer.Argument(..., help="ID of the entity, e.g. R-001.", metavar="ID"),
    fmt: str = typer.Option("text", "--format", help="text, json or yaml."),
    register: Path | None = RegisterOption,
) -> None:
    """Show one entity or catalogue item: its fields, risk levels, and links both ways.

    IDs of the register (R-001) and ISO/IEC 42001 references (6.1.2, A.6.2.4, C.3.4).

    Example:  riskgraph show R-001 --format yaml
    """
    from riskgraph.cli.entity_render import SHOW_FORMATS, check_format, dump, print_view
    from riskgraph.cli.output import console
    from riskgraph.views.detail import open_detail

    fmt = check_format(fmt, SHOW_FORMATS)
    reg = open_register(register)
    with reg.reader() as store:
        shown = open_detail(store, reg.base_iri, entity_id, reg.config)
    if fmt == "text":
        print_view(console, shown)
    else:
        dump(shown.to_dict(), fmt)


def list_entities(
    kind: str = typer.Argument(
        ..., help="Kind to list, e.g. risks, controls, treatments.", metavar="KIND"
    ),
    where: list[str] | None = typer.Option(
        None,
        "--where",
        "-w",
        help="Filter, repeatable: FIELD=VALUE; also !=, ~ (contains), <, <=, >, >=. "
        "Levels compare by rank; on lists = means contains.",
    ),
    sort: str | None = typer.Option(
        None, "--sort", help="Column to sort by; a leading '-' sorts descending."
    ),
    fmt: str = typer.Option(
        "table",
        "--format",
        help="table, json, yaml or csv. json and yaml give records that 'edit --file' accepts.",
    ),
    limit: int | None = typer.Option(None, "--limit", "-n", min=1, help="At most N rows."),
    register: Path | None = RegisterOption,
) -> None:
    """List the entities of one kind, filtered and sorted.

    Risks also have computed columns: inherent-level, residual-level,
    current-level and above-appetite (in the table, the CSV, --where, --sort).

    Example:  riskgraph list risks --where "current-level>=high" --sort owner
    """
    from riskgraph.cli.entity_render import LIST_FORMATS, check_format, print_records
    from riskgraph.cli.output import console, err_console
    from riskgraph.editing.schema import kind_class
    from riskgraph.model.repository import Repository
    from riskgraph.views.listing import record, select

    cls = kind_class(kind)
    fmt = check_format(fmt, LIST_FORMATS)
    reg = open_register(register)
    with reg.reader() as store:
        entities, problems = Repository(store, reg.base_iri).all(cls)
    for problem in problems:
        err_console.print(
            f"[yellow]warning:[/] {problem.entity_id} ({problem.kind}) could not be read and is "
            f"left out: {problem.message}",
            highlight=False,
            soft_wrap=True,
        )
    rows = select(
        [record(entity, reg.config) for entity in entities],
        cls,
        where=where or [],
        sort=sort,
        limit=limit,
    )
    print_records(console, rows, cls, fmt, appetite_rank=reg.config.risk.appetite_rank)


def fields(
    kind: str | None = typer.Argument(
        None, help="Kind of entity, e.g. risk. Without it: every kind.", metavar="KIND"
    ),
    register: Path | None = RegisterOption,
) -> None:
    """List a kind's fields: the flags of add and edit, and the keys in JSON/YAML.

    Without KIND, list the kinds. The fields are the same in every register;
    -r is accepted and not needed.

    Example:  riskgraph fields risk
    """
    from riskgraph.cli.entity_render import print_fields, print_kinds
    from riskgraph.cli.output import console
    from riskgraph.editing.schema import kind_class

    if kind is None:
        print_kinds(console)
    else:
        print_fields(console, kind_class(kind))


# Shared steps -----------------------------------------------------------------------------------


def _one_source(file: str | None) -> str:
    from riskgraph.editing.input import STDIN
    from riskgraph.errors import InputError

    if file not in (None, STDIN):
        raise InputError("read from stdin ('-') or from --file, not both", value=file)
    return STDIN


def _kind_first(kind: str | None, command: str) -> str:
    from riskgraph.errors import InputError

    if kind is None or kind.startswith("-"):
        raise InputError(
            f"say what to {command}: the KIND comes first",
            value=kind,
            expected=f"e.g. riskgraph {command} risk --title ..., or --file FILE",
        )
    return kind


def _file_drafts(file: str, kind: str | None) -> list[Draft]:
    from riskgraph.editing.input import check_field_names, item_class, read_items
    from riskgraph.editing.write import Draft

    drafts = []
    for item in read_items(file):
        cls = item_class(item, kind)
        check_field_names(cls, item.changes, item.origin)
        drafts.append(Draft(cls, item.changes, item.origin))
    return drafts


def _edit_request(repo: Repository, item: InputItem, entity_id: str | None) -> tuple[str, Draft]:
    """(ID, changes) for one partial object from a file."""
    from riskgraph.editing.input import check_field_names, item_class
    from riskgraph.editing.write import Draft, existing_class

    given = item.changes.values.pop("id", None)
    if given is not None and not isinstance(given, str):
        raise item.origin.error("must be text", field="id", value=given)
    if given and entity_id and given != entity_id:
        raise item.origin.error(
            f"does not match the ID on the command line ({entity_id})", field="id", value=given
        )
    target = given or entity_id
    if not target:
        raise item.origin.error("this object has no id", expected="an 'id' key naming the entity")
    cls = item_class(item, None) if item.kind else existing_class(repo, target, item.origin)
    check_field_names(cls, item.changes, item.origin)
    return target, Draft(cls, item.changes, item.origin)


def write_prepared(register: Path | None, prepare: Preparer, *, dry_run: bool) -> None:
    """Open the register for writing, prepare a plan, commit it (unless a dry run), report."""
    from riskgraph.cli.entity_render import print_plan
    from riskgraph.cli.output import console
    from riskgraph.editing.write import run_write

    reg = open_register(register)
    prepared, committed = run_write(reg, lambda repo: prepare(repo, reg.config), dry_run=dry_run)
    entities = {entity.id: entity for entity in prepared.entities}
    revision = committed.revision if committed else None
    print_plan(console, prepared.plan, entities, dry_run=dry_run, revision=revision)


def attach(app: typer.Typer) -> None:
    app.command(context_settings=FIELD_FLAGS)(add)
    app.command(context_settings=FIELD_FLAGS)(edit)
    app.command()(remove)
    app.command()(undo)
    app.command()(show)
    app.command("list")(list_entities)
    app.command()(fields)
