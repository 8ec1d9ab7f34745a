"""Framework coverage: which concepts of a framework the register (or a library) addresses,
directly or through crosswalks, and which not.

A concept counts as addressed **directly** when a chain reaches it with at most one step that is
not an ``exactMatch`` (an exact match names the same thing, so it costs nothing): a register
control that addresses an Annex A control, a FINOS mitigation whose reference entry is that Annex
A control. It counts as addressed **through crosswalks** when a longer chain reaches it (up to
``max_hops`` steps), and the chain is named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from riskgraph.library.crosswalk import MappingGraph, Path, crosswalk
from riskgraph.store.base import Store

COVERAGE_HOPS = 4
"""Enough for an adopted risk -> its library risk -> a mitigation -> its reference -> Annex A."""
DIRECT = "direct"
CROSSWALK = "through crosswalks"
NOT_ADDRESSED = "not addressed"


@dataclass(frozen=True)
class CoverageRow:
    iri: str
    notation: str
    label: str
    status: str
    by: tuple[str, ...]
    """Notations of the concepts (or register IDs) that address it, shortest chains first."""
    chain: str
    """The shortest chain, described step by step (empty when not addressed)."""


def _cost(path: Path) -> int:
    return sum(1 for e in path.edges if e.predicate != "exactMatch")


def coverage(
    store: Store,
    framework: str,
    by: str = "register",
    *,
    max_hops: int = COVERAGE_HOPS,
    graph: MappingGraph | None = None,
) -> list[CoverageRow]:
    walk = crosswalk(store, by, framework, max_hops=max_hops, graph=graph)
    reached: dict[str, list[Path]] = {}
    for paths in walk.paths.values():
        for path in paths:
            reached.setdefault(path.end, []).append(path)
    rows = []
    for iri, notation in walk.target_members.items():
        paths = sorted(reached.get(iri, []), key=lambda p: (_cost(p), len(p.edges)))
        if not paths:
            status = NOT_ADDRESSED
        elif _cost(paths[0]) <= 1:
            status = DIRECT
        else:
            status = CROSSWALK
        by_names = tuple(dict.fromkeys(walk.source_members[p.start] for p in paths))
        chain = ""
        if paths:
            best = paths[0]
            chain = f"{walk.source_members[best.start]} " + " ".join(
                e.describe(walk.labels) for e in best.edges
            )
        rows.append(CoverageRow(iri, notation, walk.labels.get(iri, ""), status, by_names, chain))
    return sorted(rows, key=lambda r: _natural(r.notation))


def _natural(text: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))
