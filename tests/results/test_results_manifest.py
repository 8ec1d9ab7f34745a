"""Exports with their audit manifest, read back; and the register fingerprint."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import openpyxl
import pyoxigraph as ox
import pytest

import riskgraph
from riskgraph.errors import InputError, UserError
from riskgraph.results import (
    ExportManifest,
    OutputHashScope,
    ResultKind,
    decode_parameters,
    export_to_file,
    output_sha256,
    read_manifest,
    register_hash,
    result_sha256,
    sidecar_path,
)
from riskgraph.results.manifest import QuadSource
from riskgraph.store.base import AskResult, ChangeSet, GraphResult, SelectResult, Term
from riskgraph.store.embedded import EmbeddedStore
from riskgraph.vocab import (
    DRAFTS_GRAPH,
    ISO42001_GRAPH,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    REGISTER_GRAPH,
)

QUERY = "SELECT ?risk WHERE { ?risk a rg:Risk }"
REGISTER_SHA = "ab" * 32
PARAMETERS: dict[str, Term] = {
    "risk": ox.NamedNode("https://riskgraph.example/register/R-001"),
    "title": ox.Literal('Biased "screening"\toutcomes', language="en"),
    "level": ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
}


def export(
    result: SelectResult | GraphResult | AskResult, path: Path, **kwargs: Any
) -> ExportManifest:
    return export_to_file(
        result, path, query=QUERY, register_sha256=REGISTER_SHA, parameters=PARAMETERS, **kwargs
    )


# --- sidecar manifests ----------------------------------------------------------------------


def test_csv_export_writes_a_sidecar_manifest(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    manifest = export(select(), path, query_name="risks-by-owner")

    assert sidecar_path(path) == tmp_path / "report.csv.manifest.json"
    assert read_manifest(path) == manifest
    assert read_manifest(sidecar_path(path)) == manifest
    assert manifest.output_format == "csv"
    assert manifest.output_sha256_scope is OutputHashScope.FILE_BYTES
    assert manifest.output_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert output_sha256(path) == manifest.output_sha256
    assert manifest.result_kind is ResultKind.SELECT
    assert manifest.variables == select().variables
    assert manifest.row_count == 3
    assert manifest.result_sha256 == result_sha256(select())
    assert manifest.register_sha256 == REGISTER_SHA
    assert manifest.query == QUERY and manifest.query_name == "risks-by-owner"
    assert manifest.riskgraph_version == riskgraph.__version__
    assert manifest.created_at.tzinfo is not None
    assert manifest.created_at.utcoffset() == UTC.utcoffset(None)

    stored = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    assert stored["created_at"].endswith("Z")
    assert stored["parameters"]["title"] == '"Biased \\"screening\\"\\toutcomes"@en'
    assert decode_parameters(manifest.parameters) == PARAMETERS


def test_result_fingerprint_does_not_depend_on_the_format(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    manifests = [export(select(), tmp_path / f"r.{ext}") for ext in ("csv", "json", "md", "xlsx")]
    assert len({m.result_sha256 for m in manifests}) == 1
    assert len({m.output_sha256 for m in manifests}) == len(manifests)
    assert [m.output_format for m in manifests] == ["csv", "json", "markdown", "xlsx"]


def test_graph_and_ask_exports_have_manifests(
    construct: Callable[[], GraphResult], tmp_path: Path
) -> None:
    graph = export(construct(), tmp_path / "graph.ttl")
    assert (graph.output_format, graph.result_kind, graph.row_count) == ("turtle", "graph", 10)
    assert graph.variables == []
    ask = export(AskResult(True), tmp_path / "answer.txt")
    assert (ask.output_format, ask.result_kind, ask.row_count) == ("text", "ask", 1)
    assert (tmp_path / "answer.txt").read_text() == "true\n"
    assert read_manifest(tmp_path / "answer.txt") == ask


def test_a_tampered_file_no_longer_matches_its_manifest(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    path = tmp_path / "report.tsv"
    manifest = export(select(), path)
    path.write_bytes(path.read_bytes().replace(b"R-002", b"R-020"))
    assert output_sha256(path) != manifest.output_sha256


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path) -> None:
    (tmp_path / "report.xml").write_text("previous export")
    rows: list[dict[str, Term | None]] = [
        {"note": ox.Literal("fine")},
        {"note": ox.Literal("bell\x07")},
    ]
    with pytest.raises(UserError, match=r"row 2, variable \?note"):
        export(SelectResult(["note"], iter(rows)), tmp_path / "report.xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xml"]
    assert (tmp_path / "report.xml").read_text() == "previous export"


def test_explicit_format_overrides_the_extension(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    manifest = export(select(), tmp_path / "report.dat", fmt="tsv")
    assert manifest.output_format == "tsv"
    assert (tmp_path / "report.dat").read_bytes().startswith(b"?risk\t")


# --- manifests inside workbooks -----------------------------------------------------------


def test_xlsx_export_carries_its_manifest_in_a_sheet(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    path = tmp_path / "report.xlsx"
    manifest = export(select(), path)

    assert not sidecar_path(path).exists()
    assert read_manifest(path) == manifest
    assert manifest.output_sha256_scope is OutputHashScope.SHEET_CELLS
    assert output_sha256(path) == manifest.output_sha256
    assert manifest.row_count == 3

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["results", "manifest"]
    fields = {row[0].value: row[1].value for row in workbook["manifest"].iter_rows(min_row=2)}
    assert fields["query"] == QUERY
    assert fields["output_format"] == "xlsx"
    assert json.loads(fields["parameters"])["risk"] == "<https://riskgraph.example/register/R-001>"


def test_an_edited_workbook_no_longer_matches_its_manifest(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    path = tmp_path / "report.xlsx"
    manifest = export(select(), path)
    workbook = openpyxl.load_workbook(path)
    workbook["results"]["D2"] = 4  # likelihood 3 -> 4
    workbook.save(path)
    assert read_manifest(path) == manifest
    assert output_sha256(path) != manifest.output_sha256


# --- reading bad manifests ------------------------------------------------------------------


def test_missing_manifest_names_the_expected_file(tmp_path: Path) -> None:
    (tmp_path / "report.csv").write_text("x\r\n")
    with pytest.raises(UserError, match=r"report\.csv\.manifest\.json"):
        read_manifest(tmp_path / "report.csv")


def test_broken_manifests_are_user_errors(
    select: Callable[[], SelectResult], tmp_path: Path
) -> None:
    path = tmp_path / "report.csv"
    export(select(), path)
    sidecar = sidecar_path(path)
    data = json.loads(sidecar.read_text())

    sidecar.write_text("{not json")
    with pytest.raises(InputError, match=r"report\.csv\.manifest\.json.*not a JSON manifest"):
        read_manifest(path)

    sidecar.write_text(json.dumps({**data, "row_count": -1, "register_sha256": "nope"}))
    with pytest.raises(UserError, match=r"register_sha256.*row_count|row_count.*register_sha256"):
        read_manifest(path)

    sidecar.write_text(json.dumps({**data, "manifest_version": 99}))
    with pytest.raises(UserError, match="manifest_version"):
        read_manifest(path)


def test_bad_parameters_are_input_errors() -> None:
    with pytest.raises(InputError, match=r"column 'risk'.*N-Triples"):
        decode_parameters({"risk": "not a term"})


# --- register fingerprint -------------------------------------------------------------------

REGISTER = ox.NamedNode(REGISTER_GRAPH)
RISK = ox.NamedNode("https://riskgraph.example/register/R-001")
TITLE = ox.NamedNode("http://purl.org/dc/terms/title")


def sample_quads() -> list[ox.Quad]:
    quads = []
    for number in range(30):
        subject = ox.NamedNode(f"https://riskgraph.example/register/R-{number:03d}")
        quads.append(ox.Quad(subject, TITLE, ox.Literal(f"Risk {number}\twith tab"), REGISTER))
    quads.append(
        ox.Quad(RISK, TITLE, ox.Literal("Brouillon", language="fr"), ox.NamedNode(DRAFTS_GRAPH))
    )
    quads.append(ox.Quad(RISK, TITLE, ox.Literal("Clause"), ox.NamedNode(ISO42001_GRAPH)))
    quads.append(ox.Quad(RISK, TITLE, ox.Literal("Ontology"), ox.NamedNode(ONTOLOGY_GRAPH)))
    quads.append(ox.Quad(RISK, TITLE, ox.Literal("7"), ox.NamedNode(META_GRAPH)))
    return quads


def store_of(quads: list[ox.Quad]) -> ox.Store:
    store = ox.Store()
    for quad in quads:  # one by one, so insertion order is really the order given
        store.add(quad)
    return store


def test_register_hash_is_the_sum_of_the_nquads_lines_digests(
    quad_view: Callable[[ox.Store], QuadSource],
) -> None:
    quads = sample_quads()
    hashed = [
        q
        for q in quads
        if str(q.graph_name)[1:-1] in (REGISTER_GRAPH, DRAFTS_GRAPH, ISO42001_GRAPH)
    ]
    serialised = ox.serialize(hashed, format=ox.RdfFormat.N_QUADS)
    assert serialised is not None
    lines = set(serialised.splitlines(keepends=True))
    total = sum(int.from_bytes(hashlib.sha256(line).digest(), "big") for line in lines)
    expected = f"{total % 2**256:064x}"
    assert register_hash(quad_view(store_of(quads))) == expected


def test_register_hash_ignores_insertion_order(quad_view: Callable[[ox.Store], QuadSource]) -> None:
    quads = sample_quads()
    shuffled = list(quads)
    random.Random(42).shuffle(shuffled)
    assert shuffled != quads
    first = register_hash(quad_view(store_of(quads)))
    second = register_hash(quad_view(store_of(list(reversed(shuffled)))))
    assert first == second


def test_register_hash_follows_register_drafts_and_catalogue_only(
    quad_view: Callable[[ox.Store], QuadSource],
) -> None:
    def hash_with(extra: ox.Quad) -> str:
        return register_hash(quad_view(store_of([*sample_quads(), extra])))

    reference = register_hash(quad_view(store_of(sample_quads())))
    note = ox.Literal("new")
    in_graph = {
        name: hash_with(ox.Quad(RISK, TITLE, note, ox.NamedNode(name)))
        for name in (REGISTER_GRAPH, DRAFTS_GRAPH, ISO42001_GRAPH, META_GRAPH, ONTOLOGY_GRAPH)
    }
    assert in_graph[REGISTER_GRAPH] != reference
    assert in_graph[DRAFTS_GRAPH] != reference
    assert in_graph[ISO42001_GRAPH] != reference
    assert in_graph[META_GRAPH] == reference  # a revision stamp is not content
    assert in_graph[ONTOLOGY_GRAPH] == reference
    # The same triple in another hashed graph is a different register.
    assert len({in_graph[REGISTER_GRAPH], in_graph[DRAFTS_GRAPH], in_graph[ISO42001_GRAPH]}) == 3


def test_register_hash_of_an_embedded_store(quad_view: Callable[[ox.Store], QuadSource]) -> None:
    quads = sample_quads()
    store = EmbeddedStore()
    for half in (quads[1::2], quads[::2]):  # two transactions, interleaved order
        store.apply(ChangeSet(add=list(half)))
    assert register_hash(store) == register_hash(quad_view(store_of(quads)))
