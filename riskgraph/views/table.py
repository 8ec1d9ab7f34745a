"""A listing as rows of display text, for faces that filter and sort as the user types (the TUI's
browser): rows and columns, facets, filters, and the sort order of ``riskgraph.views.listing``.

A ``Listing`` holds one tab's rows with the facets its filters use (systems, level, status,
owner). ``riskgraph.tui.data.browse`` reads them from the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from riskgraph.ids import natural_key
from riskgraph.views.listing import level_rank, text_key

SortKind = Literal["key", "text", "level", "date", "number"]
Facet = Literal["system", "level", "status", "owner"]

TABS: tuple[tuple[str, str], ...] = (
    ("systems", "Systems"),
    ("components", "Components"),
    ("risks", "Risks"),
    ("controls", "Controls"),
    ("treatments", "Treatments"),
    ("evidence", "Evidence"),
    ("findings", "Findings"),
    ("catalogue", "ISO 42001"),
)
"""Tab name and heading, in the order the browser shows them."""


@dataclass(frozen=True)
class Column:
    name: str
    sort: SortKind = "text"


@dataclass(frozen=True)
class Row:
    iri: str
    cells: tuple[str, ...]
    systems: frozenset[str] = frozenset()
    """IDs of the AI systems the row concerns (for the system filter)."""
    level: str | None = None
    """Current risk level name (for the level filter), e.g. 'high'."""
    status: str | None = None
    owner: str | None = None
    search: str = ""
    """Lower-case text the search box matches."""


@dataclass(frozen=True)
class Listing:
    tab: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    facets: frozenset[Facet]
    owners: dict[str, str] = field(default_factory=dict)
    """Owner ID -> name, for the owner filter's choices."""

    def choices(self, facet: Facet) -> list[str]:
        """The values a filter offers: those that occur in the rows."""
        if facet == "system":
            return sorted({s for row in self.rows for s in row.systems}, key=natural_key)
        if facet == "level":
            found = {row.level for row in self.rows if row.level}
            return sorted(found, key=lambda name: -(level_rank(name) or 0))
        values = {getattr(row, facet) for row in self.rows}
        return sorted((v for v in values if v), key=natural_key)


@dataclass(frozen=True)
class Filters:
    text: str = ""
    system: str | None = None
    level: str | None = None
    status: str | None = None
    owner: str | None = None


def filter_rows(rows: Iterable[Row], filters: Filters) -> list[Row]:
    words = filters.text.lower().split()
    return [
        row
        for row in rows
        if all(word in row.search for word in words)
        and (filters.system is None or filters.system in row.systems)
        and (filters.level is None or row.level == filters.level)
        and (filters.status is None or row.status == filters.status)
        and (filters.owner is None or row.owner == filters.owner)
    ]


def sort_rows(rows: list[Row], columns: tuple[Column, ...], index: int, reverse: bool) -> list[Row]:
    """Rows sorted on one column; empty cells last whichever the direction."""
    kind = columns[index].sort
    filled = [row for row in rows if row.cells[index]]
    empty = [row for row in rows if not row.cells[index]]
    filled.sort(key=lambda row: _sort_key(kind, row.cells[index]), reverse=reverse)
    return filled + empty


def _sort_key(kind: SortKind, text: str) -> tuple[object, ...]:
    """The listing rules (``riskgraph.views.listing``): levels by rank, IDs and text in ID order."""
    if kind == "level":
        return (level_rank(text) or 0,)
    if kind == "number":
        return (int(text) if text.isdigit() else 0,)
    if kind == "key":
        return natural_key(text)
    return text_key(text)
