"""``riskgraph snapshot create|list`` and ``riskgraph diff``: freeze the register, compare states.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register

snapshot_app = typer.Typer(
    name="snapshot",
    help="Named, hashed, read-only copies of the register (e.g. one per audit): create, list.",
    no_args_is_help=True,
)


@snapshot_app.command("create")
def create_cmd(
    name: str = typer.Argument(
        ...,
        metavar="NAME",
        help="Snapshot name, a simple slug, e.g. audit-2026.",
        show_default=False,
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Freeze the register's content under NAME (register, drafts and catalogue graphs).

    Written to snapshots/NAME.nq.gz with a JSON sidecar (time, revision, register hash).
    A name is taken once: an existing snapshot is never overwritten.

    Example:  riskgraph snapshot create audit-2026
    """
    from riskgraph.cli.output import success
    from riskgraph.snapshots import create_snapshot

    info = create_snapshot(open_register(register), name)
    success(
        f"snapshot {info.name!r}: revision {info.revision}, {info.quads} quads, "
        f"register hash {info.register_sha256}"
    )


@snapshot_app.command("list")
def list_cmd(register: Path | None = RegisterOption) -> None:
    """List the register's snapshots, oldest first.

    Example:  riskgraph snapshot list
    """
    from rich.table import Table

    from riskgraph.cli.output import console
    from riskgraph.snapshots import list_snapshots

    infos = list_snapshots(open_register(register))
    if not infos:
        console.print("no snapshots yet; take one with 'riskgraph snapshot create NAME'")
        return
    table = Table("name", "created (UTC)", "revision", "quads", "register hash")
    for info in infos:
        table.add_row(
            info.name,
            info.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            str(info.revision),
            str(info.quads),
            info.register_sha256[:16] + "…",
        )
    console.print(table)


def diff(
    before: str = typer.Argument(
        ..., metavar="SNAPSHOT", help="The earlier snapshot.", show_default=False
    ),
    after: str = typer.Argument(
        "now", metavar="[SNAPSHOT|now]", help="The later snapshot, or now (the register as it is)."
    ),
    fmt: str | None = typer.Option(
        None, "--format", help="table (default) or json.", show_default=False
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Show what was added, removed and changed in the register between two snapshots, or
    between a snapshot and now: entity by entity, field by field.

    Example:  riskgraph diff audit-2025 audit-2026
    """
    import json

    from rich.table import Table
    from rich.text import Text

    from riskgraph.cli.output import console, pick_format
    from riskgraph.results.outputs import DIFF
    from riskgraph.snapshots import diff_snapshots

    chosen = pick_format(DIFF, fmt, None).name
    result = diff_snapshots(open_register(register), before, after)
    if chosen == "json":
        typer.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        return
    counts = result.counts()
    console.print(
        f"{before} → {after}: {counts['added']} added, {counts['removed']} removed, "
        f"{counts['changed']} changed",
        markup=False,
        highlight=False,
    )
    if result.is_empty:
        return
    table = Table("id", "kind", "change", "field", "before", "after")
    for row in result.rows():
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def attach(app: typer.Typer) -> None:
    app.add_typer(snapshot_app, name="snapshot")
    app.command()(diff)
