"""The 'assist' command group: LLM-drafted risk treatments, always reviewed by a person.

Only typer and the standard library are imported here at load time; riskgraph.assistant (and
with it openai) is imported inside the command bodies.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from riskgraph.cli.options import RegisterOption, open_register

if TYPE_CHECKING:  # for type checkers only; nothing below is imported at run time
    from riskgraph.assistant.batch import Plan
    from riskgraph.assistant.endpoint import Endpoint
    from riskgraph.assistant.records import StoredDraft
    from riskgraph.assistant.review import ReviewedTreatment
    from riskgraph.config import AssistantSettings
    from riskgraph.register import Register

assist = typer.Typer(
    name="assist",
    help=(
        "Draft risk treatments and identify risks, for a person to review.\n\n"
        "Drafts and risk candidates count for nothing until a named person in the register "
        "accepts them."
    ),
    no_args_is_help=True,
)

STATUSES = ("pending", "accepted", "rejected", "all")


def _config_file(reg: Register) -> str:
    """The register.toml that holds the assistant's settings, as messages name it."""
    from riskgraph.config import CONFIG_FILE

    return str(reg.folder / CONFIG_FILE) if reg.folder else CONFIG_FILE


def configured_endpoint(reg: Register) -> Endpoint | None:
    """The register's assistant endpoint; None when the assistant is off."""
    from riskgraph.assistant.endpoint import resolve_endpoint

    return resolve_endpoint(reg.config.assistant, config_file=_config_file(reg))


def required_endpoint(reg: Register) -> Endpoint:
    """The register's assistant endpoint; an error saying how to configure one when it is off."""
    from riskgraph.assistant.endpoint import require_endpoint

    return require_endpoint(reg.config.assistant, config_file=_config_file(reg))


def dry_run_endpoint(settings: AssistantSettings, endpoint: Endpoint | None) -> Endpoint:
    """The endpoint a dry run shows requests for: the configured one, else OpenAI's with the
    register's model settings and a stand-in key."""
    if endpoint is not None:
        return endpoint
    from pydantic import SecretStr

    from riskgraph.assistant.endpoint import OPENAI_URL, Endpoint

    return Endpoint(
        base_url=OPENAI_URL,
        model=settings.model,
        temperature=settings.temperature,
        timeout_seconds=settings.timeout_seconds,
        max_retries=settings.max_retries,
        max_concurrency=settings.max_concurrency,
        api_key=SecretStr("sk-not-configured"),
    )


def _check_level(value: str | None) -> str | None:
    from riskgraph.config import LEVEL_NAMES

    if value is not None and value not in LEVEL_NAMES:
        raise typer.BadParameter(f"{value!r} is not a level; use one of {', '.join(LEVEL_NAMES)}")
    return value


