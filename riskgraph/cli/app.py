"""The typer application and the error boundary: a user's mistake never shows a traceback."""

from __future__ import annotations

import sys

import typer

from riskgraph import __version__
from riskgraph.cli import (
    ai_act_cmds,
    analytics_cmds,
    assist_cmds,
    audit_cmds,
    doctor_cmd,
    entity_cmds,
    io_cmds,
    library_cmds,
    mcp_cmd,
    query_cmds,
    register_cmds,
    report_cmds,
    settings_cmds,
    snapshot_cmds,
    sync_cmds,
    tui_cmd,
)

app = typer.Typer(
    name="riskgraph",
    help=(
        "Keep an AI risk register as a knowledge graph, aligned with ISO/IEC 42001.\n\n"
        "Start with:  riskgraph init my-register --example"
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"riskgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """riskgraph: an AI risk register as an RDF knowledge graph."""


# Command groups, in the order --help lists them: set up, edit, coverage and audit, analysis,
# data in and out, the assistant and the UI.
register_cmds.attach(app)
settings_cmds.attach(app)
doctor_cmd.attach(app)
entity_cmds.attach(app)
audit_cmds.attach(app)
report_cmds.attach(app)
query_cmds.attach(app)
library_cmds.attach(app)
ai_act_cmds.attach(app)
analytics_cmds.attach(app)
io_cmds.attach(app)
snapshot_cmds.attach(app)
sync_cmds.attach(app)
assist_cmds.attach(app)
mcp_cmd.attach(app)
tui_cmd.attach(app)


def main() -> None:
    """Console entry point: run the app, turning our errors into clean messages and exit codes."""
    from riskgraph.cli.output import fail, fail_on
    from riskgraph.errors import RiskgraphError

    try:
        app()
    except KeyboardInterrupt:
        fail("interrupted", code=130)
    except RiskgraphError as exc:  # the boundary that keeps tracebacks from users
        fail_on(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
