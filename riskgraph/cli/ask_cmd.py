"""``riskgraph ask``: a question in plain language, answered by a query a language model drafts.

The drafted query is shown, then run only through the read-only guard (as ``query run`` runs
ad-hoc text), and can be saved as a stored query. Only typer and the standard library load with
this module; the assistant (and with it openai) is imported inside the command.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import (
    RegisterOption,
    TimeoutOption,
    TodayOption,
    open_register,
    today_option,
)

if TYPE_CHECKING:
    from riskgraph.assistant.ask import DraftedQuery
    from riskgraph.assistant.endpoint import Endpoint
    from riskgraph.register import Register


def ask(
    question: str = typer.Argument(
        ..., help="The question, in plain language (in quotes).", show_default=False
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="Format of the results, as for 'query run' (table, csv, json, markdown, xlsx ...). "
        "Default: from the -o file's extension; else table (turtle for CONSTRUCT).",
        show_default=False,
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write every row to this file.", show_default=False
    ),
    param: list[str] | None = typer.Option(
        None,
        "--param",
        "-p",
        help="A value for a parameter the model declared, NAME=VALUE (repeatable).",
        show_default=False,
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        "-n",
        min=0,
        help="Rows to show (0: all). Default: queries.display_limit in register.toml.",
        show_default=False,
    ),
    save: str | None = typer.Option(
        None,
        "--save",
        help="Save the drafted query as a stored query of the register under this name.",
        show_default=False,
    ),
    title: str | None = typer.Option(
        None, "--title", help="With --save: the stored query's title.", show_default=False
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --save: save without asking."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print exactly what would be sent to the model; send nothing."
    ),
    timeout: float | None = TimeoutOption,
    today: str | None = TodayOption,
    register: Path | None = RegisterOption,
) -> None:
    """Ask the register a question: a language model drafts a read-only SPARQL query, which is
    shown, run through the read-only guard, and optionally saved as a stored query.

    Whatever the model writes, nothing but a read-only query runs (no INSERT, DELETE, LOAD,
    SERVICE ...). Every ask is recorded in the register's audit trail.

    Examples:  riskgraph ask "which high risks have no approved treatment?"
               riskgraph ask "which Annex A controls does nobody implement?" -o controls.csv
               riskgraph ask "risks of the credit system" --save credit-risks --title "Credit risks"
    """
    from riskgraph.assistant.ask import check_question, check_save_name, draft_query
    from riskgraph.cli.assist_cmds import configured_endpoint, required_endpoint
    from riskgraph.cli.query_cmds import (
        parse_params,
        query_time_limit,
        refuse_limit_with_output,
    )
    from riskgraph.errors import UserError

    text = check_question(question)
    params = parse_params(param or [])
    day = today_option(today)
    if title is not None and save is None:
        raise UserError("--title names a saved query: give --save NAME with it")
    if save is not None and not (title or "").strip():
        raise UserError('--save needs --title "...": the title of the stored query')
    refuse_limit_with_output(output, limit)
    if fmt is not None or output is not None:  # a wrong format is an error before any request
        from riskgraph.cli.output import pick_format
        from riskgraph.results.outputs import QUERY_RESULTS

        pick_format(QUERY_RESULTS, fmt, output)
    reg = open_register(register)
    if save is not None:
        check_save_name(reg, save)  # before paying for an answer
    if dry_run:
        _dry_run(reg, text, configured_endpoint(reg))
        return
    endpoint = required_endpoint(reg)
    time_limit = query_time_limit(reg, timeout)
    drafted = draft_query(reg, text, endpoint=endpoint)
    _run(reg, drafted, params, day, fmt, output, limit, time_limit)
    if save is not None:
        _save(reg, drafted, save, title or "", yes, day)


def _dry_run(reg: Register, question: str, endpoint: Endpoint | None) -> None:
    from riskgraph.assistant.ask import ask_request
    from riskgraph.cli.assist_cmds import dry_run_endpoint

    configured = endpoint is not None
    sent = ask_request(reg, question, dry_run_endpoint(reg.config.assistant, endpoint))
    typer.echo(sent.shown("ask" if configured else "ask (no endpoint configured)"))
    typer.echo("dry run: 1 request shown, nothing sent, nothing run.")


def _run(
    reg: Register,
    drafted: DraftedQuery,
    params: dict[str, str],
    day: date | None,
    fmt: str | None,
    output: Path | None,
    limit: int | None,
    time_limit: float,
) -> None:
    from riskgraph.assistant.ask import record_outcome
    from riskgraph.cli.query_cmds import _format, _kind, show_or_export
    from riskgraph.errors import RiskgraphError

    chosen = _format(fmt, output, _kind(drafted.form))
    _show_draft(drafted, to_stderr=output is None and chosen.name != "table")
    try:
        show_or_export(reg, drafted.query, params, day, chosen, output, limit, True, time_limit)
    except RiskgraphError as exc:
        record_outcome(reg, drafted, ran=False, outcome=f"error: {exc}", face="cli")
        raise
    record_outcome(reg, drafted, ran=True, outcome="ok", face="cli")


def _show_draft(drafted: DraftedQuery, *, to_stderr: bool) -> None:
    """The query as the model wrote it (text, never markup), its explanation and flags."""
    from rich.syntax import Syntax

    from riskgraph.assistant.display import plain
    from riskgraph.cli.output import console, err_console

    target = err_console if to_stderr else console
    target.print(plain(f"drafted by {drafted.model} ({drafted.template}):"), style="bold")
    target.print(Syntax(plain(drafted.sparql).plain, "sparql", word_wrap=True))
    if drafted.answer.explanation:
        target.print(plain(drafted.answer.explanation), style="dim")
    for p in drafted.answer.parameters:
        target.print(plain(f"parameter {p.name} ({p.type.value}) = {p.default or '(unbound)'}"))
    for flag in drafted.flags:
        target.print(plain(f"! {flag}"), style="yellow")


def _save(
    reg: Register, drafted: DraftedQuery, name: str, title: str, yes: bool, day: date | None
) -> None:
    from riskgraph.assistant.ask import save_query
    from riskgraph.cli.output import console

    if not yes and not typer.confirm(f"Save this query as {name}?", default=False):
        console.print("not saved", markup=False, highlight=False)
        return
    path = save_query(reg, drafted, name, title, day)
    console.print(
        f"saved as {name} ({path}); run it with: riskgraph query run {name}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def attach(app: typer.Typer) -> None:
    app.command("ask")(ask)
