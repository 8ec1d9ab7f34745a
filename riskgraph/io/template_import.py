"""Read CSV files and XLSX workbooks laid out as riskgraph's template (see ``template``)."""

from __future__ import annotations

import csv
from itertools import islice
from pathlib import Path

from riskgraph.errors import InputError, Location, UserError
from riskgraph.io.records import Defaults, ReadResult, Take, validate_record
from riskgraph.io.tables import HEADER_SEARCH_ROWS, Sheet, open_workbook, read_csv, xlsx_sheet
from riskgraph.io.template import (
    TEMPLATE_VERSION,
    columns,
    kind_named,
    kind_names,
    list_fields,
    normalise_header,
    parse_marker,
    required_fields,
    split_list,
)
from riskgraph.model.entities import ENTITY_TYPES, Entity, Risk
from riskgraph.progress import Progress


def read_template_csv(
    path: Path, kind: str | None, defaults: Defaults, progress: Progress, take: Take | None = None
) -> ReadResult:
    """One CSV file of one kind: from its marker row, ``kind`` or its header columns."""
    result = ReadResult(str(path), take=take)
    sheet = read_csv(path, progress, delimiter=_delimiter(path))
    cls = _sheet_kind(sheet, kind)
    if cls is None:
        raise InputError(
            "cannot tell which kind of entity the file holds: it has no riskgraph template "
            "marker row and its header columns fit no single kind",
            location=Location(str(path)),
            expected="a first row '# riskgraph template: KIND v1' or a kind given, "
            f"one of {kind_names()}",
        )
    _read_sheet(sheet, cls, defaults, result)
    return result


def _delimiter(path: Path) -> str:
    """',' unless the header only reads with ';' or a tab (spreadsheets saved in some locales)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            head = list(islice(handle, HEADER_SEARCH_ROWS))
    except OSError:
        return ","
    for candidate in (",", ";", "\t"):
        if any(
            {"id", "title"} <= _header_set(row) for row in csv.reader(head, delimiter=candidate)
        ):
            return candidate
    return ","


def read_template_xlsx(
    path: Path, kind: str | None, defaults: Defaults, progress: Progress, take: Take | None = None
) -> ReadResult:
    """Every template sheet of a workbook; sheets that are not templates are skipped (noted)."""
    result = ReadResult(str(path), take=take)
    read_any = False
    with open_workbook(path) as workbook:
        for name in workbook.sheetnames:
            sheet = xlsx_sheet(workbook, path, name, progress)
            if not any(any(cells) for _, cells in sheet.preview):
                continue
            cls = _sheet_kind(sheet, kind)
            if cls is None:
                result.notes.append(f"sheet {name!r} skipped: it is not a riskgraph template sheet")
                continue
            _read_sheet(sheet, cls, defaults, result)
            read_any = True
    if not read_any:
        raise InputError(
            "no sheet of the workbook is a riskgraph template sheet",
            location=Location(str(path)),
            expected="sheets with a marker row '# riskgraph template: KIND v1', sheets named "
            "after a kind (risks, systems, ...), or a mapping file",
        )
    return result


def _sheet_kind(sheet: Sheet, kind: str | None) -> type[Entity] | None:
    """The kind a sheet holds: its marker row, else ``--kind``, else its name or header."""
    marked = _marker_kind(sheet)
    if marked is not None:
        if kind is not None and kind_named(kind) is not marked:
            raise InputError(
                f"the template marker says the sheet holds {marked.plural}, but the kind given "
                f"is {kind}",
                location=Location(sheet.label),
            )
        return marked
    if kind is not None:
        return kind_named(kind)
    if sheet.name is not None:
        named = next((c for c in ENTITY_TYPES if sheet.name.lower() in (c.kind, c.plural)), None)
        if named is not None:
            return named
    return _inferred_kind(sheet)


def _marker_kind(sheet: Sheet) -> type[Entity] | None:
    for number, cells in sheet.preview:
        first = next((c for c in cells if c), "")
        found = parse_marker(first)
        if found is None:
            continue
        name, version = found
        if version > TEMPLATE_VERSION:
            raise InputError(
                f"the sheet is a riskgraph template v{version}, newer than this riskgraph reads",
                location=sheet.where(number),
                expected=f"template v{TEMPLATE_VERSION}; update riskgraph",
            )
        try:
            return kind_named(name)
        except UserError:
            raise InputError(
                "the template marker names an unknown kind",
                location=sheet.where(number),
                value=name,
                expected=f"one of {kind_names()}",
            ) from None
    return None


def _inferred_kind(sheet: Sheet) -> type[Entity] | None:
    """The one kind whose columns include the whole header and whose required fields it has."""
    index = sheet.find_header(lambda cells: {"id", "title"} <= _header_set(cells))
    if index is None:
        return None
    header = _header_set(sheet.preview[index][1])
    fits = [
        cls
        for cls in ENTITY_TYPES
        if header <= set(columns(cls)) and set(required_fields(cls)) <= header
    ]
    return fits[0] if len(fits) == 1 else None


def _header_set(cells: list[str]) -> set[str]:
    return {normalise_header(c) for c in cells if c}


def _read_sheet(sheet: Sheet, cls: type[Entity], defaults: Defaults, result: ReadResult) -> None:
    known = set(columns(cls))
    index = sheet.find_header(
        lambda cells: "id" in _header_set(cells) and len(_header_set(cells) & known) >= 2
    )
    if index is None:
        raise InputError(
            f"no header row found in the first {len(sheet.preview)} rows",
            location=Location(sheet.label),
            expected=f"a row of {cls.kind} columns: {', '.join(columns(cls))}",
        )
    header_row, raw_header = sheet.preview[index]
    fields = _header_fields(sheet, cls, header_row, raw_header)
    labels = {name: raw_header[i] for i, name in enumerate(fields) if name}
    many = list_fields(cls)
    for record, _number, cells, where in result.data_rows(sheet, index):
        data: dict[str, object] = {}
        for position, text in enumerate(cells):
            if not text:
                continue
            name = fields[position] if position < len(fields) else None
            if name is None:
                result.problems.add(
                    record,
                    InputError(
                        f"a value in column {position + 1}, which has no header",
                        location=where,
                        value=text,
                        expected="values only under named columns",
                    ),
                )
                continue
            data[name] = split_list(text) if name in many else text
        if cls is Risk and "matrix" not in data:
            data["matrix"] = defaults.matrix
        validate_record(cls, data, record=record, where=where, column_of=labels.get, result=result)


def _header_fields(sheet: Sheet, cls: type[Entity], row: int, raw: list[str]) -> list[str | None]:
    """The field of each header cell (None for blank cells); unknown or repeated ones fail."""
    known = set(columns(cls))
    fields: list[str | None] = []
    for text in raw:
        name = normalise_header(text) if text else None
        where = Location(sheet.label, row=row, column=text)
        if name is not None and name not in known:
            raise InputError(
                f"the header names a column that is not a field of a {cls.kind}",
                location=where,
                value=text,
                expected=f"columns among {', '.join(columns(cls))} "
                "(use a mapping file to import other layouts)",
            )
        if name is not None and name in fields:
            raise InputError(
                f"column {text!r} appears twice in the header",
                location=where,
                expected="each field in one column",
            )
        fields.append(name)
    missing = [name for name in required_fields(cls) if name not in fields]
    if missing:
        raise InputError(
            f"the header has no column for {', '.join(missing)}, which every {cls.kind} needs",
            location=Location(sheet.label, row=row),
            expected=f"columns among {', '.join(columns(cls))}",
        )
    return fields
