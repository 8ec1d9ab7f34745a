"""The Statement of Applicability as a file: XLSX, CSV, Markdown or standalone HTML.

The tabular formats (XLSX, CSV) have one row per Annex A control with the same columns; lists
(controls, risks, evidence) share a cell, one item per line in XLSX and separated by "; " in CSV.
Markdown and HTML group the rows under their objectives.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from riskgraph.analysis.report.palette import STATUS_COLOURS
from riskgraph.analysis.soa import (
    STATUS_ORDER,
    EvidenceItem,
    ImplementationStatus,
    ImplementingControl,
    RelatedRisk,
    SoaRow,
    StatementOfApplicability,
)
from riskgraph.errors import UserError
from riskgraph.results.formulas import neutralise
from riskgraph.results.outputs import SOA
from riskgraph.results.tabular import markdown_cell

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

SOA_SHEET = "SoA"
ABOUT_SHEET = "about"

STATUS_RULE = (
    "excluded when an applicability statement says the Annex A control does not apply; else "
    "implemented when at least one implemented or verified control addresses it; else planned "
    "when at least one planned control does; else not implemented. Retired controls do not "
    "count, and neither do the risks and evidence of retired controls. Evidence is expired when "
    "its expiry date is before the day the statement is judged on."
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    value: Callable[[SoaRow], str | list[str]]


def control_text(control: ImplementingControl) -> str:
    title = f" {control.title}" if control.title else ""
    return f"{control.id}{title} ({control.status})"


def risk_text(risk: RelatedRisk) -> str:
    return f"{risk.id} {risk.title}" if risk.title else risk.id


def evidence_dates(evidence: EvidenceItem) -> str:
    """'issued 2026-01-10, expires 2026-12-31', with ', EXPIRED' when it has expired."""
    parts = []
    if evidence.issued:
        parts.append(f"issued {evidence.issued.isoformat()}")
    parts.append(f"expires {evidence.expires.isoformat()}" if evidence.expires else "no expiry")
    if evidence.expired:
        parts.append("EXPIRED")
    return ", ".join(parts)


def evidence_text(evidence: EvidenceItem) -> str:
    title = f" {evidence.title}" if evidence.title else ""
    return f"{evidence.id}{title} ({evidence_dates(evidence)})"


def applicable_text(row: SoaRow) -> str:
    return "yes" if row.applicable else "no"


COLUMNS: tuple[Column, ...] = (
    Column("control", "Annex A control", 11, lambda r: r.ref),
    Column("heading", "Heading", 34, lambda r: r.heading),
    Column("objective", "Objective", 10, lambda r: r.objective_ref),
    Column("objective_heading", "Objective heading", 28, lambda r: r.objective_heading),
    Column("applicable", "Applicable", 11, applicable_text),
    Column("justification", "Justification", 46, lambda r: r.justification or ""),
    Column("status", "Implementation status", 16, lambda r: r.status.value),
    Column(
        "implementing_controls",
        "Implementing controls",
        42,
        lambda r: [control_text(c) for c in r.controls],
    ),
    Column("related_risks", "Related risks", 42, lambda r: [risk_text(x) for x in r.risks]),
    Column("evidence", "Evidence", 56, lambda r: [evidence_text(e) for e in r.evidence]),
    Column(
        "expired_evidence", "Expired evidence", 14, lambda r: [e.id for e in r.expired_evidence]
    ),
    Column("statement", "Statement", 14, lambda r: r.statement_ids),
    Column("decided_by", "Decided by", 14, lambda r: r.decided_by),
    Column(
        "decided_on", "Decided on", 12, lambda r: r.decided_on.isoformat() if r.decided_on else ""
    ),
)


def _joined(value: str | list[str], separator: str) -> str:
    return separator.join(value) if isinstance(value, list) else value


def about_fields(soa: StatementOfApplicability) -> list[tuple[str, str]]:
    """What the statement is about: register, fingerprint, time, version and the rules."""
    counts = soa.counts()
    return [
        ("register", soa.register_name),
        ("register_sha256", soa.register_sha256),
        ("generated_at", soa.generated_at.isoformat(timespec="seconds")),
        ("evidence_judged_on", soa.today.isoformat()),
        ("riskgraph_version", soa.riskgraph_version),
        ("annex_a_controls", str(len(soa.rows))),
        ("applicable", str(soa.applicable_count)),
        *((f"status_{s.value.replace(' ', '_')}", str(counts[s])) for s in STATUS_ORDER),
        ("status_rule", STATUS_RULE),
    ]


# --- writers --------------------------------------------------------------------------------


def write_soa(soa: StatementOfApplicability, fmt: str, out: BinaryIO) -> None:
    """Write ``soa`` to ``out`` in ``fmt`` (one of ``riskgraph.results.outputs.SOA``)."""
    fmt = SOA.format(fmt).name
    if fmt == "xlsx":
        write_xlsx(soa, out)
    elif fmt == "csv":
        out.write(soa_csv(soa).encode("utf-8"))
    elif fmt == "md":
        out.write(soa_markdown(soa).encode("utf-8"))
    elif fmt == "html":
        from riskgraph.analysis.report.render import render_soa_html

        out.write(render_soa_html(soa).encode("utf-8"))
    else:
        raise UserError(f"the {fmt} format of the Statement of Applicability has no writer")


def soa_csv(soa: StatementOfApplicability) -> str:
    """RFC 4180 CSV with a header of column keys; CRLF line ends."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.key for column in COLUMNS])
    for row in soa.rows:
        writer.writerow([neutralise(_joined(column.value(row), "; ")) for column in COLUMNS])
    return buffer.getvalue()


