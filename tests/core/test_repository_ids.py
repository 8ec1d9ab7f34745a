"""Repository.iri_of: the IRI of a register ID, from one read of the register's IDs."""

from __future__ import annotations

from riskgraph.model.entities import AISystem, Control
from riskgraph.model.repository import Repository
from riskgraph.register import Register
from riskgraph.store.base import commit


def test_iri_of_finds_each_id_and_nothing_for_an_unknown_one(memory_register: Register) -> None:
    with memory_register.writer() as store:
        entities = [AISystem(id=f"SYS-{n}", title=f"S{n}") for n in range(1, 40)]
        commit(store, Repository(store, memory_register.base_iri).plan_upsert(entities).changes)
    with memory_register.writer() as store:
        commit(
            store,
            Repository(store, memory_register.base_iri)
            .plan_upsert([Control(id="C-1", title="c")])
            .changes,
        )
    with memory_register.reader() as store:
        repo = Repository(store, memory_register.base_iri)
        for iri, entity_id in repo.ids().items():
            assert repo.iri_of(entity_id) == iri
        assert repo.iri_of("C-1") == memory_register.base_iri + "C-1"
        assert repo.iri_of("SYS-9") == memory_register.base_iri + "SYS-9"
        assert repo.iri_of("SYS-NOPE") is None
        assert len(repo.ids()) == 40
