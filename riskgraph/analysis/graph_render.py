"""Rich renderables for the graph analyses: what the CLI prints and the TUI detail pane shows."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from riskgraph.analysis.graph import NodeKind, NodeRef, Relation
from riskgraph.analysis.graph_clusters import RiskClustering
from riskgraph.analysis.impact import ImpactReport
from riskgraph.analysis.rank import ControlRanking
from riskgraph.analysis.trace import TraceBranch, TraceNode, TraceResult

_PHRASES: dict[tuple[Relation, bool], str] = {
    (Relation.AFFECTS, True): "affected by",
    (Relation.AFFECTS, False): "affects",
    (Relation.MITIGATES, True): "mitigated by",
    (Relation.MITIGATES, False): "mitigates",
    (Relation.TREATS, True): "treated by",
    (Relation.TREATS, False): "treats",
    (Relation.USES_CONTROL, True): "used by",
    (Relation.USES_CONTROL, False): "uses",
    (Relation.ADDRESSES, True): "addressed by",
    (Relation.ADDRESSES, False): "addresses",
    (Relation.SUPPORTS, True): "supported by",
    (Relation.SUPPORTS, False): "supports",
    (Relation.HAS_RISK_SOURCE, True): "source of",
    (Relation.HAS_RISK_SOURCE, False): "comes from",
    (Relation.BROADER, True): "includes",
    (Relation.BROADER, False): "part of",
}
_LEVEL_STYLES = {
    "extremely-high": "bold red",
    "very-high": "red",
    "high": "dark_orange",
    "moderate": "yellow",
}
MAX_LISTED = 12
"""IDs listed in one table cell before '… and N more'."""


def phrase(relation: Relation, inverse: bool) -> str:
    """How the link to the parent reads from the parent: 'mitigated by', 'addresses' ..."""
    return _PHRASES.get((relation, inverse), relation.value)


def level_text(level: str | None) -> Text:
    if level is None:
        return Text("unscored", style="dim")
    return Text(level, style=_LEVEL_STYLES.get(level, "green"))


def _listed(ids: list[str], limit: int = MAX_LISTED) -> str:
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f" … and {len(ids) - limit} more"


def _ref_label(ref: NodeRef) -> Text:
    text = Text()
    text.append(ref.id, style="bold")
    text.append(f"  {ref.kind.label} · {ref.title}")
    return text


# Trace -------------------------------------------------------------------------------------


def trace_tree(result: TraceResult) -> Tree:
    tree = Tree(_ref_label(result.root), guide_style="dim")
    branches = [("↑ toward ISO/IEC 42001", result.up), ("↓ toward AI systems", result.down)]
    for heading, branch in branches:
        if branch is None:
            continue
        node = tree.add(Text(f"{heading}: {_paths(branch)}", style="bold cyan"))
        if not branch.nodes:
            node.add(Text("nothing linked", style="dim"))
        for child in branch.nodes:
            _add_trace_node(node, child)
        if branch.dead_ends:
            node.add(
                Text(f"dead ends (reach no end point): {_listed(branch.dead_ends)}", style="yellow")
            )
    return tree


def _paths(branch: TraceBranch) -> str:
    return f"{branch.paths} path{'s' if branch.paths != 1 else ''}"


def _add_trace_node(parent: Tree, node: TraceNode) -> None:
    label = Text()
    label.append(f"{phrase(node.relation, node.inverse)} ", style="dim")
    label.append(node.id, style="bold")
    label.append(f"  {node.kind.label} · {node.title}")
    if node.kind is NodeKind.RISK:
        label.append("  ")
        label.append_text(level_text(node.level))
        if node.residual is not None:
            label.append(" → ")
            label.append_text(level_text(node.residual))
    elif node.status is not None:
        label.append(f"  [{node.status}]", style="dim" if node.status == "retired" else "")
    if node.seen:
        label.append("  (see above)", style="dim italic")
    branch = parent.add(label)
    for child in node.children:
        _add_trace_node(branch, child)


# Impact ------------------------------------------------------------------------------------


def impact_view(report: ImpactReport) -> Group:
    parts: list[RenderableType] = []
    failed = ", ".join(f"{r.id} ({r.kind.label})" for r in report.failed)
    parts.append(Text(f"Impact of {failed}", style="bold"))
    summary = report.summary
    parts.append(
        Text(
            f"{summary.systems} AI system(s) and {summary.components} component(s) exposed; "
            f"{summary.reverts} risk(s) revert to inherent, {summary.weakened} weakened, "
            f"{summary.level_rises} level rise(s); {summary.coverage_lost} ISO/IEC 42001 "
            "item(s) lose their only implementation",
            style="dim",
        )
    )
    if report.exposed_systems:
        table = Table(title="Exposed AI systems", title_justify="left")
        for column in ("system", "title", "through", "risks losing mitigation"):
            table.add_column(column)
        for item in report.exposed_systems:
            table.add_row(item.id, item.title, " → ".join(item.via), _listed(item.risks))
        parts.append(table)
    if report.exposed_components:
        table = Table(title="Exposed components", title_justify="left")
        for column in ("component", "kind", "title", "through"):
            table.add_column(column)
        for item in report.exposed_components:
            table.add_row(item.id, item.kind.label, item.title, " → ".join(item.via))
        parts.append(table)
    if report.risk_effects:
        parts.append(_risk_effects_table(report))
    if report.coverage_lost:
        table = Table(title="ISO/IEC 42001 items losing their only implementation")
        table.title_justify = "left"
        for column in ("item", "title", "withdrawn controls", "applicable"):
            table.add_column(column)
        for loss in report.coverage_lost:
            applicable = "yes" if loss.applicable else "no (SoA excludes it)"
            table.add_row(loss.id, loss.title, ", ".join(loss.lost_controls), applicable)
        parts.append(table)
    return Group(*parts)


def _risk_effects_table(report: ImpactReport) -> Table:
    table = Table(title="Risks mitigated by the withdrawn controls", title_justify="left")
    for column in ("risk", "outcome", "level now", "after", "lost", "remaining", "systems"):
        table.add_column(column)
    styles = {"reverts": "bold red", "weakened": "yellow", "unchanged": "dim"}
    for effect in report.risk_effects:
        table.add_row(
            effect.id,
            Text(effect.outcome, style=styles[effect.outcome]),
            level_text(effect.level_before),
            level_text(effect.level_after),
            ", ".join(effect.lost_controls or effect.withdrawn_not_in_effect),
            ", ".join(effect.remaining_controls),
            _listed(effect.systems),
        )
    return table


# Rankings ----------------------------------------------------------------------------------


def controls_table(ranking: ControlRanking) -> Table:
    rule = ranking.spof_rule
    table = Table(
        title="Controls by leverage",
        caption=(
            f"leverage = Σ 2^(rank−1) over mitigated risks' inherent levels; SPOF = sole control "
            f"in effect for ≥{rule.min_risks} risks at {rule.min_level} or above; "
            f"ties broken by betweenness ({ranking.centrality})"
        ),
        title_justify="left",
    )
    for column, justify in (
        ("#", "right"),
        ("control", "left"),
        ("status", "left"),
        ("leverage", "right"),
        ("risks", "right"),
        ("by level", "left"),
        ("sole control of", "left"),
        ("centrality", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in ranking.controls:
        levels = ", ".join(f"{n} {name}" for name, n in row.risks_by_level.items())
        sole = Text(_listed(row.sole_risks, 6))
        if row.spof:
            sole = Text.assemble(("SPOF ", "bold red"), _listed(row.spof_risks, 6))
        table.add_row(
            str(row.position),
            f"{row.id}  {row.title}",
            row.status or "",
            str(row.leverage),
            str(row.risks),
            levels,
            sole,
            "" if row.centrality is None else f"{row.centrality:.4f}",
        )
    return table


def clusters_table(clustering: RiskClustering) -> Table:
    table = Table(
        title="Risk clusters",
        caption=(
            f"risks whose sources and controls overlap (Jaccard ≥ {clustering.threshold}); "
            f"{clustering.unclustered} risk(s) in no cluster"
        ),
        title_justify="left",
    )
    for column in ("#", "risks", "top level", "shared sources and controls", "systems"):
        table.add_column(column)
    for cluster in clustering.clusters:
        shared = _listed([f"{f.id} ({f.risks})" for f in cluster.shared], 6)
        table.add_row(
            str(cluster.number),
            f"{cluster.size}: {_listed([r.id for r in cluster.risks])}",
            level_text(cluster.top_level),
            shared,
            _listed(cluster.systems, 6),
        )
    return table
