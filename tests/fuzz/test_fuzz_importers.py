"""Every importer, and mapping files, fed mutated files through the real CLI (``import``)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fuzz_support import HOSTILE, Worker, check, fuzz_settings, mutated
from hypothesis import given
from hypothesis import strategies as st

PREFIXES = (
    "@prefix rg: <https://w3id.org/riskgraph#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
)
RISK_TTL = (
    '<SYS-9> a rg:AISystem ; dcterms:identifier "SYS-9" ; dcterms:title "Chatbot" .\n'
    '<R-8> a rg:Risk ; dcterms:identifier "R-8" ; dcterms:title "Hallucination" ;\n'
    "  rg:likelihood 3 ; rg:severity 4 ; rg:affects <SYS-9> .\n"
)
RG = "https://w3id.org/riskgraph#"
DC = "http://purl.org/dc/terms/"
BASE = "https://harbourline.example/ai-register/"
NT = (
    f"<{BASE}SYS-9> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{RG}AISystem> .\n"
    f'<{BASE}SYS-9> <{DC}identifier> "SYS-9" .\n'
    f'<{BASE}SYS-9> <{DC}title> "Chatbot" .\n'
)
SEEDS = {
    "data.csv": (
        "# riskgraph template: risk v1\n"
        "id,title,likelihood,severity,affects,sources,review_due\n"
        'R-91,"Bias, in credit",3,4,SYS-1,C.3.4,2027-01-31\n'
        "R-92,Drift,2,2,,,\n"
    ),
    "data.yaml": (
        "systems:\n  - id: SYS-9\n    title: Chatbot\n    lifecycle_stage: operation\n"
        "risks:\n  - id: R-8\n    title: Hallucination\n    likelihood: 3\n    severity: 4\n"
        "    affects: [SYS-9]\n    review_due: 2027-01-31\n"
    ),
    "data.json": (
        '{"systems": [{"id": "SYS-9", "title": "Chatbot"}],\n'
        ' "risks": [{"id": "R-8", "title": "Hallucination", "likelihood": 3, "severity": 4,\n'
        '            "affects": ["SYS-9"]}]}\n'
    ),
    "data.ttl": PREFIXES + RISK_TTL,
    "data.trig": PREFIXES + "<urn:g> {\n" + RISK_TTL + "}\n",
    "data.jsonld": (
        '{"@context": {"rg": "https://w3id.org/riskgraph#", "dc": "http://purl.org/dc/terms/"},\n'
        ' "@graph": [{"@id": "SYS-9", "@type": "rg:AISystem", "dc:identifier": "SYS-9",\n'
        '             "dc:title": "Chatbot"}]}\n'
    ),
    "data.nt": NT,
    "data.nq": NT.replace(" .\n", " <urn:g> .\n"),
}
MAPPING = (
    "kind: system\n"
    "description: fuzz\n"
    "encoding: utf-8-sig\n"
    "on_bad_row: error\n"
    "fields:\n"
    "  id:\n    template: ['{Agency}-{Ref}', 'X-ROW{_row}']\n    slug: true\n"
    "  title: Name\n"
    "  lifecycle_stage:\n    column: Stage\n"
    "    map:\n      Live: operation\n      Pilot: deployment\n"
)
MAPPED_CSV = "Agency,Ref,Name,Stage\nDOT,1,Route planner,Live\nDOE,2,Grid model,Pilot\n"


@pytest.mark.parametrize("name", SEEDS)
@fuzz_settings(6)
@given(data=st.data())
def test_importing_a_mutated_file(
    worker: Worker, register: Path, template: Path, tmp_path: Path, name: str, data: st.DataObject
) -> None:
    text = data.draw(mutated(SEEDS[name]))
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    outcome = worker.run(["import", str(path), "-r", str(register)], register, template)
    check(outcome, f"import {name}:\n{text[:2000]!r}")


@fuzz_settings(8)
@given(
    cells=st.lists(
        st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12)), max_size=6),
        max_size=5,
    ),
    garbage=st.booleans(),
)
def test_importing_a_fuzzed_workbook(
    worker: Worker,
    register: Path,
    template: Path,
    tmp_path: Path,
    cells: list[list[str]],
    garbage: bool,
) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "risks"
    rows = [["# riskgraph template: risk v1"], ["id", "title", "likelihood", "severity"], *cells]
    for row in rows:
        try:
            sheet.append(row)
        except IllegalCharacterError:
            sheet.append([repr(c) for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if garbage:  # a damaged zip
        content = content[: len(content) // 2] + b"\x00garbage" + content[len(content) // 2 :]
    path = tmp_path / "data.xlsx"
    path.write_bytes(content)
    outcome = worker.run(["import", str(path), "-r", str(register)], register, template)
    check(outcome, f"import data.xlsx: {rows!r} garbage={garbage}")


@fuzz_settings(12)
@given(data=st.data())
def test_importing_with_a_mutated_mapping(
    worker: Worker, register: Path, template: Path, tmp_path: Path, data: st.DataObject
) -> None:
    mapping = data.draw(mutated(MAPPING))
    table = data.draw(st.one_of(st.just(MAPPED_CSV), mutated(MAPPED_CSV)))
    (tmp_path / "map.yaml").write_bytes(mapping.encode("utf-8", "surrogatepass"))
    (tmp_path / "data.csv").write_bytes(table.encode("utf-8", "surrogatepass"))
    args = ["import", str(tmp_path / "data.csv"), "--mapping", str(tmp_path / "map.yaml")]
    outcome = worker.run([*args, "-r", str(register)], register, template)
    check(outcome, f"mapping:\n{mapping[:2000]!r}\ncsv:\n{table[:1000]!r}")
