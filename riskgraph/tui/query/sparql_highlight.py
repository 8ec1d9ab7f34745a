"""SPARQL syntax highlighting without a tree-sitter grammar (none is packaged for SPARQL).

The core tokenizer (``riskgraph.sparql.tokens``), which the read-only guard already relies on,
splits the text into keywords, variables, IRIs, prefixed names, strings, numbers and
punctuation; comments are what it skips. Each token becomes a highlight in the form Textual's
TextArea keeps them: per line, (start byte, end byte or None for the end of line, style name).
"""

from __future__ import annotations

import re
from collections import defaultdict

from riskgraph.sparql.tokens import Kind, tokenize

Highlight = tuple[int, int | None, str]

_KEYWORDS_TEXT = """
BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED AS ORDER BY
ASC DESC LIMIT OFFSET GROUP HAVING OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND
VALUES UNDEF EXISTS NOT IN A INSERT DELETE DATA WITH USING LOAD CLEAR DROP CREATE ADD
MOVE COPY ALL DEFAULT INTO TO
"""
KEYWORDS = frozenset(_KEYWORDS_TEXT.split())
_FUNCTIONS_TEXT = """
STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN
UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY
HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE
IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE
COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
"""
FUNCTIONS = frozenset(_FUNCTIONS_TEXT.split())
STYLES = {
    Kind.VAR: "variable",
    Kind.IRI: "link.uri",
    Kind.PNAME: "type.builtin",
    Kind.STRING: "string",
    Kind.LANGTAG: "string",
    Kind.NUMBER: "number",
    Kind.BNODE: "variable",
}
_COMMENT = re.compile(r"#[^\n\r]*")


def _word_style(word: str) -> str | None:
    upper = word.upper()
    if upper in KEYWORDS:
        return "keyword"
    if upper in FUNCTIONS:
        return "function"
    if upper in ("TRUE", "FALSE"):
        return "boolean"
    return None


def sparql_highlights(text: str) -> dict[int, list[Highlight]]:
    """Highlights by line number (from 0) for ``text``."""
    spans: list[tuple[int, int, str]] = []
    position = 0
    for token in tokenize(text):
        spans.extend(_comments(text, position, token.offset))
        position = token.offset + len(token.text)
        style = _word_style(token.text) if token.kind is Kind.WORD else STYLES.get(token.kind)
        if style:
            spans.append((token.offset, position, style))
    spans.extend(_comments(text, position, len(text)))
    return _by_line(text, spans)


def _comments(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Comments in a stretch the tokenizer skipped (whitespace and comments only)."""
    return [(m.start(), m.end(), "comment") for m in _COMMENT.finditer(text, start, end)]


def _by_line(text: str, spans: list[tuple[int, int, str]]) -> dict[int, list[Highlight]]:
    """Character spans as per-line byte ranges; a span over several lines is cut at each end."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    lines = text.splitlines()
    result: dict[int, list[Highlight]] = defaultdict(list)
    line = 0
    for start, end, style in sorted(spans):
        while line + 1 < len(starts) and starts[line + 1] <= start:
            line += 1
        current = line
        while True:
            line_start = starts[current]
            line_text = lines[current] if current < len(lines) else ""
            first = _bytes(line_text, start - line_start) if start >= line_start else 0
            line_end = line_start + len(line_text)
            if end <= line_end:
                result[current].append((first, _bytes(line_text, end - line_start), style))
                break
            result[current].append((first, None, style))
            current += 1
            if current >= len(starts):
                break
    return result


def _bytes(line: str, chars: int) -> int:
    return len(line[:chars].encode("utf-8"))
