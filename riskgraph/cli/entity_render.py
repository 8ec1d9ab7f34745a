"""How the entity commands print: the fields of a kind, one entity with its links, lists of
entities as a table, JSON, YAML or CSV, and what a write did.

Machine formats go to stdout as plain text (no colours, no wrapping); tables go through rich.
Imported by the entity commands when they run, never at CLI start-up, so it may import the core.
"""

from __future__ import annotations

import csv
import json
import sys

import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from riskgraph.editing.schema import fields_of, ontology, with_article
from riskgraph.model.entities import ENTITY_TYPES, Entity
from riskgraph.model.repository import Plan
from riskgraph.results.outputs import ENTITY, LISTING, Document
from riskgraph.scoring import level_by_name
from riskgraph.views.detail import Detail, Link
from riskgraph.views.listing import HEADERS, LEVEL_COLUMNS, Record, columns_of, table_columns

LIST_FORMATS = LISTING
SHOW_FORMATS = ENTITY


def check_format(name: str, document: Document) -> str:
    """The name of the format asked for, from the one registry of output formats."""
    from riskgraph.cli.output import pick_format

    return pick_format(document, name, None).name


def dump(data: object, fmt: str) -> None:
    """Write ``data`` to stdout as JSON or YAML."""
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


# fields -----------------------------------------------------------------------------------------


def print_kinds(console: Console) -> None:
    onto = ontology()
    table = Table(title="kinds of entity")
    for column in ("kind", "plural", "ID prefix", "what it is"):
        table.add_column(column, no_wrap=column != "what it is")
    for cls in ENTITY_TYPES:
        about = onto.comments.get(cls.rdf_type) or onto.label(cls.rdf_type)
        table.add_row(cls.kind, cls.plural, cls.id_prefix, escape(about))
    console.print(table)
    console.print("Fields of one kind: riskgraph fields KIND", highlight=False)


def print_fields(console: Console, cls: type[Entity]) -> None:
    table = Table(title=f"fields of {with_article(cls.kind)} (ID prefix {cls.id_prefix})")
    table.add_column("flag", style="bold", no_wrap=True)
    table.add_column("type")
    table.add_column("required")
    table.add_column("description")
    for info in fields_of(cls).values():
        required = "required" if info.required and info.name != "id" else "optional"
        table.add_row(info.flag, info.type_label(), required, escape(info.description))
    console.print(table)
    console.print(
        "Lists: repeat the flag or separate values with commas. In JSON/YAML files use the "
        "field names as keys.",
        highlight=False,
    )


# show -------------------------------------------------------------------------------------------


def print_view(console: Console, shown: Detail) -> None:
    node = shown.node
    console.print(
        f"[bold]{escape(node.key)}[/]  [dim]{escape(shown.kind)}[/]  {escape(node.title)}",
        highlight=False,
    )
    fields = Table(show_header=False, box=None, pad_edge=False)
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column()
    if shown.entity is not None:
        rows = list(shown.entity.model_dump(mode="json").items())
    else:
        rows = [(f.name, f.value) for f in shown.fields]
    for name, value in rows:
        if name in ("id", "title") or value in (None, [], ""):
            continue
        fields.add_row(escape(name), escape(cell(value)))
    console.print(fields)
    if (levels := shown.levels) is not None:
        inherent = f"inherent {levels.inherent.name}" if levels.inherent else "no inherent score"
        residual = (
            f", residual {levels.residual.name}" if levels.residual else ", no residual score"
        )
        colour = "bold red" if levels.above_appetite else "green"
        console.print(
            f"\n[bold]levels[/] ({levels.matrix}): {inherent}{residual}; "
            f"[{colour}]{levels.verdict}[/] ({levels.appetite})",
            highlight=False,
        )
    if (accepted := shown.acceptance) is not None:
        colour = "bold red" if accepted.changed else "green"
        console.print(
            f"\n[bold]acceptance[/]: [{colour}]{escape(accepted.text)}[/]", highlight=False
        )
    _print_links(console, "links to", shown.outgoing())
    _print_links(console, "linked from", shown.incoming())


