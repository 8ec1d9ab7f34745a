"""The one order of IDs and references, used by every list, table, report and export.

Register IDs (``R-9``, ``SYS-FRAUD``) and ISO/IEC 42001 references (``6.1.2``, ``A.6.2.4``,
``C.3.4``) sort piece by piece: runs of digits by their value, other text as text, and a number
before text at the same place. So ``R-9`` comes before ``R-10``, ``A.6.2.4`` before ``A.6.2.10``,
and the clauses (``4.1`` ... ``10.2``) before Annex A, as in the standard.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"([0-9]+)")

IdKey = tuple[tuple[int, int, str], ...]


def natural_key(text: str) -> IdKey:
    """Sort key of an ID or reference (see the module text); equal only for equal text."""
    pieces = [
        (0, int(piece), piece) if _DIGITS.fullmatch(piece) else (1, 0, piece)
        for piece in _DIGITS.split(text)
        if piece
    ]
    return tuple(pieces)


def sort_ids(ids: list[str]) -> list[str]:
    """``ids`` in ID order."""
    return sorted(ids, key=natural_key)
