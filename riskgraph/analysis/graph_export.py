"""The typed graph as GraphML (yEd), GEXF (Gephi) or DOT (Graphviz).

Every node has the attributes ``id``, ``kind`` and ``title``; risks also ``level`` (inherent).
Every edge has ``relation`` (dependsOn, affects, mitigates ...) and runs as the RDF link does.
GraphML and GEXF are written by networkx. DOT is written here: the format is small and fully
specified (https://graphviz.org/doc/info/lang.html), and it saves a dependency on pydot or
pygraphviz.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import networkx as nx

from riskgraph.analysis.graph import (
    CATALOGUE_KINDS,
    DEPENDENCY_KINDS,
    NodeKind,
    RegisterGraph,
)
from riskgraph.errors import UserError
from riskgraph.register import Register
from riskgraph.results.outputs import GRAPH


@dataclass(frozen=True)
class GraphExportStats:
    format: str
    nodes: int
    edges: int


def export_view(graph: RegisterGraph) -> nx.DiGraph:
    """A copy of the graph with exactly the exported attributes, all plain strings."""
    view: nx.DiGraph = nx.DiGraph(revision=graph.revision)
    for node, data in graph.nx.nodes(data=True):
        attrs = {"id": node, "kind": str(data["kind"]), "title": data["title"]}
        if data.get("level") is not None:
            attrs["level"] = data["level"]
        view.add_node(node, **attrs)
    view.add_edges_from(
        (u, v, {"relation": str(relation)}) for u, v, relation in graph.nx.edges(data="relation")
    )
    return view


def write_graphml(graph: RegisterGraph, out: BinaryIO) -> GraphExportStats:
    view = export_view(graph)
    nx.write_graphml_xml(view, out, encoding="utf-8", prettyprint=True)
    return GraphExportStats("graphml", view.number_of_nodes(), view.number_of_edges())


def write_gexf(graph: RegisterGraph, out: BinaryIO) -> GraphExportStats:
    view = export_view(graph)
    nx.write_gexf(view, out, encoding="utf-8", prettyprint=True)
    return GraphExportStats("gexf", view.number_of_nodes(), view.number_of_edges())


_FILL = {
    **{kind: "#dbe9f6" for kind in (NodeKind.SYSTEM, *DEPENDENCY_KINDS)},
    NodeKind.RISK: "#f8d7d3",
    NodeKind.SOURCE: "#f8d7d3",
    **{kind: "#dcefd9" for kind in (NodeKind.CONTROL, NodeKind.TREATMENT, NodeKind.EVIDENCE)},
    **{kind: "#eeeeee" for kind in CATALOGUE_KINDS},
}
"""Node colours by family: systems and dependencies, risks, measures, the standard."""


def dot_string(text: str) -> str:
    """``text`` as a DOT double-quoted string: backslashes and quotes escaped, newlines as \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attributes(attrs: dict[str, str]) -> str:
    return ", ".join(f"{name}={dot_string(value)}" for name, value in attrs.items())


def write_dot(graph: RegisterGraph, out: BinaryIO) -> GraphExportStats:
    view = export_view(graph)
    lines = [
        f"// riskgraph register graph, revision {graph.revision}",
        'digraph "riskgraph" {',
        '  graph [rankdir="LR"];',
        '  node [shape="box", style="rounded,filled"];',
    ]
    for node, data in view.nodes(data=True):
        attrs = {**data, "label": node, "tooltip": data["title"]}
        attrs["fillcolor"] = _FILL[NodeKind(data["kind"])]
        lines.append(f"  {dot_string(node)} [{_dot_attributes(attrs)}];")
    for u, v, data in view.edges(data=True):
        attrs = {"relation": data["relation"], "label": data["relation"]}
        lines.append(f"  {dot_string(u)} -> {dot_string(v)} [{_dot_attributes(attrs)}];")
    lines.append("}")
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return GraphExportStats("dot", view.number_of_nodes(), view.number_of_edges())


WRITERS: dict[str, Callable[[RegisterGraph, BinaryIO], GraphExportStats]] = {
    "graphml": write_graphml,
    "gexf": write_gexf,
    "dot": write_dot,
}


def graph_format(output: Path | None, fmt: str | None) -> str | None:
    """The graph format named by ``fmt`` or by the extension of ``output``; None when neither
    names one (the caller then tries its other formats)."""
    wanted = fmt.strip().lower().lstrip(".") if fmt is not None else None
    extension = output.suffix.lower().lstrip(".") if output is not None else None
    for candidate in GRAPH.formats:
        if wanted is not None:
            if candidate.named(wanted) or wanted in candidate.extensions:
                return candidate.name
        elif extension and extension in candidate.extensions:
            return candidate.name
    return None


def write_graph(graph: RegisterGraph, fmt: str, out: BinaryIO) -> GraphExportStats:
    """Write ``graph`` in ``fmt`` (graphml, gexf or dot) to a binary stream."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise UserError(f"unknown graph format {fmt!r}; expected one of {', '.join(WRITERS)}")
    return writer(graph, out)


def export_register_graph(
    register: Register, fmt: str, output: Path | None, stream: BinaryIO | None = None
) -> GraphExportStats:
    """Write the register's typed graph to ``output`` (replaced only once complete) or, without
    an output file, to ``stream``. For ``riskgraph export --format graphml|gexf|dot``."""
    from riskgraph.analysis.graph_cache import load_graph

    graph = load_graph(register)
    if output is None:
        if stream is None:
            raise ValueError("give an output file or a stream")
        return write_graph(graph, fmt, stream)
    partial = output.with_name(f".{output.name}.partial")
    try:
        with partial.open("wb") as out:
            stats = write_graph(graph, fmt, out)
        os.replace(partial, output)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return stats
