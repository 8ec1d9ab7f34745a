"""``riskgraph library``: the risk and control libraries (list, show, load, unload, update,
concepts, import, export), and ``riskgraph crosswalk`` and ``riskgraph coverage``.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, open_register

if TYPE_CHECKING:
    from riskgraph.library.crosswalk import Crosswalk
    from riskgraph.library.model import Library

library_app = typer.Typer(
    name="library",
    help="Risk and control libraries (AI Atlas Nexus, NIST AI RMF, EU AI Act, MITRE ATLAS, FINOS, "
    "ISO harmonized structure): list, show, load, unload, update, import, export.",
    no_args_is_help=True,
)
NameArgument = typer.Argument(
    ..., metavar="NAME", help="Library name, e.g. finos-aigf.", show_default=False
)


def _loaded_or_bundled(name: str, register: Path | None) -> Library:
    """The library as loaded in the register; outside a register (none given), as bundled."""
    from riskgraph.library.bundled import bundled, read_bundled
    from riskgraph.library.catalogue import resolve
    from riskgraph.register import RegisterNotFoundError

    try:
        reg = open_register(register)
    except RegisterNotFoundError:
        if register is not None or name not in bundled():
            raise
        return read_bundled(name)
    with reg.reader() as store:
        return resolve(store, name)


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

    library = _loaded_or_bundled(name, register)
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
    from riskgraph.cli.output import options_named, success
    from riskgraph.library.bundled import bundled
    from riskgraph.library.catalogue import load

    reg = open_register(register)
    wanted = list(bundled()) if names == ["all"] else names
    with options_named({"replace": "--replace"}):
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
    from riskgraph.cli.output import options_named, success
    from riskgraph.library.catalogue import unload

    reg = open_register(register)
    with options_named({"force": "--force"}):
        removed = unload(reg, name, force=force)
    success(f"unloaded {name} ({removed} triples)")


@library_app.command("concepts")
def concepts_cmd(
    name: str | None = typer.Argument(None, metavar="[NAME]", help="Only this library."),
    kind: str | None = typer.Option(
        None, "--kind", "-k", help="risk, control, group, term, incident or evaluation."
    ),
    text: str | None = typer.Option(
        None,
        "--text",
        "-t",
        help="Only concepts whose notation, label or definition contains this text.",
    ),
    limit: int = typer.Option(200, "--limit", help="Show at most this many."),
    register: Path | None = RegisterOption,
) -> None:
    """List concepts of the loaded libraries.

    Example:  riskgraph library concepts finos-aigf --kind control
    """
    from rich.table import Table

    from riskgraph.cli.output import console
    from riskgraph.library.catalogue import concepts

    reg = open_register(register)
    with reg.reader() as store:
        rows = concepts(store, name, kind=kind, text=text, limit=limit)
    table = Table("library", "notation", "kind", "label")
    for row in rows:
        table.add_row(row.library, row.notation, row.kind, row.label)
    console.print(table)
    console.print(f"{len(rows)} concept(s)" + (f" (limit {limit})" if len(rows) >= limit else ""))


@library_app.command("export")
def export_cmd(
    name: str = NameArgument,
    output: Path = typer.Option(
        ...,
        "--output",
        "-o",
        help="FILE.ttl (the library) or FILE.sssom.tsv (its mappings, as SSSOM TSV).",
        show_default=False,
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Write a library (as loaded, else as bundled) to Turtle, or its mappings to SSSOM TSV.

    Both carry the library's licence and attribution.

    Example:  riskgraph library export finos-aigf -o finos.sssom.tsv
    """
    from riskgraph.cli.output import success
    from riskgraph.library.exchange import export_library

    library = _loaded_or_bundled(name, register)
    count = export_library(library, output)
    success(
        f"wrote {count} {'mappings' if output.name.endswith('.tsv') else 'triples'} of "
        f"{name} to {output}"
    )


