"""XLSX workbooks for SELECT rows, written in openpyxl's write-only mode so memory stays flat.

Cells hold native numbers and booleans where nothing is lost (see ``terms.simple_value``) and
text otherwise. The "results" sheet can be fingerprinted from its cell values
(``xlsx_cells_sha256``): the writer computes the same fingerprint while writing, so a manifest
can vouch for the cells even though the zip bytes differ from one save to the next.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from riskgraph.errors import UserError
from riskgraph.results.base import ExportFormat, ResultKind, WriteOptions, expect_select
from riskgraph.results.terms import SimpleValue, simple_value
from riskgraph.store.base import QueryResult, SelectResult, Term

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

RESULTS_SHEET = "results"
MANIFEST_SHEET = "manifest"
MAX_CELL_TEXT = 32_767
"""Excel's limit on the characters in one cell."""
_EXACT_INTEGER_LIMIT = 10**15
"""Excel keeps 15 significant digits; larger integers stay text so no digit is lost."""
_NOT_IN_WORKSHEETS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def cell_value(term: Term | None, *, row: int, variable: str) -> SimpleValue:
    """What goes into the cell for ``term`` (``row`` and ``variable`` only name it in errors)."""
    value = simple_value(term)
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) >= _EXACT_INTEGER_LIMIT
    ):
        return str(value)
    if isinstance(value, str):
        if len(value) > MAX_CELL_TEXT:
            raise UserError(
                f"row {row}, variable ?{variable}: the value has {len(value)} characters but an "
                f"XLSX cell holds at most {MAX_CELL_TEXT}; export as CSV or JSON instead"
            )
        # Characters that worksheets cannot hold are shown as the replacement character.
        return _NOT_IN_WORKSHEETS.sub("\ufffd", value)
    return value


def _canonical_cell(value: object) -> object:
    """A cell as openpyxl reads it back: '' is empty, CR is LF, every number a float."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return str(value)


class CellHasher:
    """SHA-256 over the cell values of a sheet, row by row, trailing empty cells ignored."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def add_row(self, values: Iterable[object]) -> None:
        cells = [_canonical_cell(value) for value in values]
        while cells and cells[-1] is None:
            cells.pop()
        line = json.dumps(cells, ensure_ascii=False, separators=(",", ":")) + "\n"
        self._hash.update(line.encode("utf-8"))

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _append(
    sheet: WriteOnlyWorksheet, values: Sequence[SimpleValue], *, bold: bool = False
) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    if not bold and not any(isinstance(v, str) and _read_as_formula(v) for v in values):
        sheet.append(list(values))
        return
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text, never a formula or an error code
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def _read_as_formula(value: str) -> bool:
    return value.startswith("=") or value in _ERROR_CODES


def write_xlsx(result: QueryResult, out: BinaryIO, options: WriteOptions) -> int:
    """One "results" sheet: a bold header of variable names, then one row per solution."""
    from openpyxl import Workbook

    select = expect_select(result)
    workbook = Workbook(write_only=True)
    try:
        count = _fill(workbook, select, options)
    except BaseException:
        _discard(workbook)
        raise
    workbook.save(out)
    return count


def _fill(workbook: Any, select: SelectResult, options: WriteOptions) -> int:
    names = select.variables
    sheet = workbook.create_sheet(RESULTS_SHEET)
    sheet.freeze_panes = "A2"
    hasher = CellHasher()
    hasher.add_row(names)
    _append(sheet, names, bold=True)
    count = 0
    for count, row in enumerate(select.rows, start=1):
        values = [cell_value(row.get(name), row=count, variable=name) for name in names]
        hasher.add_row(values)
        _append(sheet, values)
    if options.manifest_sheet is not None:
        fields = options.manifest_sheet(count, hasher.hexdigest())
        manifest = workbook.create_sheet(MANIFEST_SHEET)
        _append(manifest, ["field", "value"], bold=True)
        for key, value in fields:
            _append(manifest, [key, value])
    return count


def _discard(workbook: Any) -> None:
    """Close an unsaved write-only workbook and delete the temporary files behind its sheets."""
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):
            if not sheet.closed:
                sheet.close()
            if sheet._writer is not None:
                sheet._writer.cleanup()


def xlsx_cells_sha256(source: str | Path | BinaryIO, sheet: str = RESULTS_SHEET) -> str:
    """The fingerprint ``write_xlsx`` computed, recomputed from the cells of a saved workbook."""
    from openpyxl import load_workbook

    workbook = load_workbook(source, read_only=True)
    try:
        hasher = CellHasher()
        for row in workbook[sheet].iter_rows(values_only=True):
            hasher.add_row(row)
        return hasher.hexdigest()
    finally:
        workbook.close()


def read_sheet_fields(source: str | Path, sheet: str = MANIFEST_SHEET) -> dict[str, str | None]:
    """The field/value pairs of a two-column sheet, the header row skipped."""
    from openpyxl import load_workbook

    workbook = load_workbook(source, read_only=True)
    try:
        if sheet not in workbook.sheetnames:
            raise UserError(f"{source}: the workbook has no {sheet!r} sheet")
        rows = workbook[sheet].iter_rows(min_row=2, values_only=True)
        return {str(row[0]): _text_or_none(row[1] if len(row) > 1 else None) for row in rows if row}
    finally:
        workbook.close()


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


XLSX = ExportFormat(
    name="xlsx",
    label="Excel workbook (XLSX)",
    extensions=("xlsx",),
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    kinds=frozenset({ResultKind.SELECT}),
    writer=write_xlsx,
    binary=True,
    embeds_manifest=True,
)
