"""The mapping files on real data: small derived fixtures, and the full reference files."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from io_support import BASE, FIXTURES, MAPPINGS, REFERENCE, config, content, register_graph
from openpyxl import Workbook

from riskgraph.errors import InputErrors
from riskgraph.io.importer import ImportOptions, ImportReport, import_file
from riskgraph.register import Register
from riskgraph.vocab import DCTERMS, RG

MIT_MAPPING = MAPPINGS / "mit-ai-risk-repository.yaml"
US_MAPPING = MAPPINGS / "us-federal-ai-inventory.yaml"
MIT_DUPLICATES = {"MIT-49.01.02", "MIT-62.31.00", "MIT-62.31.01", "MIT-62.31.02", "MIT-62.31.03"}
US_DUPLICATES = {"DOJ-DOJ-0357", "DOJ-DOJ-0160", "STB-TBD"}


def _import(path: Path, mapping: Path) -> tuple[Register, ImportReport]:
    register = Register.in_memory(config())
    return register, import_file(register, path, ImportOptions(mapping=mapping))


def _value(register: Register, entity_id: str, predicate: str) -> str | None:
    return next(
        (
            q.object.value
            for q in register_graph(register)
            if q.subject.value == BASE + entity_id and q.predicate.value == predicate
        ),
        None,
    )


def _duplicate_ids(report: ImportReport) -> set[str]:
    return {str(e.value) for e in report.skipped if "appears" in e.problem}


def test_mit_sample_imports_as_a_risk_library() -> None:
    register, report = _import(FIXTURES / "mit_ai_risk_sample.csv", MIT_MAPPING)
    assert len(report.plan.added) == 27
    assert report.read.filtered == 18  # paper rows and additional evidence
    assert report.bad_records == 10
    assert _duplicate_ids(report) == MIT_DUPLICATES
    assert all(e.location.column == "Ev_ID" and e.location.row for e in report.skipped)
    title = _value(register, "MIT-01.01.00", DCTERMS + "title")
    assert title == "Type 1: Diffusion of responsibility"
    assert _value(register, "MIT-01.01.00", RG + "category") == "6. Socioeconomic and Environmental"
    assert _value(register, "MIT-01.01.00", RG + "likelihood") == "3"


def test_mit_sample_from_a_workbook_with_banner_rows(tmp_path: Path) -> None:
    with (FIXTURES / "mit_ai_risk_sample.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = Workbook()
    workbook.active.title = "Contents"
    sheet = workbook.create_sheet("AI Risk Database v4")
    sheet.append(["This page is not mobile-friendly", None, "Updated: 03 December 2025"])
    sheet.append(["AI Risk Database", None, None, "High-level \nCausal Taxonomy"])
    for row in rows:
        sheet.append([float(c) if c.isdigit() else (c or None) for c in row])
    path = tmp_path / "mit.xlsx"
    workbook.save(path)
    _, report = _import(path, MIT_MAPPING)
    assert len(report.plan.added) == 27 and _duplicate_ids(report) == MIT_DUPLICATES


def test_us_sample_imports_as_ai_systems() -> None:
    register, report = _import(FIXTURES / "us_ai_inventory_sample.csv", US_MAPPING)
    assert len(report.plan.added) == 25
    assert _duplicate_ids(report) == US_DUPLICATES
    blank_title = [e for e in report.skipped if e.location.column == "use_case_name"]
    assert len(blank_title) == 1 and "no title" in blank_title[0].problem
    assert {"EPA-34", "TREAS-34", "FDIC-FDIC-3"} <= set(report.plan.added)
    assert any(entity_id.startswith("HHS-ROW") for entity_id in report.plan.added)
    assert report.read.notes == ["7 row(s) took id from template '{agency}-ROW{_row}'"]
    assert _value(register, "CFTC-CFTC-001", RG + "lifecycleStage") == "operation"
    assert not any("@" in q.object.value for q in register_graph(register))  # no e-mail copied


def test_bad_rows_stop_the_import_when_the_mapping_says_fail(tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text(MIT_MAPPING.read_text().replace("on_bad_row: skip", "on_bad_row: fail"))
    register = Register.in_memory(config())
    before = content(register)
    with pytest.raises(InputErrors) as caught:
        import_file(register, FIXTURES / "mit_ai_risk_sample.csv", ImportOptions(mapping=strict))
    assert len(caught.value.errors) == 10
    assert content(register) == before


FULL_FILES = [
    ("mit-ai-risk-repository/ai_risk_database_v4.csv", MIT_MAPPING, 1825, MIT_DUPLICATES, 10),
    (
        "mit-ai-risk-repository/The AI Risk Repository V4_03_12_2025.xlsx",
        MIT_MAPPING,
        1825,
        MIT_DUPLICATES,
        10,
    ),
    (
        "us-federal-ai-use-case-inventory-2025/2025_individually_reported_AI_use_cases.csv",
        US_MAPPING,
        3604,
        US_DUPLICATES,
        7,
    ),
]


@pytest.mark.skipif(
    not (REFERENCE / "datasets").is_dir(),
    reason=f"the reference datasets are not at {REFERENCE} (set RISKGRAPH_REFERENCE)",
)
@pytest.mark.parametrize(("name", "mapping", "added", "duplicates", "bad"), FULL_FILES)
def test_full_reference_files(
    name: str, mapping: Path, added: int, duplicates: set[str], bad: int
) -> None:
    started = time.monotonic()
    _, report = _import(REFERENCE / "datasets" / name, mapping)
    assert len(report.plan.added) == added
    assert report.bad_records == bad
    assert _duplicate_ids(report) == duplicates
    assert time.monotonic() - started < 30, "the import of a real file took far too long"