@assist.command()
def draft(
    risk_ids: list[str] = typer.Argument(
        None, help="Risks to draft treatments for.", metavar="RISK_ID…"
    ),
    untreated: bool = typer.Option(
        False, "--untreated", help="Draft for every risk with no approved or proposed treatment."
    ),
    min_level: str | None = typer.Option(
        None,
        "--min-level",
        callback=_check_level,
        help="With --untreated: only risks at this level or above. Default: above the appetite.",
        metavar="LEVEL",
    ),
    include_drafted: bool = typer.Option(
        False, "--include-drafted", help="With --untreated: also risks that have a pending draft."
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print exactly what would be sent, and send nothing."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Ask the model for treatment drafts; each is stored as pending, for review.

    Examples:  riskgraph assist draft R-017 R-021
               riskgraph assist draft --untreated --min-level high --dry-run
    """
    from riskgraph.assistant.batch import plan_run
    from riskgraph.errors import UserError

    if bool(risk_ids) == untreated:
        raise UserError("name the risks to draft for, or use --untreated (not both)")
    if not untreated and (min_level or include_drafted):
        raise UserError("--min-level and --include-drafted go with --untreated")
    reg = open_register(register)
    settings = reg.config.assistant
    endpoint = configured_endpoint(reg) if dry_run else required_endpoint(reg)
    plan = plan_run(
        reg,
        list(risk_ids) if risk_ids else None,
        min_level=min_level,
        include_drafted=include_drafted,
    )
    if dry_run:
        _print_dry_run(plan, settings, endpoint)
        return
    if endpoint is None:
        raise UserError("the assistant has no endpoint configured")
    _run(reg, plan, endpoint)


def _print_dry_run(plan: Plan, settings: AssistantSettings, endpoint: Endpoint | None) -> None:
    """Each request as the SDK would send it: method, URL, headers (the key masked) and the
    body, byte for byte. The transport records it and opens no connection."""
    from riskgraph.assistant.batch import dry_run_requests

    shown = dry_run_endpoint(settings, endpoint)
    for risk_id, sent in dry_run_requests(plan, shown):
        url = sent.url if endpoint else f"(no endpoint configured) {sent.url}"
        typer.echo(sent.shown(risk_id, url))
    typer.echo(
        f"dry run: {len(plan.requests)} request(s) shown, nothing sent. The body is byte for "
        "byte what is sent; only the retry headers change on a retry. Endpoints that refuse "
        'json_schema get the same request with response_format {"type": "json_object"}.'
    )


def _run(reg: Register, plan: Plan, endpoint: Endpoint) -> None:
    import signal
    import threading

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from riskgraph.assistant.batch import DraftOutcome, run_plan
    from riskgraph.assistant.display import plain, run_summary
    from riskgraph.cli.output import console

    if not plan.requests:
        console.print("no risks to draft for")
        return
    console.print(
        f"drafting {len(plan.requests)} treatment(s) with {endpoint.model} at {endpoint.host} "
        f"(at most {endpoint.max_concurrency} at a time; Ctrl-C stops at once)",
        highlight=False,
        markup=False,
    )
    stop = threading.Event()
    with Progress(
        TextColumn("drafting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("drafting", total=len(plan.requests))

        def report(outcome: DraftOutcome) -> None:
            if outcome.draft_id:
                line = plain(f"✓ {outcome.risk_id} → {outcome.draft_id}")
                line.stylize("green", 0, 1)
                if outcome.flags:
                    line.append(f" ({len(outcome.flags)} flag(s))", style="yellow")
                progress.console.print(line)
            else:
                line = plain(f"✗ {outcome.risk_id}: {outcome.error}")
                line.stylize("red")
                progress.console.print(line)
            progress.advance(task)

        def waiting(risk_id: str, seconds: float, why: str) -> None:
            line = plain(f"… {risk_id}: {why}; retrying in {seconds:.0f} s")
            line.stylize("dim")
            progress.console.print(line)

        backoff = reg.config.assistant.backoff_seconds
        # Ctrl-C sets the stop switch rather than raising in the middle of storing a draft
        previous = signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
        try:
            summary = run_plan(
                reg,
                plan,
                endpoint,
                on_outcome=report,
                on_wait=waiting,
                backoff_base=backoff,
                stop=stop,
            )
        finally:
            signal.signal(signal.SIGINT, previous)
    console.print(run_summary(summary))
    if summary.drafted:
        console.print("review them with [bold]riskgraph assist review[/]")
    if summary.stopped:
        console.print(
            "stopped: the drafts listed above are stored; nothing more was sent",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(1)


@assist.command()
def review(
    status: str = typer.Option(
        "pending", "--status", help=f"Which drafts to list: {', '.join(STATUSES)}."
    ),
    risk: str | None = typer.Option(
        None, "--risk", help="Only drafts for this risk (or mapping drafts of this entity)."
    ),
    system: str | None = typer.Option(
        None, "--system", help="Only risk candidates for this AI system."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """List treatment drafts, risk candidates and mapping drafts (pending ones by default).

    Example:  riskgraph assist review --status all --risk R-017
    """
    from riskgraph.assistant.candidate_display import candidates_table, mappings_table
    from riskgraph.assistant.candidates import load_candidates
    from riskgraph.assistant.display import drafts_table
    from riskgraph.assistant.mappings import load_mapping_drafts
    from riskgraph.assistant.records import load_drafts
    from riskgraph.cli.output import console
    from riskgraph.errors import InputError, Location

    if status not in STATUSES:
        raise InputError(
            "unknown status",
            location=Location(column="--status"),
            value=status,
            expected=", ".join(STATUSES),
        )
    reg = open_register(register)
    with reg.reader() as store:
        drafts = [] if system else load_drafts(store, reg.base_iri)
        candidates = [] if risk else load_candidates(store, reg.base_iri)
        mappings = [] if system else load_mapping_drafts(store, reg.base_iri)
    shown = [
        d
        for d in drafts
        if (status == "all" or d.status.value == status) and (risk is None or d.risk_id == risk)
    ]
    proposed = [
        c
        for c in candidates
        if (status == "all" or c.status.value == status)
        and (system is None or c.system_id == system)
    ]
    mapped = [
        m
        for m in mappings
        if (status == "all" or m.status.value == status) and (risk is None or m.entity_id == risk)
    ]
    if not shown and not proposed and not mapped:
        console.print(f"no {'' if status == 'all' else status + ' '}drafts", highlight=False)
        return
    if shown:
        console.print(drafts_table(shown, f"{len(shown)} {status} treatment draft(s)"))
    if proposed:
        console.print(candidates_table(proposed, f"{len(proposed)} {status} risk candidate(s)"))
    if mapped:
        console.print(mappings_table(mapped, f"{len(mapped)} {status} mapping draft(s)"))
    if status == "pending":
        console.print(
            "details: [bold]riskgraph assist show DRAFT_ID[/]; decide with "
            "[bold]assist accept DRAFT_ID --by PERSON_ID[/] or [bold]assist reject[/]"
        )


@assist.command()
def show(
    draft_id: str = typer.Argument(..., help="The draft, e.g. D-R-017-1."),
    register: Path | None = RegisterOption,
) -> None:
    """Show one draft, risk candidate or mapping draft in full: flags, provenance and any
    decision."""
    from riskgraph.assistant.candidate_display import candidate_detail, mapping_detail
    from riskgraph.assistant.candidates import is_candidate, load_candidate
    from riskgraph.assistant.display import draft_detail
    from riskgraph.assistant.mappings import is_mapping_draft, load_mapping_draft
    from riskgraph.assistant.records import load_draft
    from riskgraph.cli.output import console

    reg = open_register(register)
    with reg.reader() as store:
        if is_candidate(store, reg.base_iri, draft_id):
            console.print(candidate_detail(load_candidate(store, reg.base_iri, draft_id)))
            return
        if is_mapping_draft(store, reg.base_iri, draft_id):
            console.print(mapping_detail(load_mapping_draft(store, reg.base_iri, draft_id)))
            return
        found = load_draft(store, reg.base_iri, draft_id)
    console.print(draft_detail(found))


ByOption = typer.Option(
    ...,
    "--by",
    help="ID of the person (rg:Person in the register) who makes this decision.",
    metavar="PERSON_ID",
)


ACCEPT_OPTIONS = {"reviewer": "--by", "treatment_id": "--id"}
"""The fields of accepting a draft, by the option of ``accept`` that gives each."""


@assist.command()
def accept(
    draft_id: str = typer.Argument(..., help="The draft to accept, e.g. D-R-017-1."),
    by: str = ByOption,
    edit: bool = typer.Option(False, "--edit", help="Edit the draft (YAML) in $EDITOR first."),
    from_file: Path | None = typer.Option(
        None,
        "--from",
        help="Accept the treatment as written in this YAML file (from --edit).",
        exists=True,
        dir_okay=False,
    ),
    treatment_id: str | None = typer.Option(
        None,
        "--id",
        help="ID for the new treatment (or risk). Default: the next free T- (or R-) number.",
    ),
    title: str | None = typer.Option(
        None, "--title", help="Risk candidates: the new risk's title, if not as proposed."
    ),
    likelihood: int | None = typer.Option(
        None, "--likelihood", help="Risk candidates: the likelihood, if not as proposed."
    ),
    severity: int | None = typer.Option(
        None, "--severity", help="Risk candidates: the severity, if not as proposed."
    ),
    register: Path | None = RegisterOption,
) -> None:
    """Accept a draft: it becomes an approved treatment, approved by --by today. Accept a risk
    candidate: it becomes a register risk of its AI system, linked to the concepts it cites.
    Accept a mapping draft: the entity is linked to the concept as 'library link' links it.

    New controls a treatment draft proposes are created as planned. Examples:
    riskgraph assist accept D-R-017-1 --by P-LCHEN --edit
    riskgraph assist accept D-SYS-CREDIT-1 --by P-DMURPHY --severity 4
    """
    from riskgraph.assistant.candidates import is_candidate
    from riskgraph.assistant.mappings import is_mapping_draft
    from riskgraph.assistant.review import NeedsEdit, accept_draft, parse_yaml, prepare_review
    from riskgraph.cli.output import console, options_named, success
    from riskgraph.errors import UserError

    if edit and from_file:
        raise UserError("use --edit or --from, not both")
    reg = open_register(register)
    with reg.reader() as store:
        candidate = is_candidate(store, reg.base_iri, draft_id)
        mapping = is_mapping_draft(store, reg.base_iri, draft_id)
    if mapping:
        if (
            edit
            or from_file
            or any(v is not None for v in (treatment_id, title, likelihood, severity))
        ):
            raise UserError(
                f"{draft_id} is a mapping draft: accept it as proposed with --by, or reject it "
                "and link the entity yourself with 'riskgraph library link'"
            )
        _accept_mapping(reg, draft_id, by)
        return
    if candidate:
        if edit or from_file:
            raise UserError(
                f"{draft_id} is a risk candidate: change it with --title, --likelihood and "
                "--severity (--edit and --from are for treatment drafts)"
            )
        _accept_candidate(reg, draft_id, by, treatment_id, title, likelihood, severity)
        return
    if title is not None or likelihood is not None or severity is not None:
        raise UserError("--title, --likelihood and --severity are for risk candidates")
    with options_named(ACCEPT_OPTIONS):
        found, reviewed = prepare_review(reg, draft_id, by)
    yaml_file = _edit(found, reviewed) if edit else from_file
    try:
        edited = None
        if yaml_file is not None:
            edited = parse_yaml(yaml_file.read_text(encoding="utf-8"), str(yaml_file))
            if edited is None:
                if edit:
                    yaml_file.unlink()
                console.print("the file is empty: cancelled, nothing changed")
                return
        with options_named(ACCEPT_OPTIONS):
            decision = accept_draft(
                reg,
                draft_id,
                person_id=by,
                reviewed=edited,
                source=str(yaml_file or "the draft"),
                treatment_id=treatment_id,
            )
    except UserError as exc:
        if isinstance(exc, NeedsEdit) and yaml_file is None:
            raise UserError(f"{exc} (accept it with --edit)") from None
        if not edit:
            raise
        raise UserError(
            f"{exc}\nnothing changed; your edit is kept in {yaml_file}: fix it and run "
            f"'riskgraph assist accept {draft_id} --by {by} --from {yaml_file}'"
        ) from None
    if edit and yaml_file is not None:
        yaml_file.unlink()
    success(f"accepted {draft_id}: treatment {decision.treatment_id} approved by {by}")
    if decision.new_controls:
        console.print(f"new planned controls: {', '.join(decision.new_controls)}")


def _accept_candidate(
    reg: Register,
    candidate_id: str,
    by: str,
    risk_id: str | None,
    title: str | None,
    likelihood: int | None,
    severity: int | None,
) -> None:
    from riskgraph.assistant.candidate_display import concept_ref
    from riskgraph.assistant.candidates import accept_candidate
    from riskgraph.cli.output import options_named, success

    options = {
        "reviewer": "--by",
        "id": "--id",
        "title": "--title",
        "likelihood": "--likelihood",
        "severity": "--severity",
    }
    with options_named(options):
        accepted = accept_candidate(
            reg,
            candidate_id,
            person_id=by,
            risk_id=risk_id,
            title=title,
            likelihood=likelihood,
            severity=severity,
        )
    links = ", ".join(concept_ref(i) for i in accepted.links) or "no library concept"
    success(
        f"accepted {candidate_id} (by {by}): risk {accepted.risk.id} of "
        f"{accepted.candidate.system_id}, linked to {links}"
    )


def _accept_mapping(reg: Register, draft_id: str, by: str) -> None:
    from riskgraph.assistant.mappings import accept_mapping_draft
    from riskgraph.cli.output import options_named, success

    with options_named({"reviewer": "--by"}):
        draft, mapping = accept_mapping_draft(reg, draft_id, person_id=by)
    success(
        f"accepted {draft_id} (by {by}): {draft.entity_id} {mapping.predicate} {draft.target}, "
        f"mapping {mapping.mapping_id}"
    )


def _edit(found: StoredDraft, reviewed: ReviewedTreatment) -> Path:
    """Write the draft as YAML to a temporary file and open it in $VISUAL or $EDITOR."""
    import os
    import tempfile

    from riskgraph.assistant.review import to_yaml

    handle, name = tempfile.mkstemp(prefix=f"{found.id}-", suffix=".yaml", text=True)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(to_yaml(found, reviewed))
    _run_editor(Path(name))
    return Path(name)


def _run_editor(path: Path) -> None:
    import os
    import shlex
    import subprocess

    from riskgraph.errors import UserError

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        raise UserError(
            "set $EDITOR (or $VISUAL) to the editor to use, e.g. export EDITOR=nano; "
            "or write the treatment to a file and accept it with --from FILE"
        )
    command = [*shlex.split(editor), str(path)]
    try:
        code = subprocess.run(command, check=False).returncode
    except OSError as exc:
        raise UserError(f"cannot start the editor {command[0]!r}: {exc.strerror}") from None
    if code != 0:
        raise UserError(f"the editor {command[0]!r} exited with code {code}; nothing changed")


@assist.command()
def reject(
    draft_id: str = typer.Argument(..., help="The draft to reject, e.g. D-R-017-1."),
    by: str = ByOption,
    reason: str = typer.Option(..., "--reason", help="Why the draft is rejected."),
    register: Path | None = RegisterOption,
) -> None:
    """Reject a draft, with the reason and the person who decided.

    Example:  riskgraph assist reject D-R-017-1 --by P-LCHEN --reason "control C-004 exists"
    """
    from riskgraph.assistant.candidates import is_candidate, reject_candidate
    from riskgraph.assistant.mappings import is_mapping_draft, reject_mapping_draft
    from riskgraph.assistant.review import reject_draft
    from riskgraph.cli.output import options_named, success

    reg = open_register(register)
    with reg.reader() as store:
        candidate = is_candidate(store, reg.base_iri, draft_id)
        mapping = is_mapping_draft(store, reg.base_iri, draft_id)
    with options_named({"reviewer": "--by", "reason": "--reason"}):
        if mapping:
            reject_mapping_draft(reg, draft_id, person_id=by, reason=reason)
        elif candidate:
            reject_candidate(reg, draft_id, person_id=by, reason=reason)
        else:
            reject_draft(reg, draft_id, person_id=by, reason=reason)
    success(f"rejected {draft_id} (by {by})")


@assist.command()
def status(register: Path | None = RegisterOption) -> None:
    """Show how the assistant is configured (never the key). Exits 2 when it is off."""
    from riskgraph.assistant.endpoint import HOW_TO_CONFIGURE, NO_KEY
    from riskgraph.cli.output import console

    reg = open_register(register)
    settings = reg.config.assistant
    endpoint = configured_endpoint(reg)
    if endpoint is None:
        console.print(HOW_TO_CONFIGURE, highlight=False, markup=False)
        raise typer.Exit(2)
    key = "set" if endpoint.api_key.get_secret_value() != NO_KEY else "none (local endpoint)"
    rows = {
        "endpoint": endpoint.display_url,
        "model": endpoint.model,
        "API key": key,
        "concurrency": str(endpoint.max_concurrency),
        "timeout": f"{endpoint.timeout_seconds:g} s, {endpoint.max_retries} retries",
        "redacted fields": ", ".join(settings.redact_fields) or "none",
    }
    for name, value in rows.items():
        console.print(f"[bold]{name}:[/] {value}", highlight=False)


def attach(app: typer.Typer) -> None:
    from riskgraph.cli.identify_cmds import add_commands

    add_commands(assist)
    app.add_typer(assist)