@library_app.command("import")
def import_cmd(
    source: Path = typer.Argument(
        ...,
        metavar="SOURCE",
        help="A library file (.ttl), an SSSOM "
        "mapping set (.sssom.tsv), the FINOS framework folder or the "
        "AI Atlas Nexus knowledge_graph folder.",
        show_default=False,
    ),
    name: str | None = typer.Option(
        None,
        "--name",
        help="Library name for an SSSOM mapping set (default: from its mapping_set_id).",
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Replace a library loaded at another version."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read and check; write nothing."),
    register: Path | None = RegisterOption,
) -> None:
    """Import a library into the register from the publisher's files, in one command.

    The FINOS AI governance framework folder (Markdown with YAML front matter), the AI Atlas
    Nexus YAML folder, an SSSOM TSV mapping set, or a library in Turtle (as 'library export'
    writes it). All or nothing: a bad file changes nothing and names file, line and field.

    Example:  riskgraph library import ai-governance-framework/
    """
    from riskgraph.cli.output import options_named, success
    from riskgraph.library.catalogue import load
    from riskgraph.library.exchange import read_source

    reg = open_register(register)
    library = read_source(source, name=name)
    if dry_run:
        success(
            f"{source}: library {library.name}, {len(library.concepts)} concepts, "
            f"{len(library.mappings)} mappings; nothing written (--dry-run)"
        )
        return
    with options_named({"replace": "--replace"}):
        added = load(reg, [library], replace=replace)
    success(
        f"imported {library.name} from {source}: {len(library.concepts)} concepts, "
        f"{len(library.mappings)} mappings ({added} triples)"
    )


ConceptArgument = typer.Argument(
    ...,
    metavar="CONCEPT",
    help="LIBRARY:NOTATION, e.g. finos-aigf:mi-3, or the concept's IRI.",
    show_default=False,
)


