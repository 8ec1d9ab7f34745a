"""Loading and unloading libraries: own named graphs, all or nothing, never the register graph."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from riskgraph.errors import UserError
from riskgraph.library.catalogue import (
    concept,
    concepts,
    linked_entities,
    list_libraries,
    load,
    loaded_libraries,
    unload,
)
from riskgraph.library.model import library_graph
from riskgraph.register import Register
from riskgraph.store.base import read_revision
from riskgraph.vocab import REGISTER_GRAPH, SKOS


def test_load_puts_each_library_in_its_own_graph(folder_register: Register) -> None:
    with folder_register.reader() as store:
        before = store.count(REGISTER_GRAPH)
        revision = read_revision(store)
    load(folder_register, ["finos-aigf", "nist-ai-rmf"])
    with folder_register.reader() as store:
        assert set(loaded_libraries(store)) == {"finos-aigf", "nist-ai-rmf"}
        assert store.count(REGISTER_GRAPH) == before
        assert store.count(library_graph("nist-ai-rmf")) > 0
        assert read_revision(store) == revision + 1
        statuses = {i.name: i.status for i in list_libraries(store)}
    assert statuses["finos-aigf"] == "loaded" and statuses["mitre-atlas"] == "available"


def test_loading_again_changes_nothing(memory_register: Register) -> None:
    assert load(memory_register, ["iso-hs"]) > 0
    assert load(memory_register, ["iso-hs"]) == 0


def test_unknown_library_is_an_error_and_nothing_is_loaded(memory_register: Register) -> None:
    with pytest.raises(UserError, match="no bundled library named 'nope'"):
        load(memory_register, ["iso-hs", "nope"])
    with memory_register.reader() as store:
        assert loaded_libraries(store) == {}


def test_bad_name_is_refused(memory_register: Register) -> None:
    with pytest.raises(UserError, match="not a library name"):
        load(memory_register, ["../etc"])


def test_unload_removes_exactly_the_library(memory_register: Register) -> None:
    load(memory_register, ["iso-hs", "nist-ai-rmf"])
    unload(memory_register, "iso-hs")
    with memory_register.reader() as store:
        assert set(loaded_libraries(store)) == {"nist-ai-rmf"}
        assert store.count(library_graph("iso-hs")) == 0
    with pytest.raises(UserError, match="not loaded"):
        unload(memory_register, "iso-hs")


def test_unload_is_refused_while_the_register_links_to_it(memory_register: Register) -> None:
    load(memory_register, ["nist-ai-rmf"])
    with memory_register.reader() as store:
        target = concept(store, "nist-ai-rmf:GOVERN 1.1")
    base = memory_register.base_iri
    risk = ox.NamedNode(base + "R-001")
    graph = ox.NamedNode(REGISTER_GRAPH)
    from riskgraph.store.base import ChangeSet

    memory_register.commit(
        ChangeSet(
            add=[
                ox.Quad(
                    risk,
                    ox.NamedNode("http://purl.org/dc/terms/identifier"),
                    ox.Literal("R-001"),
                    graph,
                ),
                ox.Quad(risk, ox.NamedNode(SKOS + "closeMatch"), ox.NamedNode(target.iri), graph),
            ]
        )
    )
    with memory_register.reader() as store:
        assert linked_entities(store, "nist-ai-rmf") == ["R-001"]
    with pytest.raises(UserError, match="R-001"):
        unload(memory_register, "nist-ai-rmf")
    unload(memory_register, "nist-ai-rmf", force=True)


def test_concepts_filter_by_kind_and_text(loaded_register: Register) -> None:
    with loaded_register.reader() as store:
        found = concepts(store, "finos-aigf", kind="risk", text="Prompt Injection")
        found = [c for c in found if c.label == "Prompt Injection"]
        assert [c.notation for c in found] == ["ri-10"]
        assert found[0].definition
        with pytest.raises(UserError, match="unknown concept kind"):
            concepts(store, kind="threat")
        with pytest.raises(UserError, match="not loaded"):
            concepts(store, "mitre-atlas")
        with pytest.raises(UserError, match="no concept with notation"):
            concept(store, "finos-aigf:ri-999")
