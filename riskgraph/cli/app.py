"""The typer application and the error boundary: a user's mistake never shows a traceback."""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_group

from riskgraph import __version__

if TYPE_CHECKING:
    from typer._click import Context

COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("register_cmds", "Create a register folder with its store and register.toml."),
    "stats": (
        "register_cmds",
        "Count what the register holds, by type, with risk levels and revision.",
    ),
    "validate": (
        "register_cmds",
        "Check the register against the SHACL shapes. Exits 1 when there are violations.",
    ),
    "settings": (
        "settings_cmds",
        "Settings that change what the register means (name, base IRI, matrix, appetite)."
        " On a shared endpoint they live with the register, the same for everyone.",
    ),
    "doctor": (
        "doctor_cmd",
        "Check a register: its register.toml, lock files and store (every quad is read).",
    ),
    "add": (
        "entity_cmds",
        "Add entities from field flags, or from JSON/YAML in a file or on stdin.",
    ),
    "edit": ("entity_cmds", "Change entities with field flags, or with partial JSON/YAML objects."),
    "remove": ("entity_cmds", "Remove entities; refused while other entities still link to them."),
    "undo": (
        "entity_cmds",
        "Undo the last write: add, edit, remove, library adopt or link (from the command "
        "line or the terminal UI).",
    ),
    "show": (
        "entity_cmds",
        "Show one entity or catalogue item: its fields, risk levels, and links both ways.",
    ),
    "list": ("entity_cmds", "List the entities of one kind, filtered and sorted."),
    "fields": (
        "entity_cmds",
        "List a kind's fields: the flags of add and edit, and the keys in JSON/YAML.",
    ),
    "gaps": (
        "audit_cmds",
        "Coverage report: summary figures first, then the gaps each rule found.",
    ),
    "verify": (
        "audit_cmds",
        "Rerun an export's query and check the result still matches its manifest.",
    ),
    "due": (
        "cadence_cmds",
        "List the risks, controls, treatments and AI systems due or overdue for review, by owner.",
    ),
    "review": (
        "cadence_cmds",
        "Record a review of a risk, control, treatment or AI system; it moves the next review "
        "date.",
    ),
    "accept-risk": (
        "cadence_cmds",
        "Sign a risk acceptance: who (with the authority role), why, and until when.",
    ),
    "soa": (
        "report_cmds",
        "Write the Statement of Applicability: every Annex A control, whether it applies "
        "and why, its implementation status, implementing controls, related risks and "
        "evidence.",
    ),
    "report": (
        "report_cmds",
        "Write the audit report: one self-contained HTML page (works offline) with "
        "summary figures, risk heatmaps, Annex A coverage, the gap lists and the "
        "Statement of Applicability.",
    ),
    "readiness": (
        "certification_cmds",
        "Certification readiness: per stage of the ISO/IEC 42001 journey, what the register "
        "shows as done and what is missing, and which data each criterion looked at.",
    ),
    "trust-report": (
        "certification_cmds",
        "Write the trust report: a public, self-contained HTML page for customers, with only "
        "what the register marks public.",
    ),
    "query": (
        "query_cmds",
        "Stored SPARQL queries (built-in and the register's queries/ folder): list, show, run.",
    ),
    "crosswalk": (
        "library_cmds",
        "Show how two frameworks meet: for each concept of FROM, the concepts of TO it "
        "reaches through mappings (each chain named, with how every step was matched), "
        "and the concepts of FROM with no counterpart in TO.",
    ),
    "coverage": (
        "library_cmds",
        "Framework coverage: which concepts of FRAMEWORK the register's risks and "
        "controls (or a library's) address directly or through crosswalks, and which not.",
    ),
    "library": (
        "library_cmds",
        "Risk and control libraries (AI Atlas Nexus, NIST AI RMF, EU AI Act, MITRE ATLAS,"
        " FINOS, ISO harmonized structure): list, show, load, unload, update, import, "
        "export.",
    ),
    "ai-act": (
        "ai_act_cmds",
        "EU AI Act: record a system's risk level and operator role, and derive candidate "
        "Annex III points from its AIRO/VAIR description (docs/eu-ai-act.md).",
    ),
    "trace": (
        "analytics_cmds",
        "Trace every path from an AI system to ISO/IEC 42001, or from a clause or Annex A"
        " control down to the systems and risks it protects.",
    ),
    "impact": (
        "analytics_cmds",
        "Show the blast radius of a failing component or supplier, or a withdrawn control.",
    ),
    "rank": (
        "analytics_cmds",
        "Rank controls by the risk they carry, or group risks that one treatment could cover.",
    ),
    "import": (
        "io_cmds",
        "Import register data from a file: all of it, or nothing. Existing IDs are updated.",
    ),
    "export": (
        "io_cmds",
        "Export the register as RDF, as the spreadsheet template (CSV per kind, XLSX), or"
        " as a graph for yEd, Gephi or Graphviz (GraphML, GEXF, DOT).",
    ),
    "diff": (
        "snapshot_cmds",
        "Show what was added, removed and changed in the register between two snapshots, "
        "or between a snapshot and now: entity by entity, field by field.",
    ),
    "snapshot": (
        "snapshot_cmds",
        "Named, hashed, read-only copies of the register (e.g. one per audit): create, list.",
    ),
    "push": ("sync_cmds", "Copy this register to a SPARQL endpoint, losslessly."),
    "pull": ("sync_cmds", "Copy the register on a SPARQL endpoint into this register, losslessly."),
    "assist": ("assist_cmds", "Draft risk treatments and identify risks, for a person to review."),
    "ask": (
        "ask_cmd",
        "Ask the register a question: a language model drafts a read-only SPARQL query, "
        "which is shown, run through the read-only guard, and optionally saved as a stored "
        "query.",
    ),
    "mcp": ("mcp_cmd", "Serve the register to AI agents and IDEs over MCP (stdio by default)."),
    "tui": (
        "tui_cmd",
        "Open the register in the terminal UI: dashboard, browser, explorer, queries, reviews.",
    ),
}
"""Every command, in the order --help lists them (set up, edit, coverage and audit, analysis,
data in and out, the assistant and the UI): the module of ``riskgraph.cli`` that defines it
(its ``attach``) and its help line. ``--help`` lists this table without importing any command
module; a command's module is imported when it runs. A test keeps the table equal to the
commands the modules define."""


