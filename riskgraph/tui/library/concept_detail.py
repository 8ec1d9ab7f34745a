"""One concept: its texts, where it sits, and every mapping with how it was matched."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from riskgraph.tui.library.data import ConceptDetail
from riskgraph.tui.styles import stylesheet


def render_detail(detail: ConceptDetail) -> Group:
    concept = detail.concept
    parts: list[Text] = [
        Text.assemble((concept.notation, "bold"), "  ", (concept.kind, "italic")),
        Text(concept.label, style="bold"),
        Text(
            f"library {concept.library}" + ("" if detail.loaded else " (not loaded)"), style="dim"
        ),
    ]
    if concept.definition:
        parts += [Text(""), Text(concept.definition)]
    if detail.linked_from:
        parts += [
            Text(""),
            Text("In the register: " + ", ".join(detail.linked_from), style="green"),
        ]
    parts += [Text(""), Text(f"Mappings ({len(detail.mappings)})", style="bold underline")]
    for m in detail.mappings:
        outgoing = m.subject == concept.iri
        other = m.object if outgoing else m.subject
        label = detail.labels.get(other) or (m.object_label if outgoing else m.subject_label)
        arrow = f"-{m.predicate}->" if outgoing else f"<-{m.predicate}-"
        how = ", ".join(v for v in (m.justification, m.author, m.date) if v)
        confidence = f", confidence {m.confidence:g}" if m.confidence is not None else ""
        parts.append(
            Text.assemble(f"{arrow} ", (label or other, "bold"), (f"  ({how}{confidence})", "dim"))
        )
        if m.comment:
            parts.append(Text(f"    {m.comment}", style="dim"))
    if not detail.mappings:
        parts.append(Text("none", style="dim"))
    return Group(*parts)


class ConceptDetailView(VerticalScroll):
    DEFAULT_CSS = stylesheet(__file__)

    def __init__(self) -> None:
        super().__init__(
            Static("Choose a concept.", id="concept-detail"),
            id="concept-detail-box",
            can_focus=False,
        )
        self.border_title = "Concept"

    def show(self, detail: ConceptDetail) -> None:
        self.query_one("#concept-detail", Static).update(render_detail(detail))
        self.scroll_home(animate=False)
