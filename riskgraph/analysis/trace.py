"""Traceability: every path from an AI system up to ISO/IEC 42001, and from the standard down.

Up (toward the standard) follows, from an AI system:
  system <-affects- risk; risk <-mitigates- control; risk <-treats- treatment;
  risk -hasRiskSource-> Annex C risk source; treatment -usesControl-> control;
  control -addresses-> Annex A control or clause; control <-supports- evidence;
  evidence -supports-> clause or Annex A control.
Down (toward the systems) follows the same links the other way, starting from a clause, an
Annex A control or objective (and the items under it), an Annex C risk source or a register risk
source. A risk, control, treatment or evidence item has both directions.

The answer is a tree. Each node is expanded once; where it turns up again (another path reaches
it) it appears as a leaf marked ``seen``: every path of the trace is a walk down the tree that
continues, at a seen node, under that node's expansion. ``paths`` counts those paths, from each
node to the end points (catalogue items up, AI systems down).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from pydantic import BaseModel, Field

from riskgraph.analysis.graph import (
    CATALOGUE_KINDS,
    DEPENDENCY_KINDS,
    NodeKind,
    NodeRef,
    RegisterGraph,
    Relation,
    with_article,
)
from riskgraph.errors import UserError

TRACE_FORMAT: Final = "riskgraph.trace/1"

Direction = Literal["up", "down"]


@dataclass(frozen=True)
class Step:
    """One hop of a trace: follow ``relation`` forward (node -> x) or inverse (x -> node),
    keeping only targets of the given kinds."""

    relation: Relation
    inverse: bool
    kinds: frozenset[NodeKind]


def _step(relation: Relation, inverse: bool, *kinds: NodeKind) -> Step:
    return Step(relation, inverse, frozenset(kinds))


_ANNEX_C_KINDS = frozenset({NodeKind.ANNEX_C_GROUP, NodeKind.ANNEX_C_OBJECTIVE, NodeKind.ANNEX_C})
_PROTECTION = tuple(sorted(CATALOGUE_KINDS - _ANNEX_C_KINDS))
"""Clauses and Annex A: what controls address and evidence supports."""

UP: dict[NodeKind, tuple[Step, ...]] = {
    NodeKind.SYSTEM: (_step(Relation.AFFECTS, True, NodeKind.RISK),),
    NodeKind.RISK: (
        _step(Relation.MITIGATES, True, NodeKind.CONTROL),
        _step(Relation.TREATS, True, NodeKind.TREATMENT),
        _step(Relation.HAS_RISK_SOURCE, False, NodeKind.ANNEX_C),
    ),
    NodeKind.TREATMENT: (_step(Relation.USES_CONTROL, False, NodeKind.CONTROL),),
    NodeKind.CONTROL: (
        _step(Relation.ADDRESSES, False, *_PROTECTION),
        _step(Relation.SUPPORTS, True, NodeKind.EVIDENCE),
    ),
    NodeKind.EVIDENCE: (_step(Relation.SUPPORTS, False, *_PROTECTION),),
}
DOWN: dict[NodeKind, tuple[Step, ...]] = {
    **{
        kind: (
            _step(Relation.BROADER, True, *CATALOGUE_KINDS),
            _step(Relation.ADDRESSES, True, NodeKind.CONTROL),
            _step(Relation.SUPPORTS, True, NodeKind.EVIDENCE),
        )
        for kind in CATALOGUE_KINDS - {NodeKind.ANNEX_C}
    },
    NodeKind.ANNEX_C: (_step(Relation.HAS_RISK_SOURCE, True, NodeKind.RISK),),
    NodeKind.SOURCE: (_step(Relation.HAS_RISK_SOURCE, True, NodeKind.RISK),),
    NodeKind.EVIDENCE: (_step(Relation.SUPPORTS, False, NodeKind.CONTROL),),
    NodeKind.CONTROL: (
        _step(Relation.MITIGATES, False, NodeKind.RISK),
        _step(Relation.USES_CONTROL, True, NodeKind.TREATMENT),
    ),
    NodeKind.TREATMENT: (_step(Relation.TREATS, False, NodeKind.RISK),),
    NodeKind.RISK: (_step(Relation.AFFECTS, False, NodeKind.SYSTEM),),
}
RULES: dict[Direction, dict[NodeKind, tuple[Step, ...]]] = {"up": UP, "down": DOWN}
ENDS: dict[Direction, frozenset[NodeKind]] = {
    "up": frozenset(_PROTECTION),
    "down": frozenset({NodeKind.SYSTEM}),
}
"""Where a path of each direction ends. Annex C risk sources of a risk show in the tree, but
they are where the risk comes from, not what protects against it: no path ends there."""
CHAIN_KINDS = frozenset({NodeKind.RISK, NodeKind.CONTROL, NodeKind.TREATMENT})
"""Kinds reported as dead ends when no path through them reaches the end of the trace."""


class TraceNode(BaseModel):
    """A node of the trace tree. ``relation`` is the link to the parent; ``inverse`` is true
    when that link runs from this node to its parent (a risk that affects the system above)."""

    id: str
    kind: NodeKind
    title: str
    relation: Relation
    inverse: bool
    level: str | None = None
    """Risks: inherent level."""
    residual: str | None = None
    """Risks: residual level, when scored."""
    status: str | None = None
    """Controls and treatments: status."""
    seen: bool = False
    """Expanded elsewhere in the tree; its children are listed there."""
    paths: int = 0
    """Paths from this node to an end point of the trace."""
    children: list[TraceNode] = Field(default_factory=list)


class TraceBranch(BaseModel):
    """One direction of a trace."""

    paths: int
    """Paths from the root to end points (catalogue items up, AI systems down)."""
    reached: dict[NodeKind, list[str]]
    """Every node in the branch, by kind."""
    dead_ends: list[str]
    """Risks, controls and treatments in the branch through which no path reaches an end point."""
    nodes: list[TraceNode]


class TraceResult(BaseModel):
    format: Literal["riskgraph.trace/1"] = TRACE_FORMAT
    revision: int
    root: NodeRef
    up: TraceBranch | None
    """Toward ISO/IEC 42001: absent for catalogue items and risk sources."""
    down: TraceBranch | None
    """Toward the AI systems: absent for AI systems."""


def trace(graph: RegisterGraph, ref: str) -> TraceResult:
    """The trace of an AI system, risk, control, treatment, evidence item, risk source or
    ISO/IEC 42001 reference. Raises UserError for unknown IDs and for other kinds."""
    root = graph.resolve(ref)
    kind = graph.kind(root)
    if kind in DEPENDENCY_KINDS:
        raise UserError(
            f"{root} is {with_article(kind.label)}: trace follows risks, controls and the "
            f"standard; 'riskgraph impact {root}' shows what depends on it"
        )
    branches = {
        direction: _Walker(graph, direction).branch(root) if kind in RULES[direction] else None
        for direction in ("up", "down")
    }
    return TraceResult(
        revision=graph.revision, root=graph.ref(root), up=branches["up"], down=branches["down"]
    )


class _Walker:
    """Builds one branch depth-first, expanding each node once."""

    def __init__(self, graph: RegisterGraph, direction: Direction) -> None:
        self.graph = graph
        self.rules = RULES[direction]
        self.ends = ENDS[direction]
        self.paths: dict[str, int] = {}
        """Paths from each expanded node; absent while a node is being expanded."""
        self.reached: dict[str, NodeKind] = {}

    def branch(self, root: str) -> TraceBranch:
        self.reached[root] = self.graph.kind(root)
        self.paths[root] = 0  # the root never ends its own paths; guards against cycles
        nodes = self._children(root)
        by_kind: dict[NodeKind, list[str]] = {}
        for node in self.graph.sorted(n for n in self.reached if n != root):
            by_kind.setdefault(self.reached[node], []).append(node)
        dead = [
            n
            for n, k in self.reached.items()
            if k in CHAIN_KINDS and n != root and self.paths.get(n, 0) == 0
        ]
        return TraceBranch(
            paths=sum(node.paths for node in nodes),
            reached=by_kind,
            dead_ends=self.graph.sorted(dead),
            nodes=nodes,
        )

    def _children(self, node: str) -> list[TraceNode]:
        found: dict[str, Step] = {}
        for step in self.rules.get(self.graph.kind(node), ()):
            targets = (
                self.graph.into(node, step.relation)
                if step.inverse
                else self.graph.out(node, step.relation)
            )
            for target in targets:
                if self.graph.kind(target) in step.kinds:
                    found.setdefault(target, step)
        return [self._visit(target, found[target]) for target in self.graph.sorted(found)]

    def _visit(self, node: str, step: Step) -> TraceNode:
        kind = self.graph.kind(node)
        tree = TraceNode(
            id=node,
            kind=kind,
            title=self.graph.title(node),
            relation=step.relation,
            inverse=step.inverse,
            level=self.graph.level(node),
            residual=self.graph.residual(node),
            status=self.graph.status(node),
        )
        if node in self.reached:
            tree.seen = True
            tree.paths = self.paths.get(node, 0)  # 0 only on a cycle (a broken catalogue)
            return tree
        self.reached[node] = kind
        tree.children = self._children(node)
        tree.paths = (1 if kind in self.ends else 0) + sum(c.paths for c in tree.children)
        self.paths[node] = tree.paths
        return tree
