"""Rich renderings of drafts and runs, for the CLI (and any other rich-based view).

Text that came from the register or from the model is shown as plain text: never parsed as rich
markup, and stripped of control characters that could drive the terminal."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from riskgraph.assistant.batch import RunSummary
from riskgraph.assistant.records import StoredAction, StoredDraft
from riskgraph.model.entities import DraftStatus

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
STATUS_STYLES = {"pending": "yellow", "accepted": "green", "rejected": "red"}


def facts_grid() -> Table:
    """The grid of a detail view: a bold field name beside its value."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    return facts


def add_decision(
    facts: Table,
    status: DraftStatus,
    reviewer: str | None,
    reviewed_at: str | None,
    made: str | None,
    reason: str | None,
) -> None:
    """The rows of a person's decision on a draft: who decided what and when, what it made
    (e.g. "risk R-004"), and the reason given."""
    if reviewer:
        decision = f"{status.value} by {reviewer} at {reviewed_at}"
        if made:
            decision += f"; made {made}"
        facts.add_row("decision", plain(decision))
    if reason:
        facts.add_row("reason", plain(reason))


def plain(text: str | None, limit: int | None = None, *, style: str = "") -> Text:
    """Untrusted text as a rich Text: no markup, no control characters, optionally shortened."""
    clean = _CONTROL_CHARS.sub("", text or "")
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1].rstrip() + "…"
    return Text(clean, style=style)


def _status(draft: StoredDraft) -> Text:
    value = draft.status.value
    return Text(value, style=STATUS_STYLES.get(value, ""))


def drafts_table(drafts: list[StoredDraft], title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("draft", no_wrap=True)
    table.add_column("risk", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("option", no_wrap=True)
    table.add_column("statement", ratio=3)
    table.add_column("flags", ratio=2)
    for draft in drafts:
        flags = Text("\n").join(plain(f, 160) for f in draft.flags) if draft.flags else Text("")
        flags.stylize("yellow")
        table.add_row(
            draft.id,
            draft.risk_id,
            _status(draft),
            draft.option.value if draft.option else "?",
            plain(draft.statement, 240),
            flags,
        )
    return table


def draft_detail(draft: StoredDraft) -> RenderableType:
    """Everything about one draft: content, flags, provenance and the decision."""
    facts = facts_grid()
    facts.add_row("draft", plain(draft.id))
    facts.add_row("risk", plain(draft.risk_id))
    facts.add_row("status", _status(draft))
    facts.add_row("option", draft.option.value if draft.option else "?")
    facts.add_row("statement", plain(draft.statement))
    if draft.expected_likelihood is not None and draft.expected_severity is not None:
        facts.add_row(
            "expected residual",
            f"likelihood {draft.expected_likelihood}, severity {draft.expected_severity}",
        )
    facts.add_row("rationale", plain(draft.rationale))
    if draft.assumptions:
        facts.add_row("assumptions", Text("\n").join(plain("- " + a) for a in draft.assumptions))
    for action in draft.actions:
        facts.add_row(f"action {action.number}", _action_text(action))
    if draft.flags:
        flags = Text("\n").join(plain(f) for f in draft.flags)
        flags.stylize("yellow")
        facts.add_row("flags", flags)
    facts.add_row("model", plain(f"{draft.model} at {draft.endpoint_host}"))
    if draft.requested_model:
        facts.add_row(
            "requested", plain(f"{draft.requested_model}, temperature {draft.temperature}")
        )
    if draft.request_hash:
        facts.add_row("request", plain(f"sha256 {draft.request_hash}"))
    facts.add_row("redacted", plain(", ".join(draft.redacted_fields) or "none"))
    facts.add_row("template", plain(f"{draft.template} (sha256 {draft.template_hash})"))
    facts.add_row("drafted", plain(draft.created))
    if draft.prompt_tokens is not None:
        facts.add_row(
            "tokens", f"{draft.prompt_tokens} prompt + {draft.completion_tokens} completion"
        )
    if draft.how:
        facts.add_row("how", plain(draft.how))
    add_decision(
        facts,
        draft.status,
        draft.reviewer,
        draft.reviewed_at,
        f"treatment {draft.treatment_id}" if draft.treatment_id else None,
        draft.reason,
    )
    return facts


def _action_text(action: StoredAction) -> Text:
    text = plain(action.description)
    if action.control_id:
        text.append(f"\nuses existing control {action.control_id}", style="cyan")
    elif action.new_control_title:
        text.append("\nnew control: ", style="cyan")
        text.append_text(plain(action.new_control_title))
        if action.annex_a:
            text.append(f" (addresses {', '.join(action.annex_a)})", style="cyan")
    else:
        text.append("\nunverified reference: not linked to any control", style="yellow")
    return text


def run_summary(summary: RunSummary) -> RenderableType:
    usage = summary.usage
    table = Table(title="drafting run", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("drafts stored (pending review)", str(len(summary.drafted)))
    table.add_row("risks that failed", str(len(summary.failed)))
    table.add_row("prompt tokens", f"{usage.prompt_tokens:,}")
    table.add_row("completion tokens", f"{usage.completion_tokens:,}")
    table.add_row("total tokens", f"{usage.total:,}")
    if usage.unreported_calls:
        table.add_row("calls without token counts", str(usage.unreported_calls))
    parts: list[RenderableType] = [table]
    for outcome in summary.failed:
        line = Text(f"{outcome.risk_id}: ", style="red")
        line.append_text(plain(outcome.error))
        parts.append(line)
    return Group(*parts)
