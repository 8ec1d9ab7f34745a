"""Rich renderings of risk candidates and mapping drafts, for the CLI. Text from the register, the
libraries, the model and agents is shown as plain text, never as markup."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from riskgraph.assistant.candidates import StoredCandidate
from riskgraph.assistant.display import STATUS_STYLES, add_decision, facts_grid, plain
from riskgraph.assistant.mappings import StoredMapping
from riskgraph.library.model import LIBRARY_BASE


def concept_ref(iri: str) -> str:
    """``LIBRARY:ID`` for a library concept IRI (the IRI itself for anything else)."""
    if iri.startswith(LIBRARY_BASE):
        library, _, local = iri.removeprefix(LIBRARY_BASE).partition("/")
        return f"{library}:{local}"
    return iri


def _status(candidate: StoredCandidate) -> Text:
    value = candidate.status.value
    return Text(value, style=STATUS_STYLES.get(value, ""))


def _flags(flags: tuple[str, ...], limit: int | None = None) -> Text:
    text = Text("\n").join(plain(f, limit) for f in flags) if flags else Text("")
    text.stylize("yellow")
    return text


def candidates_table(candidates: list[StoredCandidate], title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("candidate", no_wrap=True)
    table.add_column("system", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("L x S", no_wrap=True)
    table.add_column("risk", ratio=3)
    table.add_column("cites", ratio=2)
    table.add_column("flags", ratio=2)
    for c in candidates:
        table.add_row(
            c.id,
            c.system_id,
            _status(c),
            f"{c.likelihood} x {c.severity}",
            plain(c.title, 200),
            plain("\n".join(concept_ref(i) for i in c.concepts) or "(none linked)"),
            _flags(c.flags, 160),
        )
    return table


def candidate_detail(c: StoredCandidate) -> Table:
    facts = facts_grid()
    facts.add_row("candidate", plain(c.id))
    facts.add_row("system", plain(c.system_id))
    facts.add_row("status", _status(c))
    facts.add_row("risk", plain(c.title))
    facts.add_row("description", plain(c.description))
    facts.add_row("why", plain(c.rationale))
    facts.add_row("proposed", f"likelihood {c.likelihood}, severity {c.severity}")
    facts.add_row("cites", plain("\n".join(concept_ref(i) for i in c.concepts) or "(none linked)"))
    unlinked = [r for r in c.references if r not in {concept_ref(i) for i in c.concepts}]
    if unlinked:
        facts.add_row("not linked", plain(", ".join(unlinked), style="yellow"))
    if c.flags:
        facts.add_row("flags", _flags(c.flags))
    facts.add_row("method", plain(c.method))
    facts.add_row("made by", plain(c.maker))
    if c.score is not None:
        facts.add_row("BM25 score", f"{c.score:.4f}")
    if c.endpoint_host and c.method == "llm":
        facts.add_row("endpoint", plain(c.endpoint_host))
    if c.template:
        facts.add_row("template", plain(f"{c.template} (sha256 {c.template_hash})"))
    if c.request_hash:
        facts.add_row("request", plain(f"sha256 {c.request_hash}"))
    if c.prompt_tokens is not None:
        facts.add_row("tokens", f"{c.prompt_tokens} prompt + {c.completion_tokens} completion")
    facts.add_row("proposed at", plain(c.created))
    add_decision(
        facts,
        c.status,
        c.reviewer,
        c.reviewed_at,
        f"risk {c.risk_id}" if c.risk_id else None,
        c.reason,
    )
    return facts


def _mapping_status(draft: StoredMapping) -> Text:
    value = draft.status.value
    return Text(value, style=STATUS_STYLES.get(value, ""))


def mappings_table(drafts: list[StoredMapping], title: str) -> Table:
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("draft", no_wrap=True)
    table.add_column("entity", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("mapping", ratio=2)
    table.add_column("why", ratio=3)
    table.add_column("proposed by", ratio=1)
    for d in drafts:
        table.add_row(
            d.id,
            d.entity_id,
            _mapping_status(d),
            plain(f"{d.predicate} {d.target}"),
            plain(d.rationale, 200),
            plain(d.maker or ""),
        )
    return table


def mapping_detail(d: StoredMapping) -> Table:
    facts = facts_grid()
    facts.add_row("mapping draft", plain(d.id))
    facts.add_row("entity", plain(d.entity_id))
    facts.add_row("status", _mapping_status(d))
    facts.add_row("mapping", plain(f"{d.entity_id} {d.predicate} {d.target}"))
    facts.add_row("target", plain(d.target_iri))
    facts.add_row("why", plain(d.rationale))
    if d.confidence is not None:
        facts.add_row("confidence", f"{d.confidence:g}")
    facts.add_row("made by", plain(d.maker))
    if d.request_hash:
        facts.add_row("request", plain(f"sha256 {d.request_hash}"))
    facts.add_row("proposed at", plain(d.created))
    add_decision(facts, d.status, d.reviewer, d.reviewed_at, None, d.reason)
    return facts
