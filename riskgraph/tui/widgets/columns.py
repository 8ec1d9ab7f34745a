"""Column widths for tables, computed from the rows themselves.

DataTable sizes its "auto" columns later, when it is idle; a table filled and drawn in between
shows every column at the width of its header for a moment. Fixed widths, worked out as the
rows are put in, make the table right from the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len

from riskgraph.tui.text import cell


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, cap: int = 60
) -> list[int]:
    """The width of each column: its longest cell or header (on one line), at most ``cap``."""
    widths = [cell_len(header) for header in headers]
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], cell_len(cell(value).plain))
    return [min(width, cap) for width in widths]


CELL_PADDING = 2
"""What DataTable adds to each column (one space either side)."""


def fit_columns(
    headers: Sequence[str],
    widths: Sequence[int],
    available: int,
    *,
    flexible: frozenset[str],
    optional: Sequence[str] = (),
    min_flexible: int = 10,
    comfortable: int = 32,
) -> list[tuple[int, int]]:
    """Which columns to show and how wide, for a table ``available`` cells wide.

    Every column that is neither flexible nor optional always shows at its own width: these are
    the columns users sort and filter by (IDs, levels, owners, dates, systems). The flexible
    columns (titles) take what is left, down to ``min_flexible``, and are cut with an ellipsis.
    Optional columns show, in the order given, only while the flexible ones keep at least
    ``comfortable`` cells (or their whole text). Returns (column index, width) in table order.
    """
    chosen = [i for i, h in enumerate(headers) if h not in optional]
    fixed = sum(widths[i] + CELL_PADDING for i in chosen if headers[i] not in flexible)
    flex = [i for i in chosen if headers[i] in flexible]
    natural = sum(widths[i] for i in flex)
    room = available - fixed - CELL_PADDING * len(flex)
    wanted = min(natural, comfortable * len(flex))
    for name in optional:
        if name not in headers:
            continue
        index = headers.index(name)
        cost = widths[index] + CELL_PADDING
        if room - cost >= wanted:
            chosen.append(index)
            room -= cost
    chosen.sort()
    share = max(min_flexible, room // len(flex)) if flex else 0
    return [(i, min(widths[i], share) if i in flex else widths[i]) for i in chosen]
