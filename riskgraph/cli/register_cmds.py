"""Commands about the register as a whole: init, stats, validate."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register

ENDPOINT_PANEL = "Shared SPARQL endpoint"


def init(
    path: Path = typer.Argument(..., help="Folder to create the register in (new or empty)."),
    example: bool = typer.Option(False, "--example", help="Load the Harbourline example register."),
    name: str | None = typer.Option(None, "--name", help="Display name of the register."),
    base_iri: str | None = typer.Option(
        None, "--base-iri", help="Base of entity IRIs, e.g. https://acme.example/ai-register/."
    ),
    endpoint: str | None = typer.Option(
        None,
        "--endpoint",
        help="Keep the register on this SPARQL 1.1 query endpoint instead of in the folder, "
        "e.g. http://localhost:7878/query.",
        rich_help_panel=ENDPOINT_PANEL,
    ),
    update_url: str | None = typer.Option(
        None,
        "--update-url",
        help="SPARQL Update endpoint, e.g. http://localhost:7878/update. Default: --endpoint.",
        rich_help_panel=ENDPOINT_PANEL,
    ),
    store_url: str | None = typer.Option(
        None,
        "--store-url",
        help="Graph Store Protocol endpoint for bulk transfers, e.g. http://localhost:7878/store.",
        rich_help_panel=ENDPOINT_PANEL,
    ),
    auth: str = typer.Option(
        "none",
        "--auth",
        help="none, basic (password in $RISKGRAPH_ENDPOINT_PASSWORD) or bearer (token in "
        "$RISKGRAPH_ENDPOINT_TOKEN).",
        rich_help_panel=ENDPOINT_PANEL,
    ),
    username: str | None = typer.Option(
        None,
        "--username",
        help="User name for basic auth.",
        rich_help_panel=ENDPOINT_PANEL,
    ),
    server_kind: str | None = typer.Option(
        None,
        "--server-kind",
        help="oxigraph, fuseki, virtuoso, graphdb or neptune: where the server keeps its "
        "update and Graph Store endpoints. Default: found by probing --endpoint.",
        rich_help_panel=ENDPOINT_PANEL,
    ),
) -> None:
    """Create a register folder with its store and register.toml.

    With --endpoint the register lives on a shared SPARQL endpoint instead;
    the folder then holds only register.toml and queries/.
    The server's base URL is enough: its query, update and Graph Store URLs are found
    by harmless probes (or from --server-kind); URLs you give yourself win.
    The ontology and catalogue are installed there unless they are there already,
    so teammates run the same init (with the same --base-iri) on the same endpoint.
    Passwords and tokens come from the environment and are never written.

    Example:  riskgraph init my-register --example
    """
    from riskgraph.cli.output import console, options_named, success
    from riskgraph.register import init_register

    settings = endpoint_settings(endpoint, update_url, store_url, auth, username, server_kind)
    with options_named({"base_iri": "--base-iri", "name": "--name"}):
        register = init_register(
            path, name=name, base_iri=base_iri, with_example=example, endpoint=settings
        )
    from riskgraph.cli.options import show_setting_notes

    show_setting_notes(register)
    where = f"on {settings.query_url}" if settings else f"in {path}"
    success(f"created register {register.display_name!r} {where}")
    console.print(
        f"next: [bold]cd {path}[/] and run [bold]riskgraph stats[/] or [bold]riskgraph gaps[/]"
    )


def endpoint_settings(
    endpoint: str | None,
    update_url: str | None,
    store_url: str | None,
    auth: str,
    username: str | None,
    server_kind: str | None = None,
):  # -> EndpointSettings | None (import kept lazy)
    """Endpoint settings from the command line; None without --endpoint (push and pull pass
    their ENDPOINT_URL argument as ``endpoint``). With one URL only, the update and Graph Store
    URLs are discovered (riskgraph.store.discovery) and what was found is said on stderr."""
    from riskgraph.config import EndpointSettings
    from riskgraph.errors import InputError, Location

    if endpoint is None:
        given = [
            flag
            for flag, value in (
                ("--update-url", update_url),
                ("--store-url", store_url),
                ("--username", username),
                ("--server-kind", server_kind),
            )
            if value is not None
        ] + (["--auth"] if auth != "none" else [])
        if given:
            raise InputError(
                f"{', '.join(given)} only go with --endpoint",
                expected="--endpoint URL, or none of the endpoint options",
            )
        return None
    endpoint, update_url, store_url, username, auth = _credentials_out_of_urls(
        endpoint, update_url, store_url, username, auth
    )
    for flag, url in (
        ("--endpoint", endpoint),
        ("--update-url", update_url),
        ("--store-url", store_url),
    ):
        if url is not None and not url.startswith(("http://", "https://")):
            raise InputError(
                "is not an HTTP URL",
                location=Location(column=flag),
                value=url,
                expected="a URL such as http://localhost:7878/query",
            )
    if auth not in ("none", "basic", "bearer"):
        raise InputError(
            "is not a kind of authentication",
            location=Location(column="--auth"),
            value=auth,
            expected="none, basic or bearer",
        )
    if auth == "basic" and not username:
        raise InputError("basic auth needs a user name", location=Location(column="--username"))
    settings = EndpointSettings(
        query_url=endpoint,
        update_url=update_url,
        store_url=store_url,
        auth=auth,  # type: ignore[arg-type]  # checked above
        username=username,
    )
    from riskgraph.cli.output import err_console
    from riskgraph.store.discovery import resolve

    found = resolve(settings, server_kind=server_kind)
    if found is not None:
        err_console.print(found.describe(), highlight=False, markup=False)
    return settings


def _credentials_out_of_urls(
    endpoint: str, update_url: str | None, store_url: str | None, username: str | None, auth: str
) -> tuple[str, str | None, str | None, str | None, str]:
    """Take a user name and password out of the endpoint URLs: they are never written to
    register.toml or shown. The user name becomes --username (basic auth); the password must be
    in $RISKGRAPH_ENDPOINT_PASSWORD, which riskgraph reads on every run."""
    from riskgraph.cli.output import err_console
    from riskgraph.config import split_credentials
    from riskgraph.errors import InputError, Location
    from riskgraph.store.remote_http import PASSWORD_ENV

    urls: list[str | None] = []
    found: dict[str, str] = {}
    with_password: list[str] = []
    for flag, url in (
        ("--endpoint", endpoint),
        ("--update-url", update_url),
        ("--store-url", store_url),
    ):
        if url is None:
            urls.append(None)
            continue
        bare, user, password = split_credentials(url)
        urls.append(bare)
        if user:
            found[flag] = user
        if password is not None:
            with_password.append(flag)
    if not found and not with_password:
        return endpoint, update_url, store_url, username, auth
    names = set(found.values()) | ({username} if username else set())
    where = ", ".join(sorted({*found, *with_password}))
    if len(names) > 1 or auth == "bearer":
        raise InputError(
            "holds a user name that does not match the other options; riskgraph keeps "
            "credentials out of URLs",
            location=Location(column=where),
            value=urls[0],
            expected="the URL without a user name, with --auth and --username",
        )
    if with_password and not os.environ.get(PASSWORD_ENV):
        raise InputError(
            "holds a password; riskgraph never writes or shows passwords, so it takes them from "
            f"${PASSWORD_ENV} only",
            location=Location(column=where),
            value=urls[0],
            expected=f"the URL without user name and password, --auth basic --username "
            f"{next(iter(names), 'NAME')} and the password in ${PASSWORD_ENV}",
        )
    err_console.print(
        f"[yellow]note:[/] the user name and password were taken out of {where}; the endpoint "
        f"is {urls[0]} with basic auth as {next(iter(names), '?')} and the password from "
        f"${PASSWORD_ENV}",
        highlight=False,
        soft_wrap=True,
    )
    bare_endpoint = urls[0]
    if bare_endpoint is None:
        raise InputError("there is no endpoint URL", expected="the endpoint's query URL")
    return bare_endpoint, urls[1], urls[2], next(iter(names), None), "basic"


def stats(register: Path | None = RegisterOption) -> None:
    """Count what the register holds, by type, with risk levels and revision.

    Example:  riskgraph stats -r my-register
    """
    from rich.table import Table

    from riskgraph.analysis.stats import register_stats
    from riskgraph.cli.output import console

    reg = open_register(register)
    with reg.reader() as store:
        figures = register_stats(store, reg.config)
    table = Table(title=f"{reg.display_name}  (revision {figures.revision})", show_header=True)
    table.add_column("entity type")
    table.add_column("count", justify="right")
    for kind, count in figures.counts.items():
        table.add_row(kind, str(count))
    console.print(table)
    if figures.levels:
        levels = Table(title="risks by inherent level")
        levels.add_column("level")
        levels.add_column("risks", justify="right")
        for level, count in figures.levels.items():
            levels.add_row(level, str(count))
        console.print(levels)
    console.print(
        f"{figures.triples} triples in the register graph; appetite: {reg.config.risk.appetite}"
    )


def validate(
    register: Path | None = RegisterOption,
    show_info: bool = typer.Option(False, "--info", help="Also list Info results."),
) -> None:
    """Check the register against the SHACL shapes. Exits 1 when there are violations.

    Example:  riskgraph validate -r my-register
    """
    from riskgraph.cli.output import console
    from riskgraph.validation import validate_store

    reg = open_register(register)
    with console.status("validating…"), reg.reader() as store:
        report = validate_store(store)
    colours = {"Violation": "red", "Warning": "yellow", "Info": "blue"}
    for severity, colour in colours.items():
        issues = report.by_severity(severity)
        if not issues or (severity == "Info" and not show_info):
            continue
        console.print(f"\n[bold {colour}]{severity}s ({len(issues)})[/]")
        for issue in issues:
            field = f" [dim]{issue.path}[/]" if issue.path else ""
            console.print(f"  [bold]{issue.focus}[/]{field}: {issue.message}", highlight=False)
    counts = report.counts()
    summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items())
    if report.conforms:
        console.print(f"\n[green]✓ the register conforms[/] ({summary})")
    else:
        console.print(f"\n[red]✗ the register does not conform[/] ({summary})")
        raise typer.Exit(1)


def attach(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(stats)
    app.command()(validate)
