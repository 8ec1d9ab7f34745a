"""``riskgraph library``: the risk and control libraries (list, show, load, unload, update,
concepts, import, export), and ``riskgraph crosswalk`` and ``riskgraph coverage``.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register

library_app = typer.Typer(
    name="library",
    help="Risk and control libraries (AI Atlas Nexus, NIST AI RMF, EU AI Act, MITRE ATLAS, FINOS, "
    "ISO harmonized structure): list, show, load, unload, update, import, export.",
    no_args_is_help=True,
)
NameArgument = typer.Argument(
    ..., metavar="NAME", help="Library name, e.g. finos-aigf.", show_default=False
)


@library_app.command("list")
def list_cmd(register: Path | None = RegisterOption) -> None:
    """List the bundled libraries and those loaded in the register.

    Outside a register only the bundled libraries are listed.

    Example:  riskgraph library list
    """
    from rich.table import Table

    from riskgraph.cli.output import console
    from riskgraph.library.bundled import bundled
    from riskgraph.library.catalogue import LibraryInfo, list_libraries
    from riskgraph.register import RegisterNotFoundError

    try:
        reg = open_register(register)
    except RegisterNotFoundError:
        if register is not None:
            raise
        infos = [
            LibraryInfo(
                b.name, b.title, b.version, b.license_name, True, None, b.concepts, b.mappings
            )
            for b in bundled().values()
        ]
    else:
        with reg.reader() as store:
            infos = list_libraries(store)
    table = Table("name", "title", "version", "licence", "concepts", "mappings", "status")
    for info in infos:
        table.add_row(
            info.name,
            info.title,
            info.version or "-",
            info.license_name or "-",
            str(info.concepts or "-"),
            str(info.mappings or "-"),
            info.status,
        )
    console.print(table)


@library_app.command("show")
def show_cmd(
    name: str = NameArgument,
    register: Path | None = RegisterOption,
) -> None:
    """Show a library: title, version, source, licence and attribution, its taxonomies (each
    with its own licence) and its concepts by kind.

    Example:  riskgraph library show ai-atlas-nexus
    """
    from collections import Counter

    from riskgraph.cli.output import console
    from riskgraph.library.bundled import bundled, read_bundled
    from riskgraph.library.catalogue import resolve
    from riskgraph.register import RegisterNotFoundError

    try:
        reg = open_register(register)
    except RegisterNotFoundError:
        if register is not None or name not in bundled():
            raise
        library = read_bundled(name)
    else:
        with reg.reader() as store:
            library = resolve(store, name)
    meta = library.meta
    lines = [
        ("library", library.name),
        ("title", meta.title),
        ("version", meta.version or "-"),
        ("publisher", meta.publisher or "-"),
        ("source", meta.source or "-"),
        ("licence", f"{meta.license_name} <{meta.license}>" if meta.license else "-"),
        ("attribution", meta.attribution or "-"),
    ]
    if meta.description:
        lines.append(("about", meta.description))
    kinds = Counter(c.kind for c in library.concepts)
    lines.append(("concepts", ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))))
    lines.append(("mappings", str(len(library.mappings))))
    for label, value in lines:
        console.print(f"[bold]{label:>12}[/]  ", end="", highlight=False)
        console.print(value, markup=False, highlight=False, soft_wrap=True)
    if library.taxonomies:
        console.print("\n[bold]taxonomies[/]")
        counts = Counter(k for c in library.concepts for k in c.schemes)
        for taxonomy in library.taxonomies:
            console.print(
                f"  {taxonomy.key} ({counts[taxonomy.key]} concepts): {taxonomy.title}; "
                f"licence {taxonomy.license_name or meta.license_name}"
                + (f"; {taxonomy.attribution}" if taxonomy.attribution else "")
                + (f" NOTE: {taxonomy.note}" if taxonomy.note else ""),
                markup=False,
                highlight=False,
                soft_wrap=True,
            )


@library_app.command("load")
def load_cmd(
    names: list[str] = typer.Argument(
        ..., metavar="NAME...", help="Library names, or 'all'.", show_default=False
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace a library loaded at another version."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Load bundled libraries into the register, each in its own named graph (one transaction
    for all of them; the register's own data is not touched).

    Example:  riskgraph library load finos-aigf ai-atlas-nexus
    """
    from riskgraph.cli.output import success
    from riskgraph.library.bundled import bundled
    from riskgraph.library.catalogue import load

    reg = open_register(register)
    wanted = list(bundled()) if names == ["all"] else names
    added = load(reg, wanted, replace=replace)
    if added:
        success(f"loaded {', '.join(wanted)} ({added} triples)")
    else:
        success(f"{', '.join(wanted)}: already loaded at this version; nothing to do")


@library_app.command("unload")
def unload_cmd(
    name: str = NameArgument,
    force: bool = typer.Option(
        False, "--force", help="Unload even while register entities link to it."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Remove a library's graph from the register (all or nothing).

    Refused while register risks or controls link to its concepts, unless --force.

    Example:  riskgraph library unload mitre-atlas
    """
    from riskgraph.cli.output import success
    from riskgraph.library.catalogue import unload

    reg = open_register(register)
    removed = unload(reg, name, force=force)
    success(f"unloaded {name} ({removed} triples)")


def attach(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
