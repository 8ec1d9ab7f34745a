"""Write entities in the spreadsheet template layout: CSV (one kind) or XLSX (a sheet a kind)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from typing import Any, BinaryIO

from riskgraph.errors import UserError
from riskgraph.io.template import Cell, cell_as_text, cells, columns, marker
from riskgraph.model.entities import Entity
from riskgraph.model.repository import Repository
from riskgraph.progress import Progress
from riskgraph.results.formulas import neutralise
from riskgraph.results.streams import text_writer

MAX_CELL_TEXT = 32_767
"""Excel's limit on the characters in one cell."""
_NOT_IN_WORKSHEETS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_WIDTHS = {"id": 16, "title": 40, "description": 60, "statement": 60, "justification": 50}


def entities_of(repository: Repository, cls: type[Entity]) -> list[Entity]:
    """Every entity of one kind; entities that do not fit the model stop the export."""
    entities, problems = repository.all(cls)
    if problems:
        listed = "; ".join(f"{p.entity_id}: {p.message}" for p in problems[:10])
        more = f" and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise UserError(
            f"{len(problems)} {cls.plural} cannot be written in the template layout because "
            f"they do not fit the model ({listed}{more}); fix them, or export RDF, which keeps "
            "everything"
        )
    return entities


def write_csv(repository: Repository, cls: type[Entity], out: BinaryIO, progress: Progress) -> int:
    entities = entities_of(repository, cls)
    progress.phase(f"writing {cls.plural}", total=len(entities))
    with text_writer(out) as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow([marker(cls)])
        writer.writerow(columns(cls))
        for entity in entities:
            writer.writerow([neutralise(cell_as_text(c)) for c in cells(entity)])
            progress.advance()
    return len(entities)


def write_xlsx(
    repository: Repository, classes: Sequence[type[Entity]], out: BinaryIO, progress: Progress
) -> int:
    """One sheet per kind, named after its plural; empty kinds give empty template sheets."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Every cell is checked before the workbook exists: a write-only workbook left half-written
    # by an error cannot be closed cleanly (its sheet writers complain when collected).
    batches = [(cls, entities_of(repository, cls)) for cls in classes]
    for cls, entities in batches:
        for entity in entities:
            for name, value in zip(columns(cls), cells(entity), strict=True):
                _xlsx_value(value, entity, name)
    workbook = Workbook(write_only=True)
    total = 0
    bold = Font(bold=True)
    for cls, entities in batches:
        progress.phase(f"writing {cls.plural}", total=len(entities))
        sheet: Any = workbook.create_sheet(cls.plural)
        sheet.freeze_panes = "B3"
        for position, name in enumerate(columns(cls), start=1):
            sheet.column_dimensions[get_column_letter(position)].width = _WIDTHS.get(name, 18)
        sheet.append([marker(cls)])
        header = []
        for name in columns(cls):
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for entity in entities:
            row = []
            for name, value in zip(columns(cls), cells(entity), strict=True):
                cell = WriteOnlyCell(sheet, value=_xlsx_value(value, entity, name))
                if isinstance(value, str):
                    cell.data_type = "s"  # text, even when it starts with '='
                row.append(cell)
            sheet.append(row)
            progress.advance()
        total += len(entities)
    workbook.save(out)
    return total


def _xlsx_value(value: Cell, entity: Entity, column: str) -> Cell:
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_TEXT or _NOT_IN_WORKSHEETS.search(value):
        raise UserError(
            f"{entity.id}, {column}: the text cannot go in an XLSX cell (more than "
            f"{MAX_CELL_TEXT} characters, or control characters); export CSV or RDF instead"
        )
    return value
