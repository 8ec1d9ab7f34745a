"""RDF import: graphs, blank nodes, foreign IRIs, model checks, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from io_support import BASE, content, register_graph

from riskgraph.errors import InputError, InputErrors
from riskgraph.io.exporter import ExportOptions, export_register
from riskgraph.io.importer import ImportOptions, import_file
from riskgraph.register import Register
from riskgraph.vocab import RG

PREFIXES = f"""@prefix rg: <{RG}> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ex: <https://other.example/> .
@prefix reg: <{BASE}> .
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + text, encoding="utf-8")
    return path


def _risk(subject: str, entity_id: str, extra: str = "") -> str:
    """A library risk (a catalogue risk needs no affected system)."""
    return (
        f'{subject} a rg:Risk, rg:CatalogueRisk ; dcterms:identifier "{entity_id}" ;'
        f' dcterms:title "Risk {entity_id}" ; rg:likelihood 2 ; rg:severity 3 {extra}.\n'
    )


def _objects(register: Register, subject: str, predicate: str) -> list[str]:
    return sorted(
        q.object.value
        for q in register_graph(register)
        if q.subject.value == subject and q.predicate.value == predicate
    )


def test_blank_nodes_are_skolemised_the_same_way_each_time(empty: Register, tmp_path: Path) -> None:
    path = _write(
        tmp_path, "notes.ttl", _risk("reg:R-1", "R-1", '; ex:note [ ex:text "checked" ] ')
    )
    import_file(empty, path)
    first = register_graph(empty)
    assert not any(isinstance(t, ox.BlankNode) for q in first for t in (q.subject, q.object))
    notes = _objects(empty, BASE + "R-1", "https://other.example/note")
    assert len(notes) == 1 and notes[0].startswith(BASE + ".well-known/genid/")
    report = import_file(empty, path)
    assert register_graph(empty) == first
    assert report.plan.unchanged == ["R-1"]


def test_named_graphs_go_into_the_register_graph(empty: Register, tmp_path: Path) -> None:
    path = _write(tmp_path, "data.trig", "ex:g { " + _risk("reg:R-1", "R-1") + " }")
    report = import_file(empty, path)
    assert report.plan.added == ["R-1"]
    assert any(
        "named graphs" in note and "https://other.example/g" in note for note in report.read.notes
    )
    assert _objects(empty, BASE + "R-1", RG + "likelihood") == ["2"]


def test_riskgraphs_own_graphs_are_refused(full: Register, tmp_path: Path) -> None:
    everything = tmp_path / "all.trig"
    export_register(full, ExportOptions(output=everything, everything=True))
    target = Register.in_memory(full.config)
    before = content(target)
    with pytest.raises(InputErrors) as caught:
        import_file(target, everything)
    assert "riskgraph's own graph <https://w3id.org/riskgraph/graph/ontology>" in str(caught.value)
    assert content(target) == before


def test_subjects_in_riskgraphs_namespaces_are_bad_records(empty: Register, tmp_path: Path) -> None:
    path = _write(
        tmp_path, "sneaky.ttl", 'rg:Risk dcterms:title "Not a risk" .\n' + _risk("reg:R-1", "R-1")
    )
    with pytest.raises(InputErrors) as caught:
        import_file(empty, path)
    assert f"subject <{RG}Risk>" in str(caught.value)
    report = import_file(empty, path, ImportOptions(skip_bad_rows=True))
    assert report.plan.added == ["R-1"] and report.bad_records == 1


def test_entities_move_onto_the_register_base_and_links_follow(
    empty: Register, tmp_path: Path
) -> None:
    text = (
        'ex:sys a rg:AISystem ; dcterms:identifier "SYS-1" ; dcterms:title "Chatbot" ;'
        ' ex:vendor "Acme" .\n' + _risk("ex:risk", "R-1", "; rg:affects ex:sys ")
    )
    report = import_file(empty, _write(tmp_path, "foreign.ttl", text))
    assert sorted(report.plan.added) == ["R-1", "SYS-1"]
    assert any("base IRI" in note for note in report.read.notes)
    assert _objects(empty, BASE + "R-1", RG + "affects") == [BASE + "SYS-1"]
    assert _objects(empty, BASE + "SYS-1", "https://other.example/vendor") == ["Acme"]
    assert not any(
        q.subject.value.startswith("https://other.example/") for q in register_graph(empty)
    )


def test_upsert_replaces_model_values_and_keeps_other_triples(
    empty: Register, tmp_path: Path
) -> None:
    import_file(empty, _write(tmp_path, "v1.ttl", _risk("reg:R-1", "R-1", '; ex:tag "a" ')))
    text = _risk("reg:R-1", "R-1", '; ex:tag "b" ').replace("rg:likelihood 2", "rg:likelihood 4")
    report = import_file(empty, _write(tmp_path, "v2.ttl", text))
    assert report.plan.changed == {"R-1": ["likelihood: 2 -> 4"]}
    assert _objects(empty, BASE + "R-1", RG + "likelihood") == ["4"]
    assert _objects(empty, BASE + "R-1", "https://other.example/tag") == ["a", "b"]


def test_entities_that_do_not_fit_the_model_name_subject_and_field(
    empty: Register, tmp_path: Path
) -> None:
    text = (
        'reg:R-1 a rg:Risk ; dcterms:identifier "R-1" ; dcterms:title "No scores" .\n'
        'reg:R-2 a rg:Risk ; dcterms:identifier "R-2" ; dcterms:title "One", "Two" ;'
        " rg:likelihood 1 ; rg:severity 1 .\n"
        'reg:C-1 a rg:Control ; dcterms:identifier "C-1" ; dcterms:title "Ctl" ;'
        " rg:status rg:Sleeping .\n" + _risk("reg:R-3", "R-3", "; rg:affects reg:SYS-404 ")
    )
    before = content(empty)
    with pytest.raises(InputErrors) as caught:
        import_file(empty, _write(tmp_path, "bad.ttl", text))
    message = str(caught.value)
    assert f"subject <{BASE}R-1>, column 'rg:likelihood': the risk has no likelihood" in message
    assert f"subject <{BASE}R-2>, column 'dcterms:title': title has 2 values" in message
    assert f"subject <{BASE}C-1>" in message and "Sleeping" in message
    assert "affects links to SYS-404, which is neither in the register nor in this file" in message
    assert content(empty) == before


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("broken.ttl", PREFIXES + 'reg:R-1 dcterms:title "unterminated .\n', 5),
        ("broken.nt", "<https://a.example/x> <https://a.example/p> .\n", 1),
        ("broken.jsonld", '{"@id": 5}', None),
    ],
)
def test_syntax_errors_name_the_file_and_line(
    empty: Register, tmp_path: Path, name: str, text: str, line: int | None
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_file(empty, path)
    assert caught.value.location.file == str(path)
    assert caught.value.location.line == line
    assert "not valid" in str(caught.value)


def test_relative_iris_resolve_against_the_register_base(empty: Register, tmp_path: Path) -> None:
    path = tmp_path / "relative.ttl"
    path.write_text(
        f'<R-9> a <{RG}Risk>, <{RG}CatalogueRisk> ; <http://purl.org/dc/terms/identifier> "R-9" ;'
        f' <http://purl.org/dc/terms/title> "Relative" ; <{RG}likelihood> 1 ; <{RG}severity> 1 .\n',
        encoding="utf-8",
    )
    assert import_file(empty, path).plan.added == ["R-9"]
    assert _objects(empty, BASE + "R-9", RG + "severity") == ["1"]
