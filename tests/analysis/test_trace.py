"""Traceability on the Harbourline example, up from systems and down from the standard.

Reached sets are checked against plain SPARQL over the store; path counts against counts worked
out by hand from register.ttl.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from riskgraph.analysis.graph import CATALOGUE_KINDS, NodeKind, RegisterGraph
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.analysis.trace import TraceBranch, TraceNode, TraceResult, trace
from riskgraph.config import RegisterConfig
from riskgraph.errors import UserError
from riskgraph.register import Register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.store.base import ChangeSet, SelectResult
from riskgraph.vocab import PREFIXES, REGISTER_GRAPH, sparql_prefix_block

BASE = "https://harbourline.example/ai-register/"


@pytest.fixture(scope="module")
def register() -> Register:
    config = RegisterConfig()
    config.general.base_iri = BASE
    register = Register.in_memory(config)
    register.commit(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    return register


@pytest.fixture(scope="module")
def graph(register: Register) -> RegisterGraph:
    return load_graph(register)


def ids(register: Register, sparql: str, **bindings: str) -> set[str]:
    """?id values of a query over the example; bindings are register IDs (hl:...)."""
    prefixes = sparql_prefix_block({**PREFIXES, "hl": BASE})
    terms = {k: ox.NamedNode(BASE + v) for k, v in bindings.items()}
    with register.reader() as store:
        result = store.query(prefixes + sparql, terms)
        assert isinstance(result, SelectResult)
        return {row["id"].value for row in result.rows if row["id"] is not None}


def expand(branch: TraceBranch) -> list[list[str]]:
    """Every root-to-end path of a branch, continuing at seen nodes under their expansion."""
    expanded: dict[str, TraceNode] = {}

    def index(node: TraceNode) -> None:
        if not node.seen:
            expanded[node.id] = node
        for child in node.children:
            index(child)

    for node in branch.nodes:
        index(node)

    def walk(node: TraceNode) -> list[list[str]]:
        full = expanded[node.id]
        ends = [[node.id]] if not full.children and full.paths == 1 else []
        return ends + [[node.id, *rest] for child in full.children for rest in walk(child)]

    return [path for node in branch.nodes for path in walk(node)]


# Up from an AI system ------------------------------------------------------------------------

REACHED_UP = """
SELECT DISTINCT ?id WHERE {
  ?risk rg:affects ?system .
  { ?control rg:mitigates ?risk } UNION { ?treatment rg:treats ?risk ; rg:usesControl ?control }
  { ?control rg:addresses ?item } UNION { ?evidence rg:supports ?control , ?item }
  ?item a ?type ; skos:notation ?id .
  VALUES ?type { rg:Clause rg:AnnexAControl }
}"""


@pytest.mark.parametrize("system", ["SYS-CHATBOT", "SYS-CV", "SYS-CREDIT"])
def test_up_reaches_the_clauses_and_annex_a_controls_of_the_systems_risks(
    register: Register, graph: RegisterGraph, system: str
) -> None:
    result = trace(graph, system)
    assert result.down is None and result.up is not None
    reached = result.up.reached
    risks = ids(
        register, "SELECT ?id WHERE { ?r rg:affects ?s ; dcterms:identifier ?id }", s=system
    )
    assert set(reached[NodeKind.RISK]) == risks
    standard = set(reached.get(NodeKind.ANNEX_A, [])) | set(reached.get(NodeKind.CLAUSE, []))
    assert standard == ids(register, REACHED_UP, system=system)


def test_chatbot_trace_lists_its_nine_risks(graph: RegisterGraph) -> None:
    up = trace(graph, "SYS-CHATBOT").up
    assert up is not None
    assert up.reached[NodeKind.RISK] == [
        "R-010", "R-011", "R-012", "R-013", "R-014", "R-015", "R-016", "R-040", "R-045",
    ]  # fmt: skip
    assert [n.id for n in up.nodes] == up.reached[NodeKind.RISK]
    assert all(n.relation == "affects" and n.inverse for n in up.nodes)


def test_nodes_reached_twice_are_expanded_once(graph: RegisterGraph) -> None:
    up = trace(graph, "SYS-CHATBOT").up
    assert up is not None
    r010 = next(n for n in up.nodes if n.id == "R-010")
    t010 = next(n for n in r010.children if n.id == "T-010")
    assert t010.status == "approved"
    uses = {n.id: n for n in t010.children}
    assert set(uses) == {"C-009", "C-010"}
    assert all(n.seen and n.children == [] and n.relation == "usesControl" for n in uses.values())
    c009 = next(n for n in r010.children if n.id == "C-009")
    assert not c009.seen and {n.id for n in c009.children} == {"EV-009", "A.6.1.3", "A.6.2.2"}
    assert uses["C-009"].paths == c009.paths == 2


def test_risk_paths_counted_by_hand(graph: RegisterGraph) -> None:
    # R-001 is mitigated by C-001 (A.5.4, A.6.2.4, A.7.4: 3 paths), C-002 (A.6.1.3, A.7.4,
    # A.7.6: 3) and C-042 (A.5.2, A.5.3, 6.1.4, 8.4, and EV-033 supports it and 6.1.4 and 8.4:
    # 6); T-001 uses all three (12 more); its Annex C source C.3.4 ends no path.
    result = trace(graph, "R-001")
    assert result.up is not None and result.down is not None
    assert result.up.paths == 24
    by_id = {n.id: n.paths for n in result.up.nodes}
    assert by_id == {"C-001": 3, "C-002": 3, "C-042": 6, "T-001": 12, "C.3.4": 0}
    assert result.down.paths == 1
    assert result.down.reached == {NodeKind.SYSTEM: ["SYS-CREDIT"]}


@pytest.mark.parametrize("ref", ["SYS-CHATBOT", "R-001", "A.6.2.4", "6.1", "C-042"])
def test_every_path_is_a_walk_of_graph_links_to_an_end_point(
    graph: RegisterGraph, ref: str
) -> None:
    result = trace(graph, ref)
    for branch, ends in ((result.up, CATALOGUE_KINDS), (result.down, {NodeKind.SYSTEM})):
        if branch is None:
            continue
        paths = expand(branch)
        assert len(paths) == branch.paths > 0
        assert len({tuple(p) for p in paths}) == len(paths)
        for path in paths:
            assert graph.kind(path[-1]) in ends
            hops = zip([result.root.id, *path], path, strict=False)
            assert all(graph.nx.has_edge(a, b) or graph.nx.has_edge(b, a) for a, b in hops)


def test_dead_ends_are_risks_and_treatments_that_reach_no_control(graph: RegisterGraph) -> None:
    # R-008 has no control; its treatments T-008 (draft) and T-050 (rejected) name none, and
    # neither does T-051, the rejected transfer of R-006.
    up = trace(graph, "SYS-CV").up
    assert up is not None
    assert up.dead_ends == ["R-008", "T-008", "T-050", "T-051"]


# Down from the standard ----------------------------------------------------------------------

REACHED_DOWN = """
SELECT DISTINCT ?id WHERE {
  ?control rg:addresses ?item .
  { ?control rg:mitigates ?risk } UNION { ?treatment rg:usesControl ?control ; rg:treats ?risk }
  ?risk rg:affects/dcterms:identifier ?id .
}"""


def test_annex_a_control_down_to_systems(register: Register, graph: RegisterGraph) -> None:
    result = trace(graph, "A.6.2.4")
    assert result.up is None and result.down is not None
    reached = result.down.reached
    assert reached[NodeKind.CONTROL] == ["C-001", "C-010", "C-019", "C-021", "C-025", "C-036"]
    item = ox.NamedNode("https://w3id.org/riskgraph/iso42001/A.6.2.4")
    prefixes = sparql_prefix_block(PREFIXES)
    with register.reader() as store:
        result_rows = store.query(prefixes + REACHED_DOWN, {"item": item})
        assert isinstance(result_rows, SelectResult)
        systems = {row["id"].value for row in result_rows.rows if row["id"] is not None}
    assert set(reached[NodeKind.SYSTEM]) == systems
    assert {"SYS-CREDIT", "SYS-CV", "SYS-CHATBOT", "SYS-FRAUD"} <= systems


def test_clause_heading_includes_its_sub_clauses(graph: RegisterGraph) -> None:
    down = trace(graph, "6.1").down
    assert down is not None
    assert [n.id for n in down.nodes] == ["6.1.1", "6.1.2", "6.1.3", "6.1.4"]
    assert all(n.relation == "broader" and n.inverse for n in down.nodes)
    assert down.reached[NodeKind.CONTROL] == ["C-042"]
    assert down.reached[NodeKind.SYSTEM] == ["SYS-CREDIT", "SYS-TRIAGE"]


def test_annex_c_source_down_to_risks_and_systems(graph: RegisterGraph) -> None:
    down = trace(graph, "RS-PROXY-FEATURES").down
    assert down is not None
    assert down.reached == {
        NodeKind.SYSTEM: ["SYS-CREDIT", "SYS-CV", "SYS-FRAUD"],
        NodeKind.RISK: ["R-001", "R-006", "R-009", "R-019"],
    }
    assert down.paths == 4


def test_uncovered_annex_a_control_has_an_empty_trace(graph: RegisterGraph) -> None:
    down = trace(graph, "A.2.3").down
    assert down is not None
    assert (down.paths, down.nodes, down.reached) == (0, [], {})


def test_components_are_for_impact(graph: RegisterGraph) -> None:
    with pytest.raises(UserError, match="riskgraph impact MOD-FOUNDATION"):
        trace(graph, "MOD-FOUNDATION")


def test_json_layout_is_stable(graph: RegisterGraph) -> None:
    result = trace(graph, "R-001")
    data = json.loads(result.model_dump_json())
    assert set(data) == {"format", "revision", "root", "up", "down"}
    assert data["format"] == "riskgraph.trace/1"
    assert data["root"] == {
        "id": "R-001",
        "kind": "risk",
        "title": "Proxy discrimination in credit decisions",
    }
    assert set(data["up"]) == {"paths", "reached", "dead_ends", "nodes"}
    node = data["up"]["nodes"][0]
    assert set(node) == {
        "id", "kind", "title", "relation", "inverse", "level", "residual", "status", "seen",
        "paths", "children",
    }  # fmt: skip
    assert TraceResult.model_validate_json(result.model_dump_json()) == result
