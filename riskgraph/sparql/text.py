"""Turn quads into SPARQL Update text; terms print as N-Triples, nothing is pasted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for q in quads:
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            raise ValueError(
                "blank nodes cannot be written with DELETE/INSERT DATA; skolemise first"
            )
        graph = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        grouped[graph].append(f"{q.subject} {q.predicate} {q.object} .")
    return grouped


def data_block(keyword: str, quads: Iterable[ox.Quad]) -> str:
    """``INSERT DATA { ... }`` or ``DELETE DATA { ... }`` for the quads, grouped by graph."""
    parts = []
    for graph, lines in _by_graph(quads).items():
        body = "\n".join(lines)
        parts.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
    return f"{keyword} DATA {{\n" + "\n".join(parts) + "\n}"


def change_update(remove: list[ox.Quad], add: list[ox.Quad]) -> str:
    """One SPARQL Update request that removes then adds."""
    ops = []
    if remove:
        ops.append(data_block("DELETE", remove))
    if add:
        ops.append(data_block("INSERT", add))
    return " ;\n".join(ops)