@cache
def commands_of(module: str) -> TyperGroup:
    """The commands one module of ``riskgraph.cli`` attaches, built by typer."""
    commands = typer.Typer(rich_markup_mode="rich")
    importlib.import_module(f"riskgraph.cli.{module}").attach(commands)
    return get_group(commands)


class _LazyCommand(TyperCommand):
    """A command as the help listing shows it; running it builds the real one."""

    def __init__(self, name: str, module: str, help_line: str) -> None:
        super().__init__(name, help=help_line, short_help=help_line, add_help_option=False)
        self.module = module

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Any = None,
        **extra: Any,
    ) -> Context:
        real = commands_of(self.module).commands[self.name or ""]
        return real.make_context(info_name, args, parent=parent, **extra)


class _LazyGroup(TyperGroup):
    """The root command: lists ``COMMANDS``, imports a command's module only to run it."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> TyperCommand | None:
        if cmd_name not in COMMANDS:
            return None
        module, help_line = COMMANDS[cmd_name]
        return _LazyCommand(cmd_name, module, help_line)

    def format_help(self, ctx: Context, formatter: Any) -> None:
        """The command list in plain text: rendering it with rich would cost more than all
        else ``riskgraph --help`` does (each command's own --help is rich)."""
        mode, self.rich_markup_mode = self.rich_markup_mode, None
        try:
            super().format_help(ctx, formatter)
        finally:
            self.rich_markup_mode = mode


app = typer.Typer(
    cls=_LazyGroup,
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


def main() -> None:
    """Console entry point: run the app, turning our errors into clean messages and exit codes."""
    from riskgraph.errors import RiskgraphError

    try:
        app()
    except KeyboardInterrupt:
        from riskgraph.cli.output import fail

        fail("interrupted", code=130)
    except RiskgraphError as exc:  # the boundary that keeps tracebacks from users
        from riskgraph.cli.output import fail_on

        fail_on(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
