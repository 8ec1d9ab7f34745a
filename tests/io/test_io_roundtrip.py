"""Export then import is lossless: the register graph comes back isomorphic, in every format."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from io_support import BASE, config, content, every_kind, register_graph
from rdflib.compare import isomorphic

from riskgraph.errors import UserError
from riskgraph.io.exporter import ExportOptions, export_register
from riskgraph.io.importer import import_file
from riskgraph.io.template import kind_named
from riskgraph.register import Register, read_rdf_file
from riskgraph.resources import example_register
from riskgraph.store.base import ChangeSet
from riskgraph.vocab import REGISTER_GRAPH

RDF_FORMATS = ["ttl", "trig", "jsonld", "nt", "nq"]
HARBOURLINE = "https://harbourline.example/ai-register/"


def _export(register: Register, path: Path, **options: object) -> Path:
    export_register(register, ExportOptions(output=path, **options))  # type: ignore[arg-type]
    return path


def _graph(quads: set[ox.Quad]) -> rdflib.Graph:
    triples = [q.triple for q in quads]
    return rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt"
    )


def _harbourline() -> Register:
    register = Register.in_memory(config(HARBOURLINE))
    register.commit(ChangeSet(add=read_rdf_file(example_register(), REGISTER_GRAPH)))
    return register


@pytest.mark.parametrize("fmt", RDF_FORMATS)
def test_rdf_round_trip_of_every_kind(full: Register, tmp_path: Path, fmt: str) -> None:
    exported = _export(full, tmp_path / f"register.{fmt}")
    copy = Register.in_memory(config())
    report = import_file(copy, exported)
    assert len(report.plan.added) == len(every_kind())
    assert isomorphic(_graph(register_graph(copy)), _graph(register_graph(full)))
    again = _export(copy, tmp_path / f"again.{fmt}")
    assert again.read_bytes() and isomorphic(
        _graph(register_graph(copy)), _graph(register_graph(full))
    )


@pytest.mark.parametrize("fmt", ["ttl", "trig", "jsonld"])
def test_rdf_round_trip_keeps_triples_the_models_do_not_own(tmp_path: Path, fmt: str) -> None:
    source = _harbourline()
    exported = _export(source, tmp_path / f"harbourline.{fmt}")
    # The example's acceptances are signed under this role (what 'init --example' sets): an
    # import checks the signer's authority as every write does.
    settings = config(HARBOURLINE)
    settings.acceptance.authority_role = "ROLE-TOP-MGMT"
    copy = Register.in_memory(settings)
    report = import_file(copy, exported)
    assert report.extra_triples > 0  # dcterms:isPartOf links between organisations
    assert isomorphic(_graph(register_graph(copy)), _graph(register_graph(source)))


def test_reimporting_an_export_changes_nothing(full: Register, tmp_path: Path) -> None:
    exported = _export(full, tmp_path / "register.ttl")
    before = content(full)
    report = import_file(full, exported)
    assert report.plan.added == [] and report.plan.changed == {}
    assert len(report.plan.unchanged) == len(every_kind())
    assert report.revision is None  # nothing to write, so nothing was committed
    assert content(full) == before


def test_template_workbook_round_trip(full: Register, tmp_path: Path) -> None:
    workbook = _export(full, tmp_path / "register.xlsx")
    copy = Register.in_memory(config())
    import_file(copy, workbook)
    assert isomorphic(_graph(register_graph(copy)), _graph(register_graph(full)))
    again = Register.in_memory(config())
    import_file(again, _export(copy, tmp_path / "again.xlsx"))
    assert register_graph(again) == register_graph(full)


IMPORT_ORDER = [
    "organisation",
    "role",
    "person",
    "stakeholder",
    "supplier",
    "component",
    "system",
    "source",
    "consequence",
    "risk",
    "control",
    "treatment",
    "assessment",
    "audit",
    "incident",
    "management-review",
    "evidence",
    "finding",
    "action",
    "soa",
    "review",
    "acceptance",
    "testplan",
    "test",
]


def test_template_csv_round_trip_one_file_per_kind(full: Register, tmp_path: Path) -> None:
    copy = Register.in_memory(config())
    for kind in IMPORT_ORDER:
        csv_file = _export(full, tmp_path / f"{kind_named(kind).plural}.csv", kind=kind)
        import_file(copy, csv_file)
    assert isomorphic(_graph(register_graph(copy)), _graph(register_graph(full)))


def test_template_export_of_an_empty_register_is_a_blank_template(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    workbook = _export(Register.in_memory(config()), tmp_path / "template.xlsx")
    sheets = load_workbook(workbook, read_only=True)
    risks = list(sheets["risks"].iter_rows(values_only=True))
    assert risks[0][0] == "# riskgraph template: risk v1"
    assert risks[1][:2] == ("id", "title") and "likelihood" in risks[1]
    assert len(risks) == 2
    assert len(sheets.sheetnames) == len(IMPORT_ORDER)


def test_export_to_a_stream_and_with_all_graphs(full: Register) -> None:
    out = io.BytesIO()
    export_register(full, ExportOptions(format="nt"), out)
    assert len(out.getvalue().splitlines()) == len(register_graph(full))
    dataset = io.BytesIO()
    export_register(full, ExportOptions(format="trig", everything=True), dataset)
    graphs = {q.graph_name for q in ox.parse(dataset.getvalue(), format=ox.RdfFormat.TRIG)}
    assert len(graphs) >= 3  # ontology, catalogue, register, meta
    assert sum(1 for _ in ox.parse(dataset.getvalue(), format=ox.RdfFormat.TRIG)) == len(
        content(full)
    )


def test_turtle_export_uses_the_standard_prefixes(full: Register) -> None:
    out = io.BytesIO()
    export_register(full, ExportOptions(format="ttl"), out)
    text = out.getvalue().decode()
    assert "@prefix rg: <https://w3id.org/riskgraph#> ." in text
    assert f"@prefix reg: <{BASE}> ." in text
    assert "reg:R-1" in text


def test_entities_that_do_not_fit_the_model_stop_a_template_export(
    full: Register, tmp_path: Path
) -> None:
    broken = ox.NamedNode(BASE + "R-1")
    severity = next(
        q for q in register_graph(full) if q.subject == broken and "severity" in q.predicate.value
    )
    full.commit(ChangeSet(remove=[severity]))
    with pytest.raises(UserError, match="R-1") as caught:
        _export(full, tmp_path / "risks.csv", kind="risk")
    assert "export RDF" in str(caught.value)
    assert not (tmp_path / "risks.csv").exists()
    assert _export(full, tmp_path / "register.ttl").stat().st_size > 0
