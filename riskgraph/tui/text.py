"""Strings from users and models are data: this module turns them into Rich ``Text`` for the
widgets, never into markup.

Textual reads a plain ``str`` as content markup in most places (``Static``, ``Label``, table
cells, options, tree labels, tooltips, notifications): ``[/bold]`` in a title would raise, and
``[link=...]`` would make a link. Every widget of the TUI that shows a register value, a query
result, a file name or a message built from them goes through ``plain`` (or ``cell``), or sets
``markup=False``.

Control characters (escape sequences, bell, backspace, carriage return...) would reach the
terminal or shift what is drawn, so they are shown as their visible Unicode symbols (``␛`` for
escape): the user sees that the value holds one.
"""

from __future__ import annotations

from rich.console import OverflowMethod
from rich.text import Text

_C0 = {code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"}
_CONTROLS = {**_C0, 0x7F: "\u2421"} | {code: "\ufffd" for code in range(0x80, 0xA0)}


def visible(value: str) -> str:
    """``value`` with each control character (but newline and tab) replaced by a visible
    symbol."""
    return value.translate(_CONTROLS)


def plain(value: object, style: str = "") -> Text:
    """``value`` as text shown as it is: no markup, control characters made visible."""
    return Text(visible("" if value is None else str(value)), style=style)


def cell(value: object, style: str = "", *, overflow: OverflowMethod = "fold") -> Text:
    """A table cell: like ``plain``, on one line (line breaks shown as ``⏎``)."""
    text = visible(("" if value is None else str(value)).replace("\r\n", "\n"))
    line = text.replace("\n", " ⏎ ").replace("\t", " ")
    return Text(line, style=style, no_wrap=True, overflow=overflow)


_MARKDOWN_SPECIAL = set("\\`*_{}[]<>()#+-.!|~")


def markdown_literal(value: str) -> str:
    """``value`` for a Markdown document, shown as it is: every character Markdown gives a
    meaning to is escaped with a backslash."""
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in visible(value))
