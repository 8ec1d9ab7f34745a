"""Text stays text in a spreadsheet: CSV cells that a spreadsheet would run as a formula.

Excel, LibreOffice Calc and Google Sheets read a CSV cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(...)``), and a tab or a
carriage return at the start can hide one. Following OWASP's guidance on CSV injection, every
CSV that riskgraph writes for people puts a single quote before such a cell; the quote tells
the spreadsheet "this is text" and is not shown. The check looks past leading whitespace and
quote characters too (``  =1+1``, ``"=1+1``), which some spreadsheets skip before deciding.
A plain number (``-3``, ``+2.5e3``) is not a formula and is left alone.

``restore`` undoes ``neutralise`` exactly, so an exported CSV imports to the same values: a
cell is changed only when it starts with the quote and the rest would itself be neutralised,
which is also how a value that really starts with a quote survives (``'=x`` is written ``''=x``).

The TSV for people (``tsv``) puts the same quote inside a literal's quotes (``"'=1+1"``). The
exact SPARQL 1.1 CSV and TSV (``sparql_csv``, ``sparql_tsv``) write every value as it is, for
programs.
"""

from __future__ import annotations

import re

MARKER = "'"
"""Put before a cell that a spreadsheet would read as a formula."""

TRIGGERS = frozenset("=+-@\t\r")
"""A cell starting with one of these is read as a formula (tab and CR: by some spreadsheets)."""

_SKIPPED = " \n'\""
"""Leading characters some spreadsheets skip before they look for a formula. None of them is a
trigger, so a quote put before a cell never changes what the rest of it is read as."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula."""
    rest = text.lstrip(_SKIPPED)
    return bool(rest) and rest[0] in TRIGGERS and _NUMBER.fullmatch(rest) is None


def neutralise(text: str) -> str:
    """The cell as a spreadsheet will show it as text: ``=1+1`` becomes ``'=1+1``."""
    return MARKER + text if is_formula_like(text) else text


def restore(text: str) -> str:
    """The value ``neutralise`` was given: ``'=1+1`` becomes ``=1+1``; other text is kept."""
    if text.startswith(MARKER) and is_formula_like(text[1:]):
        return text[1:]
    return text
