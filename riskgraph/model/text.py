"""The one rule for text in a register: which characters it may not hold. Imports, the write
pipeline (every face's add and edit) and exports all ask this module."""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters text in a register may not hold: C0 controls but tab, line feed and carriage
return, DEL, lone surrogates and the non-characters U+FFFE/U+FFFF. XML (so XLSX) cannot hold
most of them, and none of them is meant as text."""
CONTROL_EXPECTED = "text without control characters (tab and line breaks are fine)"


def control_character(text: str) -> str | None:
    """The first forbidden character of ``text`` as a U+ code, or None when there is none."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None
