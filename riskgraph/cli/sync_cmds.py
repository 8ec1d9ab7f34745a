"""Commands that move a register between its folder and a shared SPARQL endpoint: push, pull.

Only typer and the standard library load with this module; each command imports what it needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, open_register
from riskgraph.cli.register_cmds import ENDPOINT_PANEL, endpoint_settings

if TYPE_CHECKING:
    from riskgraph.config import EndpointSettings
    from riskgraph.register import Register
    from riskgraph.store.base import Store
    from riskgraph.store.remote_http import SparqlEndpoint
    from riskgraph.store.remote_transfer import TransferReport

UrlArgument = typer.Argument(
    ...,
    metavar="ENDPOINT_URL",
    help="The endpoint's SPARQL query URL, e.g. http://localhost:7878/query.",
    show_default=False,
)
UpdateUrlOption = typer.Option(
    None,
    "--update-url",
    help="SPARQL Update URL, e.g. http://localhost:7878/update. Default: ENDPOINT_URL.",
    rich_help_panel=ENDPOINT_PANEL,
)
StoreUrlOption = typer.Option(
    None,
    "--store-url",
    help="Graph Store Protocol URL, e.g. http://localhost:7878/store: one streamed request per "
    "graph. Without it, SPARQL Update in chunks.",
    rich_help_panel=ENDPOINT_PANEL,
)
AuthOption = typer.Option(
    "none",
    "--auth",
    help="none, basic (password in $RISKGRAPH_ENDPOINT_PASSWORD) or bearer (token in "
    "$RISKGRAPH_ENDPOINT_TOKEN).",
    rich_help_panel=ENDPOINT_PANEL,
)
UsernameOption = typer.Option(
    None, "--username", help="User name for basic auth.", rich_help_panel=ENDPOINT_PANEL
)
ServerKindOption = typer.Option(
    None,
    "--server-kind",
    help="oxigraph, fuseki, virtuoso, graphdb or neptune: where the server keeps its update "
    "and Graph Store endpoints, and its limits. Default: found by probing ENDPOINT_URL.",
    rich_help_panel=ENDPOINT_PANEL,
)
ReplaceOption = typer.Option(
    False, "--replace", help="Overwrite the register already on the receiving side."
)
VerifyOption = typer.Option(
    False,
    "--verify",
    help="Also compare the register hashes of both sides (reads everything once more).",
)


def push(
    url: str = UrlArgument,
    update_url: str | None = UpdateUrlOption,
    store_url: str | None = StoreUrlOption,
    auth: str = AuthOption,
    username: str | None = UsernameOption,
    server_kind: str | None = ServerKindOption,
    replace: bool = ReplaceOption,
    verify: bool = VerifyOption,
    register: Path | None = RegisterOption,
) -> None:
    """Copy this register to a SPARQL endpoint, losslessly.

    Every riskgraph graph is copied: ontology, catalogue, register, drafts, revisions.
    An endpoint that already holds a register is refused unless --replace.
    Other writers of this register wait until the copy is done.
    Teammates then work on it: riskgraph init FOLDER --endpoint ENDPOINT_URL ...

    Example:  riskgraph push http://localhost:7878/query --store-url http://localhost:7878/store
    """
    from riskgraph.cli.output import console
    from riskgraph.store.remote import RemoteStore

    reg = open_register(register)
    settings = _settings(url, update_url, store_url, auth, username, server_kind, reg)
    url, update_url, store_url = settings.query_url, settings.update_url, settings.store_url
    with _connected(settings) as endpoint, reg.write_session(), reg.reader() as source:
        target = RemoteStore(endpoint)
        report, _base, hashes = _copy(source, target, replace, verify, f"the endpoint {url}")
        from riskgraph.shared_settings import write_shared

        write_shared(target, reg.config)  # the settings travel with the register
    _print_report(report, hashes, f"copied {reg.display_name!r} to {url}")
    options = "".join(
        f" {flag} {value}"
        for flag, value in (
            ("--update-url", update_url),
            ("--store-url", store_url),
            ("--auth", None if settings.auth == "none" else settings.auth),
            ("--username", settings.username),
        )
        if value
    )
    console.print(
        f"next: teammates run [bold]riskgraph init FOLDER --endpoint {url}{options}[/] "
        "(name, base IRI, matrix and appetite come with the register)",
        highlight=False,
        soft_wrap=True,
    )


def pull(
    url: str = UrlArgument,
    update_url: str | None = UpdateUrlOption,
    store_url: str | None = StoreUrlOption,
    auth: str = AuthOption,
    username: str | None = UsernameOption,
    server_kind: str | None = ServerKindOption,
    replace: bool = ReplaceOption,
    verify: bool = VerifyOption,
    register: Path | None = RegisterOption,
) -> None:
    """Copy the register on a SPARQL endpoint into this register, losslessly.

    Every riskgraph graph is copied: ontology, catalogue, register, drafts, revisions.
    A register that holds data is refused unless --replace; a new one is fine.
    Restart a TUI that has this register open afterwards.

    Example:  riskgraph init local-copy && riskgraph pull http://localhost:7878/query -r local-copy
    """
    from riskgraph.cli.output import err_console
    from riskgraph.store.remote import RemoteStore

    reg = open_register(register)
    settings = _settings(url, update_url, store_url, auth, username, server_kind, reg)
    url = settings.query_url
    where = f"the register at {reg.folder}" if reg.folder else "this register"
    with _connected(settings) as endpoint, reg.write_session(), reg.writer() as target:
        source = RemoteStore(endpoint, read_only=True)
        report, base, hashes = _copy(source, target, replace, verify, where)
        from riskgraph.shared_settings import adopt, read_shared, settings_to_folder

        adopted = adopt(reg.config, read_shared(source))
    if not reg.is_remote:
        with reg.writer() as store:
            settings_to_folder(store)  # a folder register keeps them in register.toml
    if adopted and reg.folder is not None:
        from riskgraph.config import CONFIG_FILE, save_config

        save_config(reg.config, reg.folder / CONFIG_FILE)
        err_console.print(
            "the register's own settings were copied into register.toml:\n  "
            + "\n  ".join(adopted),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    _print_report(report, hashes, f"copied the register on {url} into {reg.display_name!r}")
    if base is not None and base != reg.base_iri:
        err_console.print(
            f"[yellow]warning:[/] the entities' IRIs start with {base} but this register's "
            f'base IRI is {reg.base_iri}; set base_iri = "{base}" in \\[general] of '
            "register.toml so that new entities match",
            highlight=False,
            soft_wrap=True,
        )


# Shared steps -----------------------------------------------------------------------------------


def _settings(
    url: str,
    update_url: str | None,
    store_url: str | None,
    auth: str,
    username: str | None,
    server_kind: str | None,
    reg: Register,
) -> EndpointSettings:
    from riskgraph.errors import UserError

    settings = endpoint_settings(url, update_url, store_url, auth, username, server_kind)
    if settings is None:
        raise UserError("give the endpoint's query URL")
    url = settings.query_url
    home = reg.config.endpoint.query_url if reg.is_remote and reg.config.endpoint else None
    if home is not None and home.rstrip("/") == url.rstrip("/"):
        raise UserError(f"this register already lives on {url}; there is nothing to copy")
    return settings


@contextmanager
def _connected(settings: EndpointSettings) -> Iterator[SparqlEndpoint]:
    """The endpoint's connection, closed when the copy is done or fails."""
    from riskgraph.store.remote_http import SparqlEndpoint

    endpoint = SparqlEndpoint(settings)
    try:
        yield endpoint
    finally:
        endpoint.close()


