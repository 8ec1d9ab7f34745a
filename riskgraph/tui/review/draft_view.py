"""A draft beside the current treatments of its risk, with the grounding flags in plain sight."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from riskgraph.assistant.records import StoredAction, StoredDraft
from riskgraph.tui.data.review import DraftContext


def render_draft(draft: StoredDraft) -> RenderableType:
    heading = Text()
    heading.append(f"Draft {draft.id}", style="bold")
    heading.append(f"  for risk {draft.risk_id}", style="bold")
    by = draft.model or "a language model"
    heading.append(f"\nby {by}, {draft.created or 'time unknown'}", style="dim")
    parts: list[RenderableType] = [heading]
    if draft.flags:
        flags = Text("Grounding flags\n", style="bold yellow")
        for flag in draft.flags:
            flags.append(f"  ⚑ {flag}\n", style="yellow")
        parts.append(flags)
    else:
        parts.append(
            Text("No grounding flags: every ID it names is in the register.", style="green")
        )
    body = Table.grid(padding=(0, 1))
    body.add_column(style="dim", no_wrap=True)
    body.add_column(overflow="fold")
    body.add_row("option", draft.option.value if draft.option else "(none)")
    body.add_row("statement", draft.statement)
    if draft.expected_likelihood and draft.expected_severity:
        body.add_row(
            "expected",
            f"residual likelihood {draft.expected_likelihood}, severity {draft.expected_severity}",
        )
    for action in draft.actions:
        body.add_row(f"action {action.number}", f"{action.description} ({_target(action)})")
    if draft.rationale:
        body.add_row("rationale", draft.rationale)
    for assumption in draft.assumptions:
        body.add_row("assumes", assumption)
    parts.append(body)
    return Group(*parts)


def _target(action: StoredAction) -> str:
    if action.control_id:
        return f"uses {action.control_id}"
    if action.new_control_title:
        annex_a = f" for {', '.join(action.annex_a)}" if action.annex_a else ""
        return f"new control '{action.new_control_title}'{annex_a}"
    return "names no control in the register"


def render_context(context: DraftContext) -> RenderableType:
    heading = Text()
    risk = context.risk
    if risk is None:
        heading.append(f"Risk {context.draft.risk_id} is no longer in the register.", style="red")
        return heading
    heading.append(f"Risk {risk.id}", style="bold")
    heading.append(f"  {risk.title}\n")
    residual = risk.residual_level
    heading.append(
        f"inherent {risk.inherent_level.label}"
        + (f", residual {residual.label}" if residual else ", no residual score"),
        style="dim",
    )
    if not context.treatments:
        return Group(heading, Text("No treatment in the register yet.", style="italic"))
    listed = Text()
    for treatment in context.treatments:
        status = treatment.status.value
        if treatment.approved_by:
            status += f" by {treatment.approved_by}"
        listed.append(f"\n{treatment.id}", style="bold")
        listed.append(f"  {status} · {treatment.option.value}\n", style="dim")
        listed.append(f"  {treatment.statement}\n")
    return Group(heading, Text("\nCurrent treatments", style="bold underline"), listed)
