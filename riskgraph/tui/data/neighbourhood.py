"""What a node connects to further out, from the graph analytics (``riskgraph.analysis``):

- a component or supplier: its blast radius (the AI systems and components that depend on it);
- a control: what loses mitigation if it is withdrawn (risks that revert or are weakened, the
  systems they affect, the Annex A controls and clauses left without an implementation);
- anything on the risk chain (an Annex A control or clause, a risk, a system, a treatment,
  evidence, a risk source): its trace toward the standard and toward the AI systems.

The result is a plain tree of labelled items, each naming the node it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from riskgraph.analysis.graph import (
    CATALOGUE_KINDS,
    DEPENDENCY_KINDS,
    NodeKind,
    RegisterGraph,
    with_article,
)
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.impact import ImpactReport, RiskEffect, impact
from riskgraph.analysis.trace import TraceBranch, TraceNode, trace
from riskgraph.model.fields import catalogue_iri
from riskgraph.register import Register


@dataclass(frozen=True)
class Item:
    label: str
    iri: str | None = None
    """The node to open, when the item stands for one."""
    children: list[Item] = field(default_factory=list)
    expanded: bool = False


@dataclass(frozen=True)
class Neighbourhood:
    title: str
    summary: str
    items: list[Item]


def load_neighbourhood(register: Register, key: str) -> Neighbourhood:
    """The neighbourhood of the node with this ID or catalogue reference."""
    graph = load_graph(register)
    if key not in graph:
        kind = graph.outside.get(key)
        what = with_article(kind) if kind else "not on the risk chain"
        return Neighbourhood(
            key,
            f"{key} is {what}: the analytics cover AI systems, components, suppliers, risks, "
            "risk sources, controls, treatments, evidence and ISO/IEC 42001. Its links show "
            "its neighbours.",
            [],
        )
    kind = graph.kind(key)
    iri_of = _Iris(graph, register.base_iri)
    if kind in DEPENDENCY_KINDS:
        return _blast_radius(graph, key, iri_of)
    if kind is NodeKind.CONTROL:
        return _withdrawal(graph, key, iri_of)
    return _trace(graph, key, iri_of)


class _Iris:
    def __init__(self, graph: RegisterGraph, base_iri: str) -> None:
        self.graph = graph
        self.base = base_iri

    def __call__(self, node: str) -> str:
        if node in self.graph and self.graph.kind(node) in CATALOGUE_KINDS:
            return catalogue_iri(node)
        return self.base + node

    def label(self, node: str, extra: str = "") -> str:
        title = self.graph.title(node) if node in self.graph else ""
        return f"{node}  {title}{extra}"


def _blast_radius(graph: RegisterGraph, key: str, iri: _Iris) -> Neighbourhood:
    report = impact(graph, [key])
    systems = [
        Item(iri.label(e.id, _via(e.via)), iri(e.id), [Item(iri.label(r), iri(r)) for r in e.risks])
        for e in report.exposed_systems
    ]
    components = [Item(iri.label(e.id, _via(e.via)), iri(e.id)) for e in report.exposed_components]
    summary = (
        f"If {key} failed, {report.summary.systems} AI system(s) and "
        f"{report.summary.components} component(s) would be exposed."
    )
    return Neighbourhood(
        f"Blast radius of {key}",
        summary,
        [
            Item(f"Exposed AI systems ({len(systems)})", None, systems, True),
            Item(f"Exposed components ({len(components)})", None, components, True),
        ],
    )


def _via(chain: list[str]) -> str:
    return f"  (via {' → '.join(chain)})" if chain else ""


def _withdrawal(graph: RegisterGraph, key: str, iri: _Iris) -> Neighbourhood:
    report: ImpactReport = impact(graph, [key])
    by_outcome: dict[str, list[RiskEffect]] = {"reverts": [], "weakened": [], "unchanged": []}
    for effect in report.risk_effects:
        by_outcome[effect.outcome].append(effect)
    sections = [
        Item(
            f"Risks back to their inherent level ({len(by_outcome['reverts'])})",
            None,
            [_effect(e, iri) for e in by_outcome["reverts"]],
            True,
        ),
        Item(
            f"Risks still mitigated by other controls, to review ({len(by_outcome['weakened'])})",
            None,
            [_effect(e, iri) for e in by_outcome["weakened"]],
            True,
        ),
        Item(
            f"AI systems exposed ({len(report.exposed_systems)})",
            None,
            [Item(iri.label(e.id), iri(e.id)) for e in report.exposed_systems],
        ),
        Item(
            f"Annex A controls and clauses left without an implementation "
            f"({len(report.coverage_lost)})",
            None,
            [
                Item(iri.label(c.id, "" if c.applicable else "  (excluded in the SoA)"), iri(c.id))
                for c in report.coverage_lost
            ],
            True,
        ),
    ]
    if by_outcome["unchanged"]:
        sections.append(
            Item(
                f"Risks it mitigates only on paper ({len(by_outcome['unchanged'])})",
                None,
                [_effect(e, iri) for e in by_outcome["unchanged"]],
            )
        )
    status = graph.status(key) or "no status"
    summary = (
        f"If {key} ({status}) were withdrawn: {report.summary.reverts} risk(s) revert, "
        f"{report.summary.weakened} weakened, {report.summary.level_rises} rise in level."
    )
    return Neighbourhood(f"Without {key}", summary, sections)


def _effect(effect: RiskEffect, iri: _Iris) -> Item:
    change = ""
    if effect.level_before != effect.level_after:
        change = f"  ({_level(effect.level_before)} → {_level(effect.level_after)})"
    elif effect.level_after:
        change = f"  ({_level(effect.level_after)})"
    return Item(f"{effect.id}  {effect.title}{change}", iri(effect.id))


def _level(name: str | None) -> str:
    return name.replace("-", " ") if name else "not scored"


def _trace(graph: RegisterGraph, key: str, iri: _Iris) -> Neighbourhood:
    result = trace(graph, key)
    items = []
    parts = []
    for name, branch in (
        ("toward ISO/IEC 42001", result.up),
        ("toward the AI systems", result.down),
    ):
        if branch is None:
            continue
        items.append(_branch(f"Trace {name}", branch, iri))
        parts.append(f"{branch.paths} path(s) {name}")
    summary = f"{key}: " + ", ".join(parts) if parts else f"{key} has no trace."
    return Neighbourhood(f"Trace of {key}", summary, items)


def _branch(title: str, branch: TraceBranch, iri: _Iris) -> Item:
    dead = f", dead ends: {', '.join(branch.dead_ends[:10])}" if branch.dead_ends else ""
    return Item(
        f"{title} ({branch.paths} paths{dead})",
        None,
        [_trace_node(node, iri) for node in branch.nodes],
        True,
    )


def _trace_node(node: TraceNode, iri: _Iris) -> Item:
    relation = f"{'←' if node.inverse else '→'} {node.relation.value}"
    notes = [n for n in (node.status, _risk_levels(node)) if n]
    extra = f"  ({', '.join(notes)})" if notes else ""
    seen = "  ↺ shown above" if node.seen else ""
    return Item(
        f"{relation}  {node.id}  {node.title}{extra}{seen}",
        iri(node.id),
        [_trace_node(child, iri) for child in node.children],
        False,
    )


def _risk_levels(node: TraceNode) -> str:
    if node.level is None:
        return ""
    residual = f" → {_level(node.residual)}" if node.residual else ""
    return f"{_level(node.level)}{residual}"
