"""'assist identify' and 'assist intake': candidate risks for an AI system, reviewed by a person.

Only typer and the standard library are imported at load time; the assistant is imported inside
the command bodies. Deciding on a candidate goes through 'assist accept' and 'assist reject',
which also decide on treatment drafts.
"""

from __future__ import annotations

from pathlib import Path

import typer

from riskgraph.cli.options import RegisterOption, open_register


def identify(
    system_id: str = typer.Argument(..., help="The AI system, e.g. SYS-CREDIT."),
    limit: int = typer.Option(5, "--limit", help="How many candidates to propose (1 to 20)."),
    offline: bool = typer.Option(
        False,
        "--offline",
        help="Use the offline ranker even when a model endpoint is configured.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print exactly what would be sent to the model; send nothing."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Propose candidate risks for an AI system, citing the loaded libraries' concepts.

    Without a model endpoint (or with --offline) a BM25 ranker over the libraries proposes them;
    with one, the model reranks and explains the ranker's shortlist. Candidates are stored as
    pending drafts: review them with 'riskgraph assist review'.

    Examples:  riskgraph assist identify SYS-CREDIT
               riskgraph assist identify SYS-CHATBOT --limit 8 --offline
    """
    from riskgraph.assistant.candidates import identify as run_identify
    from riskgraph.cli.assist_cmds import configured_endpoint
    from riskgraph.cli.output import console, options_named
    from riskgraph.errors import UserError

    reg = open_register(register)
    endpoint = None if offline else configured_endpoint(reg)
    if dry_run:
        if endpoint is None:
            raise UserError(
                "--dry-run shows the request to the model; no endpoint is configured "
                "(or --offline was given), so nothing would be sent"
            )
        _print_request(reg, system_id, endpoint)
        return
    how = (
        f"with {endpoint.model} at {endpoint.host}, reranking the offline ranker's shortlist"
        if endpoint
        else "offline (BM25 over the loaded libraries)"
    )
    console.print(f"identifying risks of {system_id} {how}", highlight=False, markup=False)
    with options_named({"limit": "--limit"}):
        outcome = run_identify(reg, system_id, endpoint=endpoint, limit=limit)
    _print_outcome(outcome)


def _print_request(reg: object, system_id: str, endpoint: object) -> None:
    from riskgraph.assistant.candidates import identify_request

    sent = identify_request(reg, system_id, endpoint)  # type: ignore[arg-type]
    typer.echo(sent.shown(system_id))
    typer.echo("dry run: 1 request shown, nothing sent.")


def _print_outcome(outcome: object) -> None:
    from rich.text import Text

    from riskgraph.assistant.candidates import IdentifyOutcome
    from riskgraph.assistant.display import plain
    from riskgraph.cli.output import console

    if not isinstance(outcome, IdentifyOutcome):
        return
    if not outcome.draft_ids:
        console.print(
            "no candidates: no library risk concept shares a word with what the register says "
            "about the system; describe it, answer the intake questions, or load more libraries",
            highlight=False,
            markup=False,
        )
        return
    for draft_id, candidate in zip(outcome.draft_ids, outcome.candidates, strict=True):
        line = Text(f"{draft_id}  ", style="bold")
        line.append(f"L{candidate.likelihood} x S{candidate.severity}  ")
        line.append_text(plain(candidate.title, 120))
        refs = ", ".join(c.ref for c in candidate.citations) or "(no concept)"
        line.append("  cites ")
        line.append_text(plain(refs, 200, style="cyan"))
        if candidate.flags:
            line.append(f"  ({len(candidate.flags)} flag(s))", style="yellow")
        console.print(line)
    if outcome.left_out:
        console.print(
            f"left out {len(outcome.left_out)} concept(s) already linked, pending or rejected "
            "for this system",
            highlight=False,
            markup=False,
        )
    if outcome.run is not None:
        usage = outcome.run.usage
        console.print(
            f"model {outcome.run.model}: {usage.prompt_tokens} prompt + "
            f"{usage.completion_tokens} completion tokens",
            highlight=False,
            markup=False,
        )
    console.print(
        f"{len(outcome.draft_ids)} candidate(s) stored as pending drafts; review them with "
        "[bold]riskgraph assist review[/], decide with [bold]assist accept ID --by PERSON_ID[/] "
        "or [bold]assist reject[/]"
    )


def intake(
    system_id: str = typer.Argument(..., help="The AI system, e.g. SYS-CREDIT."),
    answers: Path | None = typer.Option(
        None,
        "--answers",
        help="A YAML file of answers: question key -> answer (an empty answer clears one).",
        exists=True,
        dir_okay=False,
    ),
    show: bool = typer.Option(False, "--show", help="Print the questions and stored answers."),
    register: Path | None = RegisterOption,
) -> None:
    """Answer the intake questionnaire of an AI system (read by 'assist identify').

    Without --answers each question is asked in turn; Enter keeps the stored answer.

    Examples:  riskgraph assist intake SYS-CREDIT --answers credit-intake.yaml
               riskgraph assist intake SYS-CREDIT --show
    """
    from riskgraph.assistant.intake import (
        QUESTIONS,
        load_answers_file,
        read_answers,
        save_intake,
    )
    from riskgraph.cli.output import console, success
    from riskgraph.editing.input import Origin

    reg = open_register(register)
    with reg.reader() as store:
        from riskgraph.assistant.identify import load_profile

        load_profile(store, reg.base_iri, system_id)  # an AI system, or a clear error
        current = read_answers(store, reg.base_iri + system_id)
    if show:
        for question in QUESTIONS:
            console.print(f"[bold]{question.key}[/]: {question.text}", highlight=False)
            answer = current.get(question.key)
            console.print(f"  {answer}" if answer else "  (not answered)", markup=False)
        return
    if answers is not None:
        given = load_answers_file(answers)
        origin = Origin(source=str(answers))
    else:
        given = {}
        for question in QUESTIONS:
            reply = typer.prompt(
                f"{question.key}: {question.text}",
                default=current.get(question.key, ""),
                show_default=bool(current.get(question.key)),
            )
            given[question.key] = reply
        origin = Origin()
    prepared = save_intake(reg, system_id, given, origin)
    changed = prepared.plan.changed.get(system_id, [])
    if not changed:
        console.print("nothing changed")
        return
    success(f"{system_id}: {len(changed)} intake answer(s) saved ({'; '.join(changed)})")


def add_commands(group: typer.Typer) -> None:
    group.command()(identify)
    group.command()(intake)
