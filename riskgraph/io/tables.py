"""Rows of CSV files and XLSX sheets as stripped text cells, and finding the header row."""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any

from riskgraph.errors import InputError, Location
from riskgraph.progress import CountingReader, Progress
from riskgraph.results.formulas import restore

HEADER_SEARCH_ROWS = 20
"""The header may sit below banner rows; it is looked for in this many rows."""

Row = tuple[int, list[str]]
"""A row number (1-based, as a spreadsheet shows it) and its cells."""

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class Sheet:
    """The rows of one CSV file or XLSX sheet; the first rows are kept to find the header."""

    file: str
    name: str | None
    preview: list[Row]
    rest: Iterator[Row]

    @classmethod
    def of(cls, file: str, name: str | None, rows: Iterator[Row]) -> Sheet:
        return cls(file, name, list(islice(rows, HEADER_SEARCH_ROWS)), rows)

    @property
    def label(self) -> str:
        """File (and sheet) for error messages."""
        return f"{self.file} (sheet {self.name!r})" if self.name else self.file

    def where(self, row: int) -> Location:
        return Location(file=self.label, row=row)

    def find_header(self, is_header: Callable[[list[str]], bool]) -> int | None:
        """Index in ``preview`` of the first row that ``is_header`` accepts."""
        return next((i for i, (_, cells) in enumerate(self.preview) if is_header(cells)), None)

    def rows_after(self, index: int) -> Iterator[Row]:
        yield from self.preview[index + 1 :]
        yield from self.rest


def cell_text(value: Any) -> str:
    """An XLSX cell as the text a CSV would hold: integral numbers lose '.0', dates are ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_csv(
    path: Path, progress: Progress, *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Sheet:
    """The rows of a CSV file; a file that is not text in ``encoding`` is an InputError."""
    file = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", location=Location(file)) from None
    progress.phase(f"reading {path.name}", total=path.stat().st_size)
    text = io.TextIOWrapper(
        io.BufferedReader(CountingReader(handle, progress)), encoding=encoding, newline=""
    )
    return Sheet.of(file, None, _csv_rows(text, file, encoding, delimiter))


def _csv_rows(text: io.TextIOWrapper, file: str, encoding: str, delimiter: str) -> Iterator[Row]:
    number = 0
    try:
        for number, cells in enumerate(csv.reader(text, delimiter=delimiter), start=1):
            yield number, [restore(c).strip() for c in cells]
    except UnicodeError:  # UnicodeDecodeError, or e.g. UTF-16 without a byte-order mark
        raise InputError(
            f"the file is not {encoding} text",
            location=Location(file, row=number + 1),
            expected="a CSV file saved as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from None
    except csv.Error as exc:
        raise InputError(f"not valid CSV: {exc}", location=Location(file, row=number + 1)) from None
    finally:
        text.close()


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """An XLSX workbook in read-only mode (cells as values, not formulas)."""
    workbook = _open_workbook(path)
    try:
        yield workbook
    finally:
        workbook.close()


def xlsx_sheet(workbook: Any, path: Path, name: str | None, progress: Progress) -> Sheet:
    """The rows of one sheet (default: the first) of an open workbook."""
    name = name if name is not None else workbook.sheetnames[0]
    if name not in workbook.sheetnames:
        raise InputError(
            "the workbook has no such sheet",
            location=Location(str(path)),
            value=name,
            expected="one of " + ", ".join(repr(s) for s in workbook.sheetnames),
        )
    worksheet = workbook[name]
    progress.phase(f"reading {path.name}, sheet {name}", total=worksheet.max_row)

    def rows() -> Iterator[Row]:
        number = 0
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                progress.advance()
                yield number, [cell_text(v) for v in values]
        except _BROKEN_WORKBOOK as exc:
            raise InputError(
                f"the sheet cannot be read: {exc}", location=Location(str(path), row=number + 1)
            ) from None

    return Sheet.of(str(path), name, rows())


_BROKEN_WORKBOOK = (zipfile.BadZipFile, SyntaxError, KeyError, ValueError, OSError, EOFError)
"""What openpyxl raises on a damaged or non-XLSX file (XML parse errors are SyntaxErrors)."""


def _open_workbook(path: Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_BROKEN_WORKBOOK) as exc:
        raise InputError(
            f"cannot open the workbook: {exc}",
            location=Location(str(path)),
            expected="an .xlsx workbook saved by Excel, LibreOffice or riskgraph",
        ) from None
