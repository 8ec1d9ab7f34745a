"""Read a CSV file or XLSX sheet through a mapping file (see ``mapping``)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from riskgraph.errors import InputError, Location
from riskgraph.io.formats import DataFormat
from riskgraph.io.mapping import ROW_PLACEHOLDER, FieldRule, Mapping, placeholders
from riskgraph.io.records import Defaults, ReadResult, Take, validate_record
from riskgraph.io.tables import Sheet, open_workbook, read_csv, xlsx_sheet
from riskgraph.io.template import LIST_SEPARATOR, list_fields
from riskgraph.model.entities import Risk
from riskgraph.progress import Progress

_NOT_IN_IDS = re.compile(r"[^A-Za-z0-9_.\-]+")


def read_mapped(
    path: Path,
    fmt: DataFormat,
    mapping: Mapping,
    defaults: Defaults,
    progress: Progress,
    take: Take | None = None,
) -> ReadResult:
    if fmt is DataFormat.CSV:
        sheet = read_csv(path, progress, encoding=mapping.encoding, delimiter=mapping.delimiter)
        return _read_sheet(sheet, mapping, defaults, take)
    with open_workbook(path) as workbook:
        sheet = xlsx_sheet(workbook, path, mapping.sheet, progress)
        return _read_sheet(sheet, mapping, defaults, take)


def _key(text: str) -> str:
    """Column names and mapped values match ignoring case and runs of white space."""
    return " ".join(text.split()).casefold()


def _header_index(sheet: Sheet, mapping: Mapping) -> int:
    """Index in the preview of the header row: the one given, or the first with every column."""
    wanted = {_key(c) for c in mapping.columns}

    def missing(cells: list[str]) -> set[str]:
        return wanted - {_key(c) for c in cells}

    if mapping.header_row == "auto":
        index = sheet.find_header(lambda cells: not missing(cells))
        if index is not None:
            return index
        closest = min(sheet.preview, key=lambda row: len(missing(row[1])), default=(0, []))
        where = f"the first {len(sheet.preview)} rows"
    else:
        for index, row in enumerate(sheet.preview):
            if row[0] == mapping.header_row and not missing(row[1]):
                return index
        closest = next((r for r in sheet.preview if r[0] == mapping.header_row), (0, []))
        where = f"row {mapping.header_row}"
    lacking = missing(closest[1])
    shown = ", ".join(repr(c) for c in mapping.columns if _key(c) in lacking)
    raise InputError(
        f"no header row with every mapped column in {where}; missing {shown}",
        location=Location(sheet.label),
        expected="the column names the mapping file uses (check spelling, or set header_row)",
    )


@dataclass
class _Rule:
    """A field rule bound to the header's column positions."""

    field: str
    rule: FieldRule
    many: bool
    positions: dict[str, int]
    mapped: dict[str, object] | None

    def raw(self, cells: list[str], row: int) -> tuple[object, str, int]:
        """(value or None, the column(s) it came from, which template was used)."""
        if self.rule.value is not None:
            return self.rule.value, "(constant in the mapping)", 0
        if self.rule.column is not None:
            names = self.rule.columns
            for name in names:
                text = _cell(cells, self.positions[_key(name)])
                if text:
                    return text, name, 0
            return None, names[0], 0
        for number, template in enumerate(self.rule.templates):
            filled = self._fill(template, cells, row)
            if filled is not None:
                return filled, _template_columns(template), number
        return None, _template_columns(self.rule.templates[0]), 0

    def _fill(self, template: str, cells: list[str], row: int) -> str | None:
        text = template
        for name in placeholders(template):
            if name == ROW_PLACEHOLDER and _key(name) not in self.positions:
                value = str(row)
            else:
                value = _cell(cells, self.positions[_key(name)])
            if not value:
                return None
            text = text.replace("{" + name + "}", value)
        return text


def _template_columns(template: str) -> str:
    names = [n for n in placeholders(template) if n != ROW_PLACEHOLDER]
    return ", ".join(names) or template


def _cell(cells: list[str], position: int) -> str:
    return cells[position] if position < len(cells) else ""


def _slug(text: str) -> str:
    return _NOT_IN_IDS.sub("-", text).strip("-")


