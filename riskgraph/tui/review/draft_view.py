"""A draft beside the current treatments of its risk, or a risk candidate beside the current risks
of its AI system, with the grounding flags in plain sight."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from riskgraph.assistant.candidate_display import concept_ref
from riskgraph.assistant.candidates import StoredCandidate
from riskgraph.assistant.display import plain
from riskgraph.assistant.mappings import StoredMapping
from riskgraph.assistant.records import StoredAction, StoredDraft
from riskgraph.tui.data.review import CandidateContext, DraftContext, MappingContext

# Every string here came from a model or from the register: it is shown as text (rich Text built
# with ``plain``, which strips control characters), never parsed as markup. A plain str handed
# to a rich Table cell or a Textual widget would be parsed as markup: "[/bold]" crashes the
# screen and "[link=...]" makes a clickable link.


def _flags(flags: Sequence[str], none_text: str) -> Text:
    """The grounding flags in yellow, or (when there are none) what the automatic checks cover."""
    if not flags:
        return Text(none_text, style="dim")
    out = Text("Grounding flags\n", style="bold yellow")
    for flag in flags:
        out.append("  ⚑ ", style="yellow")
        out.append_text(plain(flag, style="yellow"))
        out.append("\n")
    return out


def _fields_grid() -> Table:
    """A two-column grid: a dim field name beside its folded value."""
    body = Table.grid(padding=(0, 1))
    body.add_column(style="dim", no_wrap=True)
    body.add_column(overflow="fold")
    return body


def render_draft(draft: StoredDraft) -> RenderableType:
    heading = Text()
    heading.append_text(plain(f"Draft {draft.id}  for risk {draft.risk_id}", style="bold"))
    by = draft.model or "a language model"
    heading.append("\n")
    heading.append_text(plain(f"by {by}, {draft.created or 'time unknown'}", style="dim"))
    parts: list[RenderableType] = [
        heading,
        _flags(
            draft.flags,
            "No flags from the automatic checks. They check IDs and a few warning signs, "
            "not whether the treatment is right: that is your review.",
        ),
    ]
    body = _fields_grid()
    body.add_row(Text("option"), Text(draft.option.value if draft.option else "(none)"))
    body.add_row(Text("statement"), plain(draft.statement))
    if draft.expected_likelihood and draft.expected_severity:
        body.add_row(
            Text("expected"),
            Text(
                f"residual likelihood {draft.expected_likelihood}, "
                f"severity {draft.expected_severity}"
            ),
        )
    for action in draft.actions:
        body.add_row(
            Text(f"action {action.number}"),
            plain(f"{action.description} ({_target(action)})"),
        )
    if draft.rationale:
        body.add_row(Text("rationale"), plain(draft.rationale))
    for assumption in draft.assumptions:
        body.add_row(Text("assumes"), plain(assumption))
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
        heading.append_text(
            plain(f"Risk {context.draft.risk_id} is no longer in the register.", style="red")
        )
        return heading
    heading.append_text(plain(f"Risk {risk.id}", style="bold"))
    heading.append_text(plain(f"  {risk.title}"))
    heading.append("\n")
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
        listed.append("\n")
        listed.append_text(plain(treatment.id, style="bold"))
        listed.append_text(plain(f"  {status} · {treatment.option.value}", style="dim"))
        listed.append("\n  ")
        listed.append_text(plain(treatment.statement))
        listed.append("\n")
    return Group(heading, Text("\nCurrent treatments", style="bold underline"), listed)


def render_candidate(candidate: StoredCandidate) -> RenderableType:
    """A risk candidate: what it proposes, the concepts it cites, and its flags."""
    heading = Text()
    heading.append_text(
        plain(f"Risk candidate {candidate.id}  for system {candidate.system_id}", style="bold")
    )
    heading.append("\n")
    by = candidate.maker or candidate.method or "an unknown maker"
    heading.append_text(plain(f"by {by}, {candidate.created or 'time unknown'}", style="dim"))
    parts: list[RenderableType] = [
        heading,
        _flags(
            candidate.flags,
            "No flags from the automatic checks. They check that the cited concepts are in "
            "a loaded library, not whether the risk is real: that is your review.",
        ),
    ]
    body = _fields_grid()
    body.add_row(Text("risk"), plain(candidate.title))
    if candidate.description:
        body.add_row(Text("description"), plain(candidate.description))
    body.add_row(Text("why"), plain(candidate.rationale))
    body.add_row(
        Text("proposed"),
        Text(f"likelihood {candidate.likelihood}, severity {candidate.severity}"),
    )
    cited = [concept_ref(iri) for iri in candidate.concepts]
    body.add_row(Text("cites"), plain(", ".join(cited) or "(no concept linked)"))
    unlinked = [r for r in candidate.references if r not in cited]
    if unlinked:
        body.add_row(Text("not linked"), plain(", ".join(unlinked), style="yellow"))
    body.add_row(Text("method"), plain(METHODS.get(candidate.method, candidate.method)))
    parts.append(body)
    return Group(*parts)


METHODS = {
    "baseline": "offline ranker (BM25)",
    "llm": "language model, reranking the offline ranker's shortlist",
    "mcp": "an agent over MCP",
}


def render_candidate_context(context: CandidateContext) -> RenderableType:
    heading = Text()
    system = context.system
    if system is None:
        heading.append_text(
            plain(
                f"System {context.candidate.system_id} is no longer in the register.", style="red"
            )
        )
        return heading
    heading.append_text(plain(f"System {system.id}", style="bold"))
    heading.append_text(plain(f"  {system.title}"))
    if not context.risks:
        return Group(heading, Text("\nNo risk of this system in the register yet.", style="italic"))
    listed = Text()
    for risk in context.risks:
        listed.append("\n")
        listed.append_text(plain(risk.id, style="bold"))
        listed.append_text(plain(f"  {risk.inherent_level.label}", style="dim"))
        listed.append("  ")
        listed.append_text(plain(risk.title))
    return Group(heading, Text("\nCurrent risks of the system", style="bold underline"), listed)


def render_mapping(draft: StoredMapping) -> RenderableType:
    """A mapping draft: which entity it links to which concept, how and why, proposed by whom."""
    heading = Text()
    heading.append_text(plain(f"Mapping draft {draft.id}  for {draft.entity_id}", style="bold"))
    heading.append("\n")
    by = draft.maker or "an agent"
    heading.append_text(plain(f"by {by}, {draft.created or 'time unknown'}", style="dim"))
    body = _fields_grid()
    body.add_row(Text("link"), plain(f"{draft.entity_id} {draft.predicate} {draft.target}"))
    body.add_row(Text("why"), plain(draft.rationale))
    if draft.confidence is not None:
        body.add_row(Text("confidence"), Text(f"{draft.confidence:g} (as the agent says)"))
    return Group(
        heading,
        Text(
            "Accepting writes the link as 'riskgraph library link' does, with you as its author.",
            style="dim",
        ),
        body,
    )


def render_mapping_context(context: MappingContext) -> RenderableType:
    draft = context.draft
    out = Text()
    if context.entity_title is None:
        out.append_text(plain(f"{draft.entity_id} is no longer in the register.", style="red"))
    else:
        out.append_text(plain(draft.entity_id, style="bold"))
        out.append_text(plain(f"  {context.entity_title}"))
    out.append("\n\n")
    if context.target_label is None:
        out.append_text(plain(f"{draft.target} is no longer loaded.", style="red"))
        return out
    out.append_text(plain(draft.target, style="bold"))
    out.append_text(plain(f"  {context.target_label}"))
    if context.target_definition:
        out.append("\n")
        out.append_text(plain(context.target_definition, style="dim"))
    return out