def _copy(
    source: Store, target: Store, replace: bool, verify: bool, target_name: str
) -> tuple[TransferReport, str | None, tuple[str, str] | None]:
    """Copy with a progress bar; the report, the entities' base IRI and (with verify) the
    register hashes of source and target."""
    from riskgraph.cli.io_cmds import ProgressBar
    from riskgraph.cli.output import options_named
    from riskgraph.results import register_hash_full
    from riskgraph.store.remote_transfer import entity_base, transfer

    with options_named({"replace": "--replace"}), ProgressBar() as progress:
        report = transfer(
            source, target, replace=replace, target_name=target_name, progress=progress
        )
        hashes = None
        if verify:
            progress.phase("comparing register hashes", total=None)
            # computed from the content: a copied kept value would prove nothing
            hashes = (register_hash_full(source), register_hash_full(target))
    return report, entity_base(source), hashes


def _print_report(report: TransferReport, hashes: tuple[str, str] | None, headline: str) -> None:
    from rich.table import Table

    from riskgraph.cli.output import console, success
    from riskgraph.store.base import StoreError
    from riskgraph.store.remote_transfer import RISKGRAPH_GRAPHS

    table = Table(show_header=True, box=None)
    table.add_column("graph")
    table.add_column("triples", justify="right")
    for graph, count in report.graphs.items():
        table.add_row(graph.removeprefix(RISKGRAPH_GRAPHS), f"{count:,}")
    for graph in report.dropped:
        table.add_row(graph.removeprefix(RISKGRAPH_GRAPHS), "removed")
    console.print(table)
    if hashes is not None and hashes[0] != hashes[1]:
        raise StoreError(
            f"the copy differs from the original: register hash {hashes[1]} instead of {hashes[0]}"
        )
    checked = f"; register hash {hashes[0][:16]}… on both sides" if hashes else ""
    success(f"{headline}: {report.quads:,} triples, register revision {report.revision}{checked}")


def attach(app: typer.Typer) -> None:
    app.command()(push)
    app.command()(pull)