_MARKDOWN_COLUMNS = ("control", "heading", "applicable", "justification", "status")


def soa_markdown(soa: StatementOfApplicability) -> str:
    """A heading per objective, each with a table of its Annex A controls."""
    counts = soa.counts()
    summary = ", ".join(f"{counts[s]} {s.value}" for s in STATUS_ORDER)
    lines = [
        f"# Statement of Applicability: {markdown_cell(soa.register_name)}",
        "",
        f"ISO/IEC 42001:2023 Annex A: {len(soa.rows)} controls, {soa.applicable_count} "
        f"applicable; {summary}.",
        "",
        f"- Register SHA-256: `{soa.register_sha256}`",
        f"- Generated: {soa.generated_at.isoformat(timespec='seconds')} "
        f"by riskgraph {soa.riskgraph_version}",
        f"- Evidence judged on: {soa.today.isoformat()}",
        "",
    ]
    labels = [c.label for c in COLUMNS if c.key in _MARKDOWN_COLUMNS]
    labels += ["Implementing controls", "Related risks", "Evidence"]
    for objective in soa.objectives():
        lines += [f"## {objective.ref} {markdown_cell(objective.heading)}", ""]
        lines.append("| " + " | ".join(labels) + " |")
        lines.append("|" + "|".join("---" for _ in labels) + "|")
        for row in objective.rows:
            cells = [_joined(c.value(row), "\n") for c in COLUMNS if c.key in _MARKDOWN_COLUMNS]
            cells += [
                "\n".join(control_text(c) for c in row.controls),
                "\n".join(risk_text(r) for r in row.risks),
                "\n".join(evidence_text(e) for e in row.evidence),
            ]
            lines.append("| " + " | ".join(markdown_cell(cell) for cell in cells) + " |")
        lines.append("")
    lines += ["## How the status is derived", "", markdown_cell(STATUS_RULE), ""]
    return "\n".join(lines)


# Characters that worksheets cannot hold.
_NOT_IN_WORKSHEETS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def write_xlsx(soa: StatementOfApplicability, out: BinaryIO) -> None:
    """Sheet "SoA" (header, frozen panes, widths, filters, wrapped text) and sheet "about"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = SOA_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    header_fill = PatternFill("solid", fgColor="E8ECF1")
    status_fills = {
        s: PatternFill("solid", fgColor=_lighter(STATUS_COLOURS[s])) for s in ImplementationStatus
    }
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        _set_text(cell, column.label)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, row in enumerate(soa.rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=row_number, column=index)
            _set_text(cell, _joined(column.value(row), "\n"))
            cell.alignment = wrap
            if column.key == "status":
                cell.fill = status_fills[row.status]
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(soa.rows) + 1}"

    about = workbook.create_sheet(ABOUT_SHEET)
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 90
    for row_number, (key, value) in enumerate(about_fields(soa), start=1):
        _set_text(about.cell(row=row_number, column=1), key)
        about.cell(row=row_number, column=1).font = Font(bold=True)
        value_cell = about.cell(row=row_number, column=2)
        _set_text(value_cell, value)
        value_cell.alignment = wrap
    workbook.save(out)


def _set_text(cell: Cell, value: str) -> None:
    """Text that Excel shows as written: never a formula, no characters a sheet cannot hold."""
    cleaned = _NOT_IN_WORKSHEETS.sub("\ufffd", value)
    cell.value = cleaned or None
    if cleaned:
        cell.data_type = "s"


def _lighter(colour: str, amount: float = 0.7) -> str:
    """``colour`` mixed with white, as an openpyxl RRGGBB string."""
    channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "".join(f"{round(c + (255 - c) * amount):02X}" for c in channels)
