"""Writers stream: memory stays flat however many rows go through."""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from riskgraph.results import write_result
from riskgraph.store.base import SelectResult, Term

VARIABLES = ["risk", "title", "level", "note"]
INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


class DiscardingSink(io.RawIOBase):
    """Counts the bytes written and keeps none of them."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        return len(data)


def _template(number: int) -> dict[str, Term | None]:
    return {
        "risk": ox.NamedNode(f"https://riskgraph.example/register/R-{number:06d}"),
        "title": ox.Literal(f"Risk {number}, with a comma", language="en"),
        "level": ox.Literal(str(number % 7), datatype=INTEGER),
        "note": None if number % 3 else ox.Literal(f"note {number}\twith a tab"),
    }


_TEMPLATES = [_template(number) for number in range(997)]
_SIZES = [sum(len(t.value) for t in row.values() if t is not None) for row in _TEMPLATES]


class GeneratedRows:
    """``count`` rows made on demand (a fresh dict each, cycling through prepared terms so the
    test spends its time writing); ``data_size`` adds up the lengths of their values."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.data_size = sum(_SIZES[n % len(_SIZES)] for n in range(count))

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        for number in range(self.count):
            yield dict(_TEMPLATES[number % len(_TEMPLATES)])


def peak_while_writing(format_name: str, rows: GeneratedRows) -> tuple[int, int]:
    """(rows written, peak traced memory in bytes) for one export."""
    write_result(SelectResult(VARIABLES, iter(GeneratedRows(5))), format_name, DiscardingSink())
    tracemalloc.start()
    try:
        written = write_result(SelectResult(VARIABLES, iter(rows)), format_name, DiscardingSink())
        return written, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# CSV takes the full 200k rows; the other writers share its streaming structure and run fewer
# rows to keep the suite quick (tracemalloc slows Python down about threefold).
@pytest.mark.parametrize(
    ("format_name", "row_count"),
    [
        ("csv", 200_000),
        ("tsv", 10_000),
        ("json", 10_000),
        ("xml", 10_000),
        ("ndjson", 10_000),
        ("markdown", 10_000),
    ],
)
def test_text_formats_use_flat_memory(format_name: str, row_count: int) -> None:
    rows = GeneratedRows(row_count)
    written, peak = peak_while_writing(format_name, rows)
    assert written == row_count
    # Holding the rows would take several times their data size; streaming needs a few
    # buffers' worth whatever the row count.
    assert peak < 256 * 1024, f"{format_name}: peak {peak} bytes"
    assert peak * 5 < rows.data_size


def test_xlsx_memory_does_not_grow_with_rows() -> None:
    # openpyxl is slow, so compare a small and a five times larger export instead.
    _, small = peak_while_writing("xlsx", GeneratedRows(500))
    written, large = peak_while_writing("xlsx", GeneratedRows(2_500))
    assert written == 2_500
    assert large < small * 1.25 + 64 * 1024, f"peak {small} -> {large} bytes"
