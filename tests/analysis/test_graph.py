"""The typed graph: what it holds (checked against the model repository), bulk building, the
cache per register revision, and looking entities up."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.synth.profile import profile_for
from benchmarks.synth.register import write_register
from riskgraph.analysis.graph import NodeKind, RegisterGraph, Relation
from riskgraph.analysis.graph_build import build_graph
from riskgraph.analysis.graph_cache import load_graph
from riskgraph.config import RegisterConfig
from riskgraph.errors import UserError
from riskgraph.model.entities import (
    AISystem,
    Component,
    Control,
    ControlStatus,
    Evidence,
    Risk,
    Supplier,
    Treatment,
)
from riskgraph.model.rdf import to_quads
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.scoring import matrix
from riskgraph.store.base import Bindings, ChangeSet, QueryResult, Store
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import REGISTER_GRAPH, RG

BASE = "https://harbourline.example/ai-register/"


def example_in_memory() -> Register:
    config = RegisterConfig()
    config.general.base_iri = BASE
    register = Register.in_memory(config)
    register.commit(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    return register


@pytest.fixture(scope="module")
def register() -> Register:
    return example_in_memory()


@pytest.fixture(scope="module")
def graph(register: Register) -> RegisterGraph:
    return load_graph(register)


def edges(graph: RegisterGraph, relation: Relation) -> set[tuple[str, str]]:
    return {(u, v) for u, v, r in graph.nx.edges(data="relation") if r == relation}


# What the graph holds ------------------------------------------------------------------------


def test_nodes_are_the_register_entities_of_the_risk_chain(
    register: Register, graph: RegisterGraph
) -> None:
    with register.reader() as store:
        entities, problems = Repository(store, register.base_iri).all()
    assert problems == []
    expected = {
        NodeKind.SYSTEM: AISystem,
        NodeKind.SUPPLIER: Supplier,
        NodeKind.RISK: Risk,
        NodeKind.CONTROL: Control,
        NodeKind.TREATMENT: Treatment,
        NodeKind.EVIDENCE: Evidence,
    }
    for kind, cls in expected.items():
        assert set(graph.nodes_of(kind)) == {e.id for e in entities if isinstance(e, cls)}, kind
    components = {e.id: e.component_type for e in entities if isinstance(e, Component)}
    for kind, name in ((NodeKind.MODEL, "model"), (NodeKind.DATASET, "dataset")):
        assert set(graph.nodes_of(kind)) == {i for i, t in components.items() if t == name}
    assert set(graph.nodes_of(NodeKind.SERVICE)) == {
        i for i, t in components.items() if t == "service"
    }
    assert len(graph.nodes_of(NodeKind.ANNEX_A)) == 38
    assert len(graph.nodes_of(NodeKind.CLAUSE)) == 43
    assert graph.outside["P-LCHEN"] == "person"
    assert graph.outside["SOA-A.6.2.7"] == "soa"
    assert graph.dangling == 0


def test_links_match_the_entities(register: Register, graph: RegisterGraph) -> None:
    with register.reader() as store:
        entities, _ = Repository(store, register.base_iri).all()
    wanted: dict[Relation, set[tuple[str, str]]] = {relation: set() for relation in Relation}
    for e in entities:
        if isinstance(e, AISystem):
            wanted[Relation.DEPENDS_ON] |= {(e.id, d) for d in e.depends_on}
        elif isinstance(e, Component):
            wanted[Relation.DEPENDS_ON] |= {(e.id, d) for d in e.depends_on}
            if e.provided_by:
                wanted[Relation.PROVIDED_BY].add((e.id, e.provided_by))
        elif isinstance(e, Risk):
            wanted[Relation.AFFECTS] |= {(e.id, s) for s in e.affects}
            wanted[Relation.HAS_RISK_SOURCE] |= {(e.id, s) for s in e.sources}
        elif isinstance(e, Control):
            wanted[Relation.MITIGATES] |= {(e.id, r) for r in e.mitigates}
            wanted[Relation.ADDRESSES] |= {(e.id, a) for a in e.addresses}
        elif isinstance(e, Treatment):
            wanted[Relation.TREATS].add((e.id, e.risk))
            wanted[Relation.USES_CONTROL] |= {(e.id, c) for c in e.uses_controls}
        elif isinstance(e, Evidence):
            # Evidence of audits and management reviews points outside the risk chain.
            wanted[Relation.SUPPORTS] |= {(e.id, s) for s in e.supports if s not in graph.outside}
    for relation, pairs in wanted.items():
        if relation is not Relation.BROADER:
            assert edges(graph, relation) == pairs, relation
    assert ("A.6.2.4", "A.6.2") in edges(graph, Relation.BROADER)
    assert ("6.1.3", "6.1") in edges(graph, Relation.BROADER)


def test_node_attributes(graph: RegisterGraph) -> None:
    assert graph.ref("R-001").title == "Proxy discrimination in credit decisions"
    assert (graph.level("R-001"), graph.residual("R-001")) == ("high", "moderate")
    assert (graph.level("R-006"), graph.residual("R-006")) == ("very-high", "high")
    assert graph.status("C-001") == "verified" and graph.in_effect("C-001")
    assert graph.status("C-006") == "planned" and not graph.in_effect("C-006")
    assert graph.status("C-045") == "retired" and not graph.in_effect("C-045")
    assert graph.status("T-001") == "approved" and graph.attr("T-001", "option") == "mitigate"
    assert graph.attr("EV-012", "expires") == "2026-06-30"
    assert graph.attr("SYS-DRAFTING", "stage") == "verification"
    assert graph.kind("A.6.2.4") is NodeKind.ANNEX_A
    assert graph.title("A.6.2.4") == "AI system verification and validation"
    assert graph.kind("C.3.4") is NodeKind.ANNEX_C
    assert not graph.applicable("A.6.2.7") and not graph.applicable("A.10.4")
    assert graph.applicable("A.6.2.4")


def test_levels_come_from_the_scores_when_not_stored(memory_register: Register) -> None:
    risks = [
        Risk(id="R-1", title="Drift", likelihood=4, severity=4),
        Risk(
            id="R-2",
            title="Bias",
            likelihood=3,
            severity=4,
            residual_likelihood=2,
            residual_severity=2,
        ),
    ]
    levels = (RG + "inherentLevel", RG + "residualLevel", RG + "riskMatrix")
    quads = [
        q
        for risk in risks
        for q in to_quads(risk, memory_register.base_iri)
        if q.predicate.value not in levels
    ]
    memory_register.commit(ChangeSet(add=quads))
    graph = load_graph(memory_register)
    assert (graph.level("R-1"), graph.residual("R-1")) == ("very-high", None)
    assert graph.level("R-2") == matrix("5x5").level(3, 4).name == "high"
    assert graph.residual("R-2") == matrix("5x5").level(2, 2).name


# Bulk building -------------------------------------------------------------------------------


class CountingStore(Store):
    """A real embedded store that counts the queries sent to it."""

    def __init__(self, inner: EmbeddedStore) -> None:
        self.inner = inner
        self.queries = 0

    def query(
        self, sparql: str, bindings: Bindings | None = None, *, union_default_graph: bool = True
    ) -> QueryResult:
        self.queries += 1
        return self.inner.query(sparql, bindings, union_default_graph=union_default_graph)

    def quads(self, graph: str | None = None, subject: str | None = None) -> Iterator[ox.Quad]:
        raise AssertionError("the builder reads through queries only")

    def apply(self, changes: ChangeSet) -> None:
        self.inner.apply(changes)

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        self.inner.replace_graph(graph, quads)

    def update(self, sparql: str) -> None:
        self.inner.update(sparql)

    def graph_names(self) -> list[str]:
        return self.inner.graph_names()


def queries_to_build(register: Register) -> tuple[int, RegisterGraph]:
    with register.reader() as store:
        assert isinstance(store, EmbeddedStore)
        counting = CountingStore(store)
        graph = build_graph(counting)
    return counting.queries, graph


def test_building_takes_the_same_few_queries_at_any_size(register: Register) -> None:
    small_count, small = queries_to_build(register)
    synthetic = Register.in_memory()
    text = io.StringIO()
    write_register(text, profile_for("S"), fmt="nq")
    with synthetic.writer() as store:
        assert isinstance(store, EmbeddedStore)
        store.raw.load(text.getvalue().encode(), format=ox.RdfFormat.N_QUADS)
    big_count, big = queries_to_build(synthetic)
    assert big.nx.number_of_nodes() > 3 * small.nx.number_of_nodes()
    assert small_count == big_count <= 5  # 4 bulk queries and the revision


# The cache -----------------------------------------------------------------------------------


def test_the_graph_is_cached_until_the_register_changes() -> None:
    register = example_in_memory()
    first = load_graph(register)
    assert load_graph(register) is first
    new_risk = Risk(
        id="R-900", title="Chatbot outage", likelihood=2, severity=2, affects=["SYS-CHATBOT"]
    )
    register.commit(ChangeSet(add=to_quads(new_risk, register.base_iri)))
    second = load_graph(register)
    assert second is not first
    assert second.revision == first.revision + 1
    assert "R-900" in second and "R-900" not in first
    assert second.out("R-900", Relation.AFFECTS) == ["SYS-CHATBOT"]
    assert load_graph(register) is second


def test_registers_do_not_share_graphs() -> None:
    one, two = example_in_memory(), Register.in_memory()
    assert "SYS-CHATBOT" in load_graph(one)
    assert "SYS-CHATBOT" not in load_graph(two)


def test_a_register_folder_rebuilds_after_a_commit(tmp_path: Path) -> None:
    register = init_register(tmp_path / "reg", with_example=True)
    first = load_graph(register)
    reopened = Register.open(tmp_path / "reg")
    assert load_graph(reopened) is first  # same folder, same revision
    with register.reader() as store:
        repository = Repository(store, register.base_iri)
        control = repository.get("C-006")
        assert isinstance(control, Control)
        control.status = ControlStatus.IMPLEMENTED
        plan = repository.plan_upsert([control])
    register.commit(plan.changes)
    second = load_graph(reopened)
    assert second is not first
    assert second.in_effect("C-006") and not first.in_effect("C-006")


# Looking up ----------------------------------------------------------------------------------


def test_resolve_ids_and_references_in_any_case(graph: RegisterGraph) -> None:
    assert graph.resolve("SYS-CHATBOT") == "SYS-CHATBOT"
    assert graph.resolve(" sys-chatbot ") == "SYS-CHATBOT"
    assert graph.resolve("a.6.2.4") == "A.6.2.4"
    assert graph.resolve("6.1.3") == "6.1.3"


def test_unknown_id_suggests_close_matches(graph: RegisterGraph) -> None:
    with pytest.raises(UserError) as caught:
        graph.resolve("SYS-CHATBTO")
    assert "no entity or ISO/IEC 42001 reference 'SYS-CHATBTO'" in str(caught.value)
    assert "did you mean SYS-CHATBOT" in str(caught.value)
    with pytest.raises(UserError, match=r"A\.6\.2\.4"):
        graph.resolve("A.6.2.44")


def test_entities_outside_the_graph_are_named(graph: RegisterGraph) -> None:
    with pytest.raises(UserError, match="P-LCHEN is a person; the analytics graph holds"):
        graph.resolve("p-lchen")