@library_app.command("adopt")
def adopt_cmd(
    reference: str = ConceptArgument,
    entity_id: str | None = typer.Option(
        None, "--id", help="ID of the new register entity (default: the next free R- or C- ID)."
    ),
    likelihood: int | None = typer.Option(
        None, "--likelihood", help="For a risk: its likelihood in this register."
    ),
    severity: int | None = typer.Option(None, "--severity", help="For a risk: its severity."),
    affects: list[str] = typer.Option(
        [],
        "--affects",
        help="For a risk: an AI system it "
        "affects (repeatable). Without it the risk is a "
        "catalogue entry.",
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Adopt a library risk or control into the register; it keeps a link to its source concept
    and the library version (rgl:adoptedFrom, rgl:adoptedVersion).

    Example:  riskgraph library adopt finos-aigf:ri-10 --likelihood 3 --severity 4 --affects SYS-1
    """
    from riskgraph.cli.output import success
    from riskgraph.library.adopt import adopt

    reg = open_register(register)
    adoption = adopt(
        reg,
        reference,
        entity_id=entity_id,
        likelihood=likelihood,
        severity=severity,
        affects=affects,
    )
    success(
        f"adopted {adoption.source.library}:{adoption.source.notation} as "
        f"{adoption.entity.kind} {adoption.entity.id} ({adoption.source.library} "
        f"{adoption.version})"
    )


@library_app.command("link")
def link_cmd(
    entity_id: str = typer.Argument(
        ..., metavar="ID", help="A register risk, control or evidence.", show_default=False
    ),
    reference: str = ConceptArgument,
    predicate: str = typer.Option(
        "closeMatch",
        "--predicate",
        help="exactMatch, closeMatch, broadMatch, narrowMatch or relatedMatch.",
    ),
    justification: str = typer.Option(
        "manual",
        "--justification",
        help="manual, llm, similarity, lexical, structural or unspecified.",
    ),
    author: str = typer.Option("", "--author", help="Who made the link."),
    confidence: float | None = typer.Option(None, "--confidence", help="0 to 1."),
    comment: str = typer.Option("", "--comment", help="Why."),
    register: Path | None = RegisterOption,
) -> None:
    """Link a register risk, control or evidence to a library concept, with who, how and how
    sure. Evidence held for ISO/IEC 27001, ISO 9001 or ISO 14001 links to the same clause in
    the iso-hs library, so that it is found for ISO/IEC 42001.

    Example:  riskgraph library link C-004 nist-ai-rmf:"MANAGE 2.3" --author alice
    """
    from riskgraph.cli.output import success
    from riskgraph.library.adopt import link

    reg = open_register(register)
    mapping = link(
        reg,
        entity_id,
        reference,
        predicate=predicate,
        justification=justification,
        author=author,
        confidence=confidence,
        comment=comment,
    )
    success(f"linked {entity_id} {predicate} {reference} ({mapping.mapping_id})")


@library_app.command("update")
def update_cmd(
    name: str = NameArgument,
    source: Path | None = typer.Option(
        None,
        "--from",
        help="The new version: a library file or "
        "the publisher's folder (default: the bundled one).",
    ),
    apply: bool = typer.Option(
        False, "--apply", help="Load the new version after showing what changes."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Show what updating a loaded library changes: added, removed, renamed and changed
    concepts, and the register links that point to concepts that changed. --apply loads it.

    Example:  riskgraph library update finos-aigf --from ai-governance-framework/ --apply
    """
    from riskgraph.cli.output import console, success
    from riskgraph.library.bundled import read_bundled
    from riskgraph.library.catalogue import load
    from riskgraph.library.exchange import read_source
    from riskgraph.library.update import plan_update

    reg = open_register(register)
    new = read_source(source) if source is not None else read_bundled(name)
    if new.name != name:
        from riskgraph.errors import UserError

        raise UserError(f"{source} holds library {new.name}, not {name}")
    with reg.reader() as store:
        diff = plan_update(store, new)
    console.print(
        f"[bold]{name}[/] {diff.old_version or '-'} -> {diff.new_version or '-'}", highlight=False
    )
    for label, items in (
        ("added", diff.added),
        ("removed", diff.removed),
        ("changed", diff.changed),
    ):
        console.print(
            f"  {len(items)} {label}"
            + (
                ": "
                + ", ".join(c.notation for c in items[:20])
                + (" ..." if len(items) > 20 else "")
                if items
                else ""
            ),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"  {len(diff.renamed)} renamed", highlight=False)
    for item in diff.renamed:
        console.print(
            f"    {item.notation}: {item.old_label!r} -> {item.new_label!r}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        f"  mappings: {diff.mappings_added} added, {diff.mappings_removed} removed", highlight=False
    )
    if diff.affected:
        console.print(
            f"[bold]register links to concepts that changed[/] ({len(diff.affected)}):",
            highlight=False,
        )
        for link in diff.affected:
            console.print(
                f"  {link.entity_id} -> {link.notation} ({link.change})",
                markup=False,
                highlight=False,
            )
    if diff.empty:
        success(f"{name} is up to date")
    elif apply:
        load(reg, [new], replace=True)
        success(f"updated {name} to {diff.new_version or 'the new version'}")


CrosswalkFormat = typer.Option("table", "--format", "-f", help="table, json or sssom.")
HopsOption = typer.Option(5, "--max-hops", help="Longest chain of mappings to follow.")
CoverageHops = typer.Option(4, "--max-hops", help="Longest chain of mappings to follow.")


def crosswalk_cmd(
    source: str = typer.Argument(
        ...,
        metavar="FROM",
        help="A loaded library, a taxonomy in one "
        "(e.g. owasp-llm-2.0), iso42001, iso42001-annex-a or register.",
        show_default=False,
    ),
    target: str = typer.Argument(
        ..., metavar="TO", help="Same choices as FROM.", show_default=False
    ),
    max_hops: int = HopsOption,
    fmt: str = CrosswalkFormat,
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file."),
    register: Path | None = RegisterOption,
) -> None:
    """Show how two frameworks meet: for each concept of FROM, the concepts of TO it reaches
    through mappings (each chain named, with how every step was matched), and the concepts of
    FROM with no counterpart in TO.

    Example:  riskgraph crosswalk owasp-llm-2.0 iso42001-annex-a
    """
    from riskgraph.cli.output import console
    from riskgraph.library.crosswalk import crosswalk
    from riskgraph.library.exchange import crosswalk_json, crosswalk_sssom

    if fmt not in ("table", "json", "sssom"):
        from riskgraph.errors import InputError

        raise InputError("unknown format", value=fmt, expected="table, json or sssom")
    if fmt == "table" and output is not None:
        from riskgraph.errors import UserError

        raise UserError("-o writes json or sssom; add -f json or -f sssom")
    reg = open_register(register)
    with reg.reader() as store:
        walk = crosswalk(store, source, target, max_hops=max_hops)
    if fmt == "table":
        text = None
        _print_crosswalk(walk)
    elif fmt == "json":
        text = crosswalk_json(walk)
    else:
        text = crosswalk_sssom(walk)
    if text is not None:
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                from riskgraph.errors import UserError

                raise UserError(f"cannot write {output}: {exc.strerror}") from None
        else:
            console.out(text, highlight=False)


def _print_crosswalk(walk: Crosswalk) -> None:
    from riskgraph.cli.output import console

    matched = [(s, p) for s, paths in walk.paths.items() for p in paths]
    console.print(
        f"[bold]{walk.source} -> {walk.target}[/]: {len(walk.source_members)} concepts, "
        f"{len(walk.source_members) - len(walk.unmatched)} with a counterpart, "
        f"{len(matched)} links",
        highlight=False,
    )
    for start in sorted(walk.paths, key=lambda s: walk.source_members[s]):
        for path in walk.paths[start]:
            console.print(
                f"{walk.source_members[start]} ={path.predicate}=> "
                f"{walk.target_members[path.end]}  "
                f"({len(path.edges)} step{'s' if len(path.edges) > 1 else ''})",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
            console.print(
                "    " + " ".join(e.describe(walk.labels) for e in path.edges),
                markup=False,
                highlight=False,
                soft_wrap=True,
                style="dim",
            )
    if walk.unmatched:
        console.print(
            f"\n[bold]no counterpart in {walk.target}[/] ({len(walk.unmatched)}):", highlight=False
        )
        for iri in walk.unmatched:
            console.print(
                f"  {walk.source_members[iri]}  {walk.labels.get(iri, '')}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )


def coverage_cmd(
    framework: str = typer.Argument(
        ...,
        metavar="FRAMEWORK",
        help="What to cover: "
        "iso42001-annex-a, nist-ai-rmf, owasp-llm-2.0, eu-ai-act, "
        "any loaded library or taxonomy.",
        show_default=False,
    ),
    by: str = typer.Option(
        "register",
        "--by",
        help="Whose risks and controls count: register "
        "(default) or a loaded library, e.g. finos-aigf.",
    ),
    max_hops: int = CoverageHops,
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    register: Path | None = RegisterOption,
) -> None:
    """Framework coverage: which concepts of FRAMEWORK the register's risks and controls (or a
    library's) address directly or through crosswalks, and which not.

    Example:  riskgraph coverage iso42001-annex-a --by finos-aigf
    """
    import json
    from collections import Counter
    from dataclasses import asdict

    from riskgraph.cli.output import console
    from riskgraph.library.coverage import NOT_ADDRESSED, coverage

    if fmt not in ("table", "json"):
        from riskgraph.errors import InputError

        raise InputError("unknown format", value=fmt, expected="table or json")
    reg = open_register(register)
    with reg.reader() as store:
        rows = coverage(store, framework, by, max_hops=max_hops)
    if fmt == "json":
        console.out(
            json.dumps([asdict(r) for r in rows], indent=2, ensure_ascii=False), highlight=False
        )
        return
    counts = Counter(r.status for r in rows)
    console.print(
        f"[bold]{framework} covered by {by}[/]: {len(rows)} concepts; "
        + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())),
        highlight=False,
    )
    for row in rows:
        if row.status == NOT_ADDRESSED:
            continue
        console.print(
            f"  {row.notation}  {row.status}: {', '.join(row.by[:5])}"
            + (" ..." if len(row.by) > 5 else ""),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    missing = [r for r in rows if r.status == NOT_ADDRESSED]
    if missing:
        console.print(f"[bold]not addressed[/] ({len(missing)}):", highlight=False)
        for row in missing:
            console.print(
                f"  {row.notation}  {row.label}", markup=False, highlight=False, soft_wrap=True
            )


def attach(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
    app.command("crosswalk")(crosswalk_cmd)
    app.command("coverage")(coverage_cmd)