def _print_links(console: Console, heading: str, links: list[Link]) -> None:
    if not links:
        console.print(f"\n[bold]{heading}[/]: nothing", highlight=False)
        return
    table = Table(title=f"{heading} ({len(links)})", title_justify="left", box=None)
    for column in ("via", "id", "kind", "title"):
        table.add_column(column, no_wrap=column in ("via", "id"))
    for link in links:
        node = link.node
        table.add_row(escape(link.via), escape(node.key), escape(node.kind), escape(node.title))
    console.print()
    console.print(table)


# list -------------------------------------------------------------------------------------------


def print_records(
    console: Console, rows: list[Record], cls: type[Entity], fmt: str, *, appetite_rank: int
) -> None:
    if fmt in ("json", "yaml"):
        computed = set(columns_of(cls)) - set(fields_of(cls))
        dump([{k: v for k, v in row.items() if k not in computed} for row in rows], fmt)
    elif fmt == "csv":
        _write_csv(rows, columns_of(cls))
    else:
        _print_table(console, rows, cls, appetite_rank)


def _write_csv(rows: list[Record], columns: list[str]) -> None:
    from riskgraph.results.formulas import neutralise

    writer = csv.writer(sys.stdout)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                ("true" if v else "false")
                if isinstance(v := row.get(c), bool)
                else neutralise(cell(v))
                for c in columns
            ]
        )


def _print_table(console: Console, rows: list[Record], cls: type[Entity], appetite: int) -> None:
    columns = table_columns(cls)
    table = Table(title=f"{cls.plural} ({len(rows)})", title_justify="left")
    for column in columns:
        table.add_column(HEADERS.get(column, column.replace("_", " ")), no_wrap=column == "id")
    for row in rows:
        table.add_row(*(_styled(column, row.get(column), appetite) for column in columns))
    console.print(table)


def _styled(column: str, value: object, appetite_rank: int) -> str:
    text = escape(cell(value))
    if column in LEVEL_COLUMNS and isinstance(value, str):
        rank = level_by_name(value).rank
        colour = "red" if rank > appetite_rank else "yellow" if rank == appetite_rank else "green"
        return f"[{colour}]{text}[/]"
    return text


# writes -----------------------------------------------------------------------------------------


def print_plan(
    console: Console,
    plan: Plan,
    entities: dict[str, Entity],
    *,
    dry_run: bool,
    revision: int | None,
) -> None:
    """What a write did (or, with --dry-run, would do), one line per entity."""

    def label(entity_id: str) -> str:
        entity = entities.get(entity_id)
        if entity is None:
            return f"[bold]{escape(entity_id)}[/]"
        return f"{entity.kind} [bold]{escape(entity_id)}[/] {escape(repr(entity.title))}"

    verbs = (
        ("would add", "would change", "would remove")
        if dry_run
        else ("added", "changed", "removed")
    )
    mark = "[yellow]~[/]" if dry_run else "[green]✓[/]"
    for entity_id in plan.added:
        console.print(f"{mark} {verbs[0]} {label(entity_id)}", highlight=False)
    for entity_id, lines in plan.changed.items():
        console.print(f"{mark} {verbs[1]} {label(entity_id)}", highlight=False)
        for line in lines:
            console.print(f"    {escape(line)}", highlight=False)
    for entity_id in plan.unchanged:
        console.print(
            f"  {label(entity_id)} unchanged: it already has these values", highlight=False
        )
    for entity_id in plan.removed:
        console.print(f"{mark} {verbs[2]} {label(entity_id)}", highlight=False)
    if dry_run:
        console.print("dry run: nothing was written", style="dim", highlight=False)
    elif revision is not None:
        console.print(f"register revision {revision}", style="dim", highlight=False)