def _read_sheet(
    sheet: Sheet, mapping: Mapping, defaults: Defaults, take: Take | None
) -> ReadResult:
    cls = mapping.target
    result = ReadResult(sheet.label, take=take)
    index = _header_index(sheet, mapping)
    header = sheet.preview[index][1]
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(_key(name), position)
    many = list_fields(cls)
    rules = [
        _Rule(
            name,
            rule,
            name in many,
            positions,
            {_key(str(k)): v for k, v in rule.map.items()} if rule.map is not None else None,
        )
        for name, rule in mapping.fields.items()
    ]
    include = {positions[_key(c)]: set(values) for c, values in mapping.include.items()}
    fallbacks: Counter[str] = Counter()
    shared_labels: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}

    def included(cells: list[str]) -> bool:
        return all(_cell(cells, p) in ok for p, ok in include.items())

    for record, number, cells, where in result.data_rows(sheet, index, included):
        data: dict[str, object] = {}
        labels: dict[str, str] = {}
        failed: set[str] = set()
        for rule in rules:
            value, label, used = rule.raw(cells, number)
            labels[rule.field] = label
            if used:
                fallbacks[f"{rule.field} from template {rule.rule.templates[used]!r}"] += 1
            converted = _convert(rule, value, where, label, result, record)
            if converted is _FAILED:
                failed.add(rule.field)
                continue
            if _blank(converted) and rule.rule.default is not None:
                converted = _convert(
                    rule, rule.rule.default, where, label, result, record, use_map=False
                )
            if not _blank(converted):
                data[rule.field] = converted
        if cls is Risk and "matrix" not in data:
            data["matrix"] = defaults.matrix
        labels = shared_labels.setdefault(tuple(labels.items()), labels)  # one per layout
        validate_record(
            cls,
            data,
            record=record,
            where=where,
            column_of=labels.get,
            result=result,
            known_bad=failed,
        )
    for what, count in fallbacks.items():
        result.notes.append(f"{count} row(s) took {what}")
    return result


_FAILED = object()


def _blank(value: object) -> bool:
    return value is None or value == "" or value == []


def _convert(
    rule: _Rule,
    value: object,
    where: Location,
    label: str,
    result: ReadResult,
    record: int,
    *,
    use_map: bool = True,
) -> object:
    """Split, map and slug one raw value; a value missing from the map is a row problem.
    Defaults are target values: they skip the map (``use_map=False``)."""
    items: list[object]
    if value is None:
        return None
    if isinstance(value, list):
        items = list(value)
    elif rule.many and isinstance(value, str):
        items = [v.strip() for v in value.split(rule.rule.split or LIST_SEPARATOR) if v.strip()]
    else:
        items = [value]
    out: list[object] = []
    for item in items:
        if use_map and rule.rule.pattern is not None and isinstance(item, str):
            if re.search(rule.rule.pattern, item) is None:
                if rule.rule.unmapped == "error":
                    result.problems.add(
                        record,
                        InputError(
                            f"the value does not match the mapping's pattern for {rule.field}",
                            location=Location(where.file, row=where.row, column=label),
                            value=item,
                            expected=f"a value matching {rule.rule.pattern!r}",
                        ),
                    )
                    return _FAILED
                if rule.rule.unmapped == "blank":
                    continue
            elif rule.rule.replace is not None:
                item = re.sub(rule.rule.pattern, rule.rule.replace, item)
        if use_map and rule.mapped is not None and isinstance(item, str):
            key = _key(item)
            if key in rule.mapped:
                item = rule.mapped[key]
            elif rule.rule.unmapped == "blank":
                item = None
            elif rule.rule.unmapped == "error":
                result.problems.add(
                    record,
                    InputError(
                        f"the value is not in the mapping's value map for {rule.field}",
                        location=Location(where.file, row=where.row, column=label),
                        value=item,
                        expected="one of " + ", ".join(repr(k) for k in rule.rule.map or {}),
                    ),
                )
                return _FAILED
        if item is None:
            continue
        if rule.rule.slug and isinstance(item, str):
            item = _slug(item)
        out.append(item)
    if rule.many or len(out) > 1:
        return out
    return out[0] if out else None
