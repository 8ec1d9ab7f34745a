"""Column widths for tables, computed from the rows themselves.

DataTable sizes its "auto" columns later, when it is idle; a table filled and drawn in between
shows every column at the width of its header for a moment. Fixed widths, worked out as the
rows are put in, make the table right from the first frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, cap: int = 60
) -> list[int]:
    """The width of each column: its longest cell or header, at most ``cap``."""
    widths = [cell_len(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], cell_len(cell))
    return [min(width, cap) for width in widths]
