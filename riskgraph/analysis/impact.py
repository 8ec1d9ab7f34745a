"""Blast radius: what happens when a component or supplier fails, or a control is withdrawn.

Rules (docs/analytics.md explains them with examples):

- **Exposure.** An AI system is exposed by a failed component or supplier when it reaches it
  through ``rg:dependsOn`` / ``rg:providedBy`` links, directly or along a chain (system -> model
  -> foundation model -> supplier; component -> component). Components on such a chain are
  exposed too. Each exposed item names one shortest chain (``via``).
- **Mitigation in effect.** Only implemented and verified controls mitigate a risk now. Planned
  controls are not in place yet; retired ones are gone.
- **Residual levels.** For each risk a withdrawn control mitigates:
  ``reverts`` when it loses every control in effect: its residual level becomes its inherent
  level (the risk is back to what it was before any control);
  ``weakened`` when other controls in effect remain: the residual level stays as assessed, but
  the assessment relied on a control that is gone and needs a review;
  ``unchanged`` when the withdrawn control was not in effect (planned or retired).
  A withdrawn control exposes the AI systems its reverted or weakened risks affect.
- **Coverage.** An Annex A control or clause loses its only implementation when every control in
  effect that addresses it is withdrawn.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Final, Literal

from pydantic import BaseModel

from riskgraph.analysis.graph import (
    COMPONENT_KINDS,
    DEPENDENCY_KINDS,
    DEPENDENCY_RELATIONS,
    NodeKind,
    NodeRef,
    RegisterGraph,
    Relation,
    level_rank,
    with_article,
)
from riskgraph.errors import UserError
from riskgraph.ids import natural_key

IMPACT_FORMAT: Final = "riskgraph.impact/1"

Outcome = Literal["reverts", "weakened", "unchanged"]
_OUTCOME_ORDER: dict[str, int] = {"reverts": 0, "weakened": 1, "unchanged": 2}
FAILING_KINDS = (*sorted(DEPENDENCY_KINDS), NodeKind.CONTROL)
_DEPENDENT_KINDS = COMPONENT_KINDS | {NodeKind.SYSTEM}


class Exposed(BaseModel):
    """An AI system or component hit by the failure."""

    id: str
    kind: NodeKind
    title: str
    via: list[str]
    """One shortest dependency chain from this item to a failed one, ending with the failed
    one: SYS-CHATBOT via [MOD-SUPPORT-FT, MOD-FOUNDATION]. Empty for a system exposed only
    through its risks (a withdrawn control)."""
    risks: list[str]
    """Systems: their risks that lose mitigation (reverts or weakened)."""


class RiskEffect(BaseModel):
    id: str
    title: str
    outcome: Outcome
    lost_controls: list[str]
    """Withdrawn controls that were in effect for this risk."""
    remaining_controls: list[str]
    """Controls in effect that remain."""
    withdrawn_not_in_effect: list[str]
    """Withdrawn controls that mitigate the risk only on paper (planned or retired)."""
    inherent: str | None
    residual_before: str | None
    residual_after: str | None
    level_before: str | None
    """Current level before: residual when scored, else inherent."""
    level_after: str | None
    systems: list[str]
    treatments: list[str]
    """Treatments of this risk that use a withdrawn control."""


class CoverageLoss(BaseModel):
    """An Annex A control or clause whose only implementation is withdrawn."""

    id: str
    kind: NodeKind
    title: str
    lost_controls: list[str]
    applicable: bool
    """False when the Statement of Applicability excludes it (then the loss is no gap)."""


class ImpactSummary(BaseModel):
    systems: int
    components: int
    reverts: int
    weakened: int
    unchanged: int
    level_rises: int
    """Risks whose current level goes up."""
    coverage_lost: int


class ImpactReport(BaseModel):
    format: Literal["riskgraph.impact/1"] = IMPACT_FORMAT
    revision: int
    failed: list[NodeRef]
    exposed_systems: list[Exposed]
    exposed_components: list[Exposed]
    risk_effects: list[RiskEffect]
    coverage_lost: list[CoverageLoss]
    summary: ImpactSummary


def impact(graph: RegisterGraph, refs: Iterable[str]) -> ImpactReport:
    """The blast radius of the failure of components/suppliers and the withdrawal of controls,
    all at once. Raises UserError for unknown IDs and for other kinds."""
    failed = list(dict.fromkeys(_failing(graph, ref) for ref in refs))
    if not failed:
        raise UserError("name at least one component, supplier or control")
    withdrawn = {n for n in failed if graph.kind(n) is NodeKind.CONTROL}
    dependencies = [n for n in failed if n not in withdrawn]

    chains = _dependents(graph, dependencies)
    effects = _risk_effects(graph, withdrawn)
    risks_by_system: dict[str, list[str]] = {}
    for effect in effects:
        if effect.outcome != "unchanged":
            for system in effect.systems:
                risks_by_system.setdefault(system, []).append(effect.id)
    systems = set(risks_by_system) | {n for n in chains if graph.kind(n) is NodeKind.SYSTEM}
    components = [n for n in chains if graph.kind(n) in COMPONENT_KINDS]
    coverage = _coverage_lost(graph, withdrawn)
    exposed_systems = [
        Exposed(
            id=n,
            kind=graph.kind(n),
            title=graph.title(n),
            via=chains.get(n, []),
            risks=graph.sorted(risks_by_system.get(n, [])),
        )
        for n in graph.sorted(systems)
    ]
    exposed_components = [
        Exposed(id=n, kind=graph.kind(n), title=graph.title(n), via=chains[n], risks=[])
        for n in graph.sorted(components)
    ]
    return ImpactReport(
        revision=graph.revision,
        failed=[graph.ref(n) for n in graph.sorted(failed)],
        exposed_systems=exposed_systems,
        exposed_components=exposed_components,
        risk_effects=effects,
        coverage_lost=coverage,
        summary=ImpactSummary(
            systems=len(exposed_systems),
            components=len(exposed_components),
            reverts=sum(e.outcome == "reverts" for e in effects),
            weakened=sum(e.outcome == "weakened" for e in effects),
            unchanged=sum(e.outcome == "unchanged" for e in effects),
            level_rises=sum(_rises(e) for e in effects),
            coverage_lost=len(coverage),
        ),
    )


def _rises(effect: RiskEffect) -> bool:
    return level_rank(effect.level_after) > level_rank(effect.level_before)


def _failing(graph: RegisterGraph, ref: str) -> str:
    node = graph.resolve(ref)
    kind = graph.kind(node)
    if kind not in FAILING_KINDS:
        raise UserError(
            f"{node} is {with_article(kind.label)}; impact takes components (models, "
            f"datasets, services), suppliers and controls. 'riskgraph trace {node}' shows what "
            "it is linked to"
        )
    return node


def _dependents(graph: RegisterGraph, failed: list[str]) -> dict[str, list[str]]:
    """Everything that depends on a failed item -> one shortest chain to it (breadth-first from
    all failed items at once, in sorted order, so the chain chosen is deterministic)."""
    chains: dict[str, list[str]] = {n: [] for n in failed}
    queue = deque(graph.sorted(failed))
    while queue:
        node = queue.popleft()
        dependents = [
            x
            for x, data in graph.nx.pred[node].items()
            if data["relation"] in DEPENDENCY_RELATIONS and graph.kind(x) in _DEPENDENT_KINDS
        ]
        for dependent in graph.sorted(dependents):
            if dependent not in chains:
                chains[dependent] = [node, *chains[node]]
                queue.append(dependent)
    for node in failed:
        del chains[node]
    return chains


def _risk_effects(graph: RegisterGraph, withdrawn: set[str]) -> list[RiskEffect]:
    risks = {risk for control in withdrawn for risk in graph.out(control, Relation.MITIGATES)}
    effects = []
    for risk in risks:
        if graph.kind(risk) is not NodeKind.RISK:
            continue
        mitigators = set(graph.into(risk, Relation.MITIGATES))
        in_effect = {c for c in mitigators if graph.in_effect(c)}
        lost = in_effect & withdrawn
        remaining = in_effect - withdrawn
        outcome: Outcome = "unchanged" if not lost else "weakened" if remaining else "reverts"
        inherent, residual = graph.level(risk), graph.residual(risk)
        before = residual or inherent
        after = inherent if outcome == "reverts" else before
        effects.append(
            RiskEffect(
                id=risk,
                title=graph.title(risk),
                outcome=outcome,
                lost_controls=graph.sorted(lost),
                remaining_controls=graph.sorted(remaining),
                withdrawn_not_in_effect=graph.sorted((mitigators & withdrawn) - lost),
                inherent=inherent,
                residual_before=residual,
                residual_after=inherent if outcome == "reverts" else residual,
                level_before=before,
                level_after=after,
                systems=graph.sorted(graph.out(risk, Relation.AFFECTS)),
                treatments=graph.sorted(
                    t
                    for t in graph.into(risk, Relation.TREATS)
                    if withdrawn & set(graph.out(t, Relation.USES_CONTROL))
                ),
            )
        )
    effects.sort(
        key=lambda e: (_OUTCOME_ORDER[e.outcome], -level_rank(e.level_after), natural_key(e.id))
    )
    return effects


def _coverage_lost(graph: RegisterGraph, withdrawn: set[str]) -> list[CoverageLoss]:
    items = {
        item
        for control in withdrawn
        if graph.in_effect(control)
        for item in graph.out(control, Relation.ADDRESSES)
    }
    losses = []
    for item in graph.sorted(items):
        implementers = {c for c in graph.into(item, Relation.ADDRESSES) if graph.in_effect(c)}
        if implementers and implementers <= withdrawn:
            losses.append(
                CoverageLoss(
                    id=item,
                    kind=graph.kind(item),
                    title=graph.title(item),
                    lost_controls=graph.sorted(implementers),
                    applicable=graph.applicable(item),
                )
            )
    return losses
