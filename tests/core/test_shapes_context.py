"""The write pipeline's shapes see what the rules on a written entity read: the linked entities'
types and names, and the rules that look further than one link (dependency chains, one
applicability statement per Annex A control) whenever the write sets such a link. A write that
sets none of them is checked without those chains."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from riskgraph.editing import shapes
from riskgraph.editing.input import Changes, Origin
from riskgraph.editing.shapes import shape_issues
from riskgraph.editing.write import (
    Draft,
    Prepared,
    prepare_additions,
    prepare_edits,
    run_write,
)
from riskgraph.errors import UserError
from riskgraph.model.entities import ApplicabilityStatement, Component, Risk
from riskgraph.model.rdf import entity_iri, to_quads
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.results import register_hash


def _refused(register: Register, prepare: Callable[[Repository], Prepared]) -> str:
    with register.reader() as store:
        before = register_hash(store)
    with pytest.raises(UserError) as refused:
        run_write(register, prepare)
    with register.reader() as store:
        assert register_hash(store) == before
    return str(refused.value)


def test_a_write_that_closes_a_dependency_cycle_is_refused(tmp_path: Path) -> None:
    register = init_register(tmp_path / "reg", with_example=True)
    draft = Draft(Component, Changes(add={"depends_on": ["MOD-SUPPORT-FT"]}), Origin())
    run_write(register, lambda repo: prepare_edits(repo, [("MOD-EMBED", draft)]))
    back = Draft(Component, Changes(add={"depends_on": ["MOD-EMBED"]}), Origin())
    message = _refused(register, lambda repo: prepare_edits(repo, [("MOD-SUPPORT-FT", back)]))
    assert "depends on itself through a chain of rg:dependsOn" in message


def test_a_second_statement_for_an_annex_a_control_is_refused(tmp_path: Path) -> None:
    register = init_register(tmp_path / "reg", with_example=True)
    values = {"id": "SOA-SECOND", "title": "A.2.2 again", "annex_a": "A.2.2", "applicable": True}
    draft = Draft(ApplicabilityStatement, Changes(values=values), Origin())
    message = _refused(
        register, lambda repo: prepare_additions(repo, [draft], default_matrix="5x5")
    )
    assert "also has applicability statement" in message and "SOA-A.2.2" in message


def test_a_risk_on_a_system_is_checked_against_the_systems_type(tmp_path: Path) -> None:
    """The linked system is context: its type satisfies the risk's rules, and its own findings
    (whatever they are) do not refuse a write of the risk."""
    register = init_register(tmp_path / "reg", with_example=True)
    values = {
        "id": "R-CONTEXT",
        "title": "Context check",
        "likelihood": 2,
        "severity": 2,
        "affects": ["SYS-CREDIT"],
        "owner": "P-LCHEN",
    }
    draft = Draft(Risk, Changes(values=values), Origin())
    _, committed = run_write(
        register, lambda repo: prepare_additions(repo, [draft], default_matrix="5x5")
    )
    assert committed is not None


def test_the_context_read_in_small_chunks_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The context (linked entities' names, links to the written entities) is read with a few
    queries naming many IRIs each; split into one IRI per query, the findings are the same."""
    register = init_register(tmp_path / "reg", with_example=True)
    with register.reader() as store:
        repo = Repository(store, register.base_iri)
        entities = [e for cls in (Risk, Component) for e in repo.all(cls)[0]]
        written = {entity_iri(register.base_iri, e.id) for e in entities}
        quads = [q for e in entities for q in to_quads(e, register.base_iri)]
        whole = shape_issues(store, written, quads)
        monkeypatch.setattr(shapes, "VALUES_PER_QUERY", 1)
        one_by_one = shape_issues(store, written, quads)
    assert len(entities) > 20
    assert whole, "the example's risks and components have findings to compare"
    assert sorted(map(repr, one_by_one)) == sorted(map(repr, whole))
