"""GraphML, GEXF and DOT exports parse back to the same nodes, attributes and edges."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pytest

from riskgraph.analysis.graph import RegisterGraph
from riskgraph.analysis.graph_build import build_graph
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.graph_export import (
    GraphExportStats,
    dot_string,
    export_register_graph,
    graph_format,
    write_dot,
    write_gexf,
    write_graph,
    write_graphml,
)
from riskgraph.errors import UserError
from riskgraph.model.entities import AISystem, Control, Risk
from riskgraph.model.rdf import to_quads
from riskgraph.register import Register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.store.base import ChangeSet, commit
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import REGISTER_GRAPH

AWKWARD = 'Say "hi" \\ to <Ops> & Co\nsecond line, café'


@pytest.fixture(scope="module")
def graph() -> RegisterGraph:
    """The example plus entities whose titles need escaping in every format."""
    register = Register.in_memory()
    register.commit(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    extra = [
        AISystem(id="SYS-ODD", title=AWKWARD),
        Risk(
            id="R-ODD",
            title="Risk \\n not a newline",
            likelihood=5,
            severity=5,
            affects=["SYS-ODD"],
        ),
        Control(id="C-ODD", title="Control", mitigates=["R-ODD"], addresses=["A.6.2.4"]),
    ]
    base = register.base_iri
    register.commit(ChangeSet(add=[q for e in extra for q in to_quads(e, base)]))
    return load_graph(register)


def expected_nodes(graph: RegisterGraph) -> dict[str, dict[str, str]]:
    nodes = {}
    for node in graph.nx:
        attrs = {"kind": str(graph.kind(node)), "title": graph.title(node)}
        if (level := graph.level(node)) is not None:
            attrs["level"] = level
        nodes[node] = attrs
    return nodes


def expected_edges(graph: RegisterGraph) -> set[tuple[str, str, str]]:
    return {(u, v, str(r)) for u, v, r in graph.nx.edges(data="relation")}


def written(
    writer: Callable[[RegisterGraph, BinaryIO], GraphExportStats], graph: RegisterGraph
) -> bytes:
    out = io.BytesIO()
    stats = writer(graph, out)
    assert (stats.nodes, stats.edges) == (graph.nx.number_of_nodes(), graph.nx.number_of_edges())
    return out.getvalue()


def test_graphml_round_trip(graph: RegisterGraph) -> None:
    back = nx.read_graphml(io.BytesIO(written(write_graphml, graph)))
    assert isinstance(back, nx.DiGraph)
    nodes = {n: {k: v for k, v in d.items() if k != "id"} for n, d in back.nodes(data=True)}
    assert nodes == expected_nodes(graph)
    assert all(d["id"] == n for n, d in back.nodes(data=True))
    assert {(u, v, d["relation"]) for u, v, d in back.edges(data=True)} == expected_edges(graph)
    assert back.nodes["SYS-ODD"]["title"] == AWKWARD
    assert back.nodes["R-ODD"]["level"] == "very-high"


def test_gexf_round_trip(graph: RegisterGraph) -> None:
    back = nx.read_gexf(io.BytesIO(written(write_gexf, graph)))
    nodes = {n: {k: v for k, v in d.items() if k != "label"} for n, d in back.nodes(data=True)}
    assert nodes == expected_nodes(graph)
    assert {(u, v, d["relation"]) for u, v, d in back.edges(data=True)} == expected_edges(graph)


# DOT: https://graphviz.org/doc/info/lang.html, the subset the writer uses.
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_ATTRS = rf"\[\s*(?P<attrs>(?:\w+={_QUOTED}(?:,\s*)?)*)\]"
_NODE = re.compile(rf"^\s*(?P<id>{_QUOTED})\s*{_ATTRS};$")
_EDGE = re.compile(rf"^\s*(?P<tail>{_QUOTED})\s*->\s*(?P<head>{_QUOTED})\s*{_ATTRS};$")
_PAIR = re.compile(rf"(\w+)=({_QUOTED})")


def _unquote(text: str) -> str:
    inner = text[1:-1]
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), inner)


def parse_dot(text: str) -> tuple[dict[str, dict[str, str]], set[tuple[str, str, str]]]:
    lines = text.splitlines()
    assert lines[1] == 'digraph "riskgraph" {' and lines[-1] == "}"
    nodes: dict[str, dict[str, str]] = {}
    edges = set()
    for line in lines[2:-1]:
        if line.strip().startswith(("graph [", "node [")):
            continue
        if match := _EDGE.match(line):
            attrs = {k: _unquote(v) for k, v in _PAIR.findall(match["attrs"])}
            edges.add((_unquote(match["tail"]), _unquote(match["head"]), attrs["relation"]))
        elif match := _NODE.match(line):
            attrs = {k: _unquote(v) for k, v in _PAIR.findall(match["attrs"])}
            nodes[_unquote(match["id"])] = attrs
        else:
            raise AssertionError(f"not a DOT statement the writer makes: {line!r}")
    return nodes, edges


def test_dot_parses_back(graph: RegisterGraph) -> None:
    nodes, edges = parse_dot(written(write_dot, graph).decode("utf-8"))
    exported = {
        n: {k: v for k, v in d.items() if k in ("kind", "title", "level")} for n, d in nodes.items()
    }
    assert exported == expected_nodes(graph)
    assert all(d["id"] == n for n, d in nodes.items())
    assert edges == expected_edges(graph)
    assert nodes["SYS-ODD"]["title"] == AWKWARD


def test_dot_string_escapes() -> None:
    assert dot_string('a "b" \\c\nd') == '"a \\"b\\" \\\\c\\nd"'


@pytest.mark.filterwarnings("ignore:.*deprecated")
def test_dot_is_read_by_pydot() -> None:
    pydot = pytest.importorskip("pydot")
    store = EmbeddedStore()  # a register graph only, no catalogue: pydot parses slowly
    system = AISystem(id="SYS-ODD", title=AWKWARD)
    risk = Risk(id="R-ODD", title="Risk \\n", likelihood=2, severity=5, affects=["SYS-ODD"])
    commit(store, ChangeSet(add=[q for e in (system, risk) for q in to_quads(e, "urn:x:")]))
    small = build_graph(store)
    [parsed] = pydot.graph_from_dot_data(written(write_dot, small).decode("utf-8"))
    nodes = {n.get_name(): n for n in parsed.get_nodes()}
    assert set(nodes) - {"node", "graph"} == {'"SYS-ODD"', '"R-ODD"'}
    assert nodes['"SYS-ODD"'].get("title") == dot_string(AWKWARD)
    [edge] = parsed.get_edges()
    assert (edge.get_source(), edge.get_destination()) == ('"R-ODD"', '"SYS-ODD"')
    assert edge.get("relation") == '"affects"'


@pytest.mark.parametrize(
    ("output", "fmt", "expected"),
    [
        ("g.graphml", None, "graphml"),
        ("g.GEXF", None, "gexf"),
        ("g.gv", None, "dot"),
        ("g.ttl", None, None),
        (None, "DOT", "dot"),
        ("g.ttl", "graphml", "graphml"),
        (None, "ttl", None),
        (None, None, None),
    ],
)
def test_graph_format(output: str | None, fmt: str | None, expected: str | None) -> None:
    assert graph_format(Path(output) if output else None, fmt) == expected


def test_unknown_format_is_refused(graph: RegisterGraph) -> None:
    with pytest.raises(UserError, match="expected one of graphml, gexf, dot"):
        write_graph(graph, "svg", io.BytesIO())


def test_export_to_a_file_replaces_it_only_when_complete(
    example_register_folder: Path, tmp_path: Path
) -> None:
    register = Register.open(example_register_folder)
    target = tmp_path / "register.graphml"
    target.write_text("old")
    stats = export_register_graph(register, "graphml", target)
    assert nx.read_graphml(target).number_of_nodes() == stats.nodes
    with pytest.raises(UserError):
        export_register_graph(register, "svg", target)
    assert nx.read_graphml(target).number_of_nodes() == stats.nodes
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example", "register.graphml"]
