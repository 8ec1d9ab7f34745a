"""Libraries in the register: adopt, link, coverage by the register, updates, and round trips of
adopted items and links through register export and import."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from library_support import run

from riskgraph.errors import UserError
from riskgraph.library.adopt import ADOPTED_FROM, ADOPTED_VERSION, adopt, link
from riskgraph.library.bundled import read_bundled
from riskgraph.library.catalogue import load, resolve
from riskgraph.library.coverage import DIRECT, coverage
from riskgraph.library.crosswalk import read_mappings
from riskgraph.library.model import Concept
from riskgraph.library.update import diff_libraries, plan_update
from riskgraph.model.entities import Control, Risk
from riskgraph.model.repository import Repository
from riskgraph.register import Register, init_register
from riskgraph.vocab import REGISTER_GRAPH, SKOS


def _objects(register: Register, subject: str, predicate: str) -> list[str]:
    with register.reader() as store:
        return sorted(
            q.object.value
            for q in store.quads(REGISTER_GRAPH, subject=register.base_iri + subject)
            if q.predicate.value == predicate
        )


def test_adopt_a_control_and_a_risk_keeps_source_and_version(loaded_register: Register) -> None:
    control = adopt(loaded_register, "finos-aigf:mi-3")
    risk = adopt(loaded_register, "finos-aigf:ri-10", likelihood=3, severity=4)
    assert isinstance(control.entity, Control) and control.entity.id == "C-001"
    assert isinstance(risk.entity, Risk) and risk.entity.catalogue_entry
    assert _objects(loaded_register, "C-001", ADOPTED_FROM) == [control.source.iri]
    version = read_bundled("finos-aigf").meta.version
    assert _objects(loaded_register, "R-001", ADOPTED_VERSION) == [f"finos-aigf {version}"]
    with loaded_register.reader() as store:
        found = Repository(store, loaded_register.base_iri).get("R-001")
    assert found is not None and found.title == "Prompt Injection"


def test_adopting_needs_scores_for_a_risk_and_refuses_groups(loaded_register: Register) -> None:
    with pytest.raises(UserError, match="likelihood and severity"):
        adopt(loaded_register, "finos-aigf:ri-10")
    with pytest.raises(UserError, match="only risks and controls"):
        adopt(loaded_register, "finos-aigf:PREV")
    with pytest.raises(UserError, match="no concept with notation"):
        adopt(loaded_register, "finos-aigf:zz")
    with loaded_register.reader() as store:
        assert store.count(REGISTER_GRAPH) == 0


def test_link_records_provenance_and_counts_for_coverage(memory_register: Register) -> None:
    load(memory_register, ["nist-ai-rmf"])
    adopt(memory_register, "nist-ai-rmf:MANAGE 1.3")  # C-001, adopted
    control = Control(id="C-002", title="Incident drills")
    with memory_register.reader() as store:
        plan = Repository(store, memory_register.base_iri).plan_upsert([control])
    memory_register.commit(plan.changes)
    mapping = link(
        memory_register,
        "C-002",
        "nist-ai-rmf:MANAGE 2.3",
        author="alice",
        confidence=0.8,
        comment="drills exercise the response plan",
    )
    assert _objects(memory_register, "C-002", SKOS + "closeMatch") == [mapping.object]
    with memory_register.reader() as store:
        records = [m for m in read_mappings(store, [REGISTER_GRAPH])]
        rows = {r.notation: r for r in coverage(store, "nist-ai-rmf", "register")}
    assert records == [mapping]
    assert rows["MANAGE 2.3"].status == DIRECT and rows["MANAGE 2.3"].by == ("C-002",)
    assert rows["MANAGE 1.3"].status == DIRECT and rows["MANAGE 1.3"].by == ("C-001",)
    assert rows["GOVERN 1.1"].status == "not addressed"
    with pytest.raises(UserError, match="predicate is not a known predicate"):
        link(memory_register, "C-002", "nist-ai-rmf:MANAGE 2.3", predicate="sameAs")
    with pytest.raises(UserError, match="no entity with ID 'C-404'"):
        link(memory_register, "C-404", "nist-ai-rmf:MANAGE 2.3")


def test_update_shows_added_removed_renamed_and_the_links_it_touches(
    memory_register: Register,
) -> None:
    load(memory_register, ["nist-ai-rmf"])
    adopt(memory_register, "nist-ai-rmf:GOVERN 1.1")
    adopt(memory_register, "nist-ai-rmf:GOVERN 1.2")
    new = read_bundled("nist-ai-rmf")
    new.meta.version = "1.1"
    by_notation = {c.notation: c for c in new.concepts}
    by_notation["GOVERN 1.1"].label = "Legal requirements are known"
    new.concepts.remove(by_notation["GOVERN 1.2"])
    new.add(Concept("GOVERN 1.8", "GOVERN 1.8", "A new outcome", "control"))
    with memory_register.reader() as store:
        diff = plan_update(store, new)
    assert [c.notation for c in diff.added] == ["GOVERN 1.8"]
    assert [c.notation for c in diff.removed] == ["GOVERN 1.2"]
    assert [(r.notation, r.new_label) for r in diff.renamed] == [
        ("GOVERN 1.1", "Legal requirements are known")
    ]
    assert [(a.entity_id, a.notation, a.change) for a in diff.affected] == [
        ("C-001", "GOVERN 1.1", "renamed"),
        ("C-002", "GOVERN 1.2", "removed"),
    ]
    with pytest.raises(UserError, match="load it with replace set") as refused:
        load(memory_register, [new])
    assert "--" not in str(refused.value)  # the core names the field; the CLI says --replace
    load(memory_register, [new], replace=True)
    with memory_register.reader() as store:
        assert resolve(store, "nist-ai-rmf").meta.version == "1.1"
    assert diff_libraries(new, new).empty


def test_update_command_on_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "reg"
    init_register(folder)
    assert run("library", "load", "iso-hs", "-r", str(folder)).code == 0
    same = run("library", "update", "iso-hs", "-r", str(folder))
    assert same.code == 0 and "iso-hs is up to date" in same.out


def test_adopted_items_and_links_round_trip_through_register_export_and_import(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "reg"
    init_register(folder)
    assert run("library", "load", "finos-aigf", "-r", str(folder)).code == 0
    assert run("library", "adopt", "finos-aigf:mi-3", "-r", str(folder)).code == 0
    assert (
        run(
            "library",
            "adopt",
            "finos-aigf:ri-10",
            "--likelihood",
            "2",
            "--severity",
            "3",
            "-r",
            str(folder),
        ).code
        == 0
    )
    linked = run(
        "library",
        "link",
        "C-001",
        "finos-aigf:mi-17",
        "--predicate",
        "relatedMatch",
        "--author",
        "alice",
        "--confidence",
        "0.6",
        "-r",
        str(folder),
    )
    assert linked.code == 0, linked.err
    exported = tmp_path / "register.ttl"
    done = run("export", "--format", "turtle", "-o", str(exported), "-r", str(folder))
    assert done.code == 0, done.err
    copy = tmp_path / "copy"
    init_register(copy)
    imported = run("import", str(exported), "-r", str(copy))
    assert imported.code == 0, imported.err
    original, again = Register.open(folder), Register.open(copy)
    with original.reader() as a, again.reader() as b:
        before = {(q.subject, q.predicate, q.object) for q in a.quads(REGISTER_GRAPH)}
        after = {(q.subject, q.predicate, q.object) for q in b.quads(REGISTER_GRAPH)}
        assert before == after
        assert read_mappings(a, [REGISTER_GRAPH]) == read_mappings(b, [REGISTER_GRAPH])
    adopted = ox.NamedNode(ADOPTED_FROM)
    assert any(t[1] == adopted for t in after)


def test_evidence_held_for_iso_27001_is_found_for_iso_42001(memory_register: Register) -> None:
    from riskgraph.model.entities import Evidence
    from riskgraph.queries import builtin_queries
    from riskgraph.queries.runner import run_query
    from riskgraph.store.base import SelectResult

    load(memory_register, ["iso-hs"])
    # a link is a write of the write pipeline: the evidence must pass the shapes (support something)
    evidence = Evidence(
        id="EV-001", title="ISO 27001 internal audit report 2026", supports=["A.2.2"]
    )
    with memory_register.reader() as store:
        plan = Repository(store, memory_register.base_iri).plan_upsert([evidence])
    memory_register.commit(plan.changes)
    link(memory_register, "EV-001", "iso-hs:27001-9.2", predicate="exactMatch", author="carol")
    with memory_register.reader() as store:
        run = run_query(store, builtin_queries()["clause-evidence-from-other-standards"])
        assert isinstance(run.result, SelectResult)
        rows = list(run.result.rows)
    assert [
        (r["clause_ref"].value, r["other_clause"].value, r["evidence_id"].value) for r in rows
    ] == [("9.2", "27001 9.2", "EV-001")]
    assert "closeMatch (StructuralMatching)" in rows[0]["mapping"].value
