"""The Statement of Applicability of the Harbourline example, checked against the register data
and EXPECTED_GAPS.md, and in every file format read back with a standard reader."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest
from report_support import GENERATED_AT, TODAY, memory_register, select

from riskgraph.analysis.report.soa_formats import (
    ABOUT_SHEET,
    COLUMNS,
    SOA_SHEET,
    soa_csv,
    soa_markdown,
    write_soa,
)
from riskgraph.analysis.soa import (
    ImplementationStatus,
    StatementOfApplicability,
    natural_key,
    statement_of_applicability,
)
from riskgraph.queries import builtin_queries, run_query
from riskgraph.register import Register
from riskgraph.results import register_hash
from riskgraph.store.base import SelectResult, Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("RISKGRAPH_UPDATE_GOLDEN") == "1"
EXPECTED_GAPS = Path(__file__).parents[2] / "examples" / "harbourline" / "EXPECTED_GAPS.md"


@pytest.fixture(scope="module")
def soa(harbourline: Register, harbourline_store: Store) -> StatementOfApplicability:
    return statement_of_applicability(
        harbourline, harbourline_store, today=TODAY, generated_at=GENERATED_AT
    )


def expected_gap_ids(key: str) -> list[str]:
    """The IDs listed under ``### `key` `` in EXPECTED_GAPS.md."""
    text = EXPECTED_GAPS.read_text(encoding="utf-8")
    section = text.split(f"### `{key}`", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^- `([^`]+)`", section, flags=re.MULTILINE)


# --- content --------------------------------------------------------------------------------


def test_one_row_per_annex_a_control_in_catalogue_order(
    soa: StatementOfApplicability, harbourline_store: Store
) -> None:
    catalogue = select(
        harbourline_store,
        "SELECT ?ref WHERE { ?c a rg:AnnexAControl ; skos:notation ?ref }",
    )
    refs = [row.ref for row in soa.rows]
    assert len(refs) == 38
    assert sorted(r["ref"] for r in catalogue) == sorted(refs)
    assert refs == sorted(refs, key=natural_key)
    assert refs[:3] == ["A.2.2", "A.2.3", "A.2.4"]
    assert refs.index("A.9.4") < refs.index("A.10.2")


def test_rows_are_grouped_under_their_objectives(soa: StatementOfApplicability) -> None:
    objectives = soa.objectives()
    assert [o.ref for o in objectives] == [
        "A.2", "A.3", "A.4", "A.5", "A.6.1", "A.6.2", "A.7", "A.8", "A.9", "A.10",
    ]  # fmt: skip
    assert sum(len(o.rows) for o in objectives) == 38
    for objective in objectives:
        assert all(row.ref.startswith(objective.ref + ".") for row in objective.rows)


def test_excluded_controls_carry_their_justification(
    soa: StatementOfApplicability, harbourline_store: Store
) -> None:
    decided = select(
        harbourline_store,
        """SELECT ?ref ?justification ?id WHERE {
            ?s a rg:ApplicabilityStatement ; rg:annexAControl/skos:notation ?ref ;
               rg:applicable false ; rg:justification ?justification ; dcterms:identifier ?id }""",
    )
    by_ref = {row.ref: row for row in soa.rows}
    assert sorted(d["ref"] for d in decided) == sorted(
        expected_gap_ids("annex-a-controls-not-applicable")
    )
    for statement in decided:
        row = by_ref[statement["ref"]]
        assert not row.applicable
        assert row.status is ImplementationStatus.EXCLUDED
        assert row.justification == statement["justification"]
        assert row.statement_ids == [statement["id"]]
    assert by_ref["A.10.4"].justification.startswith("Harbourline provides no AI sys")  # type: ignore[union-attr]
    assert sum(1 for row in soa.rows if row.applicable) == soa.applicable_count == 36


def test_gaps_in_expected_gaps_are_not_implemented_or_planned(
    soa: StatementOfApplicability,
) -> None:
    by_ref = {row.ref: row for row in soa.rows}
    lacking = {
        row.ref
        for row in soa.rows
        if row.status in {ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.PLANNED}
    }
    assert lacking == set(expected_gap_ids("annex-a-controls-not-implemented"))
    # "no control at all"
    assert by_ref["A.2.3"].status is ImplementationStatus.NOT_IMPLEMENTED
    assert by_ref["A.2.3"].controls == ()
    # "only the retired C-045": listed, but it does not count
    assert by_ref["A.4.2"].status is ImplementationStatus.NOT_IMPLEMENTED
    assert [(c.id, c.status) for c in by_ref["A.4.2"].controls] == [("C-045", "retired")]
    assert by_ref["A.4.2"].risks == () and by_ref["A.4.2"].evidence == ()
    # "only the planned C-006" / "only the planned C-046"
    assert by_ref["A.6.1.2"].status is ImplementationStatus.PLANNED
    assert by_ref["A.8.4"].status is ImplementationStatus.PLANNED
    assert by_ref["A.2.2"].status is ImplementationStatus.IMPLEMENTED


def test_status_agrees_with_the_stored_gap_query(
    soa: StatementOfApplicability, harbourline_store: Store
) -> None:
    query = builtin_queries()["annex-a-controls-not-implemented"]
    with run_query(harbourline_store, query, today=TODAY, limit=None) as run:
        assert isinstance(run.result, SelectResult)
        gap_refs = [row["ref"].value for row in run.result.rows if row["ref"] is not None]
    lacking = [
        row.ref
        for row in soa.rows
        if row.status in {ImplementationStatus.NOT_IMPLEMENTED, ImplementationStatus.PLANNED}
    ]
    assert lacking == gap_refs


def test_related_risks_come_from_non_retired_implementing_controls(
    soa: StatementOfApplicability, harbourline_store: Store
) -> None:
    for ref in ("A.6.2.6", "A.10.3", "A.9.2"):
        rows = select(
            harbourline_store,
            """SELECT DISTINCT ?id WHERE {
                ?annex skos:notation ?ref .
                ?control rg:addresses ?annex ; rg:mitigates/dcterms:identifier ?id .
                FILTER NOT EXISTS { ?control rg:status rg:Retired } }""",
            ref=ox.Literal(ref),
        )
        row = next(r for r in soa.rows if r.ref == ref)
        assert [r.id for r in row.risks] == sorted((r["id"] for r in rows), key=natural_key)
        assert row.risks, f"{ref} should have related risks in the example"


def test_evidence_dates_and_expired_marks(soa: StatementOfApplicability) -> None:
    row = next(r for r in soa.rows if r.ref == "A.6.2.6")
    evidence = {e.id: e for e in row.evidence}
    # EXPECTED_GAPS.md: EV-005 expired 2025-12-31 and EV-012 2026-06-30; EV-004 is current.
    assert {"EV-004", "EV-005", "EV-012"} <= set(evidence)
    assert evidence["EV-005"].expired and evidence["EV-005"].expires.isoformat() == "2025-12-31"  # type: ignore[union-attr]
    assert evidence["EV-012"].expired
    assert not evidence["EV-004"].expired
    assert evidence["EV-004"].issued is not None
    assert [e.id for e in row.expired_evidence] == ["EV-005", "EV-012"]
    expired_anywhere = {e.id for r in soa.rows for e in r.expired_evidence}
    assert expired_anywhere <= set(expected_gap_ids("expired-evidence"))


def test_counts_add_up(soa: StatementOfApplicability) -> None:
    counts = soa.counts()
    assert sum(counts.values()) == 38
    assert counts[ImplementationStatus.EXCLUDED] == 2
    assert counts[ImplementationStatus.PLANNED] == 2
    assert counts[ImplementationStatus.NOT_IMPLEMENTED] == 6


def test_soa_rules_on_a_small_register() -> None:
    """No statement: applies, undecided. Conflicting statements: an exclusion wins. A control
    without status counts as planned. Evidence supporting the Annex A control itself counts."""
    register = memory_register(
        """
        :C-1 a rg:Control ; dcterms:identifier "C-1" ; dcterms:title "No status yet" ;
            rg:addresses iso42001:A.3.2 .
        :C-2 a rg:Control ; dcterms:identifier "C-2" ; rg:status rg:Verified ;
            rg:addresses iso42001:A.4.2 .
        :S-1 a rg:ApplicabilityStatement ; dcterms:identifier "S-1" ;
            rg:annexAControl iso42001:A.4.2 ; rg:applicable true ; rg:justification "Yes" .
        :S-2 a rg:ApplicabilityStatement ; dcterms:identifier "S-2" ;
            rg:annexAControl iso42001:A.4.2 ; rg:applicable false ; rg:justification "No" .
        :EV-1 a rg:Evidence ; dcterms:identifier "EV-1" ; rg:supports iso42001:A.2.2 ;
            rg:expires "2026-11-22"^^xsd:date .
        """,
    )
    with register.reader() as store:
        rows = {r.ref: r for r in statement_of_applicability(register, store, today=TODAY).rows}
    assert rows["A.2.2"].applicable and not rows["A.2.2"].decided
    assert rows["A.2.2"].status is ImplementationStatus.NOT_IMPLEMENTED
    assert [(e.id, e.expired) for e in rows["A.2.2"].evidence] == [("EV-1", False)]
    assert rows["A.3.2"].status is ImplementationStatus.PLANNED
    assert rows["A.4.2"].status is ImplementationStatus.EXCLUDED
    assert rows["A.4.2"].justification == "No" and rows["A.4.2"].statement_ids == ["S-2"]


# --- formats --------------------------------------------------------------------------------


def test_xlsx_has_header_frozen_panes_widths_filters_wrap_and_about(
    soa: StatementOfApplicability, harbourline_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "soa.xlsx"
    with path.open("wb") as handle:
        write_soa(soa, "xlsx", handle)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == [SOA_SHEET, ABOUT_SHEET]
    sheet = workbook[SOA_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.label for c in COLUMNS]
    assert len(rows) == 39
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref == "A1:N39"
    assert sheet["A1"].font.bold
    assert all(sheet.column_dimensions[letter].width > 8 for letter in "ABCDEFGHIJKLMN")
    assert sheet["F2"].alignment.wrap_text
    by_ref = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_ref["A.10.4"]["Applicable"] == "no"
    assert by_ref["A.10.4"]["Implementation status"] == "excluded"
    assert by_ref["A.2.3"]["Implementation status"] == "not implemented"
    evidence = by_ref["A.6.2.6"]["Evidence"]
    assert isinstance(evidence, str) and "EV-005" in evidence and "EXPIRED" in evidence
    assert "\n" in evidence
    about = dict(workbook[ABOUT_SHEET].iter_rows(values_only=True))
    assert about["register_sha256"] == register_hash(harbourline_store)
    assert about["register"] == soa.register_name
    assert about["generated_at"] == GENERATED_AT.isoformat()
    assert about["riskgraph_version"] == soa.riskgraph_version


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    register = memory_register(
        """:S-1 a rg:ApplicabilityStatement ; dcterms:identifier "S-1" ;
            rg:annexAControl iso42001:A.2.2 ; rg:applicable false ;
            rg:justification "=HYPERLINK(\\"x\\")" .""",
    )
    with register.reader() as store:
        statement = statement_of_applicability(register, store, today=TODAY)
    path = tmp_path / "soa.xlsx"
    with path.open("wb") as handle:
        write_soa(statement, "xlsx", handle)
    cell = openpyxl.load_workbook(path)[SOA_SHEET]["F2"]
    assert cell.value == '=HYPERLINK("x")'
    assert cell.data_type == "s"


def test_csv_reads_back(soa: StatementOfApplicability) -> None:
    records = list(csv.DictReader(io.StringIO(soa_csv(soa), newline="")))
    assert len(records) == 38
    assert list(records[0]) == [c.key for c in COLUMNS]
    by_ref = {r["control"]: r for r in records}
    assert by_ref["A.10.4"]["applicable"] == "no"
    assert by_ref["A.10.4"]["status"] == "excluded"
    assert by_ref["A.10.4"]["justification"] == next(
        r.justification for r in soa.rows if r.ref == "A.10.4"
    )
    assert by_ref["A.6.1.2"]["status"] == "planned"
    assert by_ref["A.6.2.6"]["expired_evidence"] == "EV-005; EV-012"


class _SoaRows(HTMLParser):
    """Collects each SoA row's data attributes and every external reference."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, str] = {}
        self.tags: set[str] = set()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if tag == "tr" and values.get("data-ref"):
            self.rows[values["data-ref"] or ""] = values.get("data-status") or ""
        self.external += [v for v in values.values() if v and "://" in v]


def test_html_reads_back(soa: StatementOfApplicability) -> None:
    buffer = io.BytesIO()
    write_soa(soa, "html", buffer)
    parser = _SoaRows()
    parser.feed(buffer.getvalue().decode("utf-8"))
    assert list(parser.rows) == [row.ref for row in soa.rows]
    assert parser.rows["A.10.4"] == "excluded"
    assert parser.rows["A.6.1.2"] == "planned"
    assert parser.rows["A.2.3"] == "not implemented"
    assert "script" not in parser.tags and "link" not in parser.tags
    assert parser.external == []


@pytest.mark.parametrize(("name", "render"), [("soa.csv", soa_csv), ("soa.md", soa_markdown)])
def test_golden_files(
    soa: StatementOfApplicability,
    name: str,
    render: Callable[[StatementOfApplicability], str],
) -> None:
    """Byte for byte, with the register hash and riskgraph version replaced (both move on)."""
    text = (
        render(soa)
        .replace(soa.register_sha256, "<register-sha256>")
        .replace(f"riskgraph {soa.riskgraph_version}", "riskgraph <version>")
    )
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing; run with RISKGRAPH_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_bytes().decode("utf-8")
