"""How deep a data file nests, measured before a parser sees it.

Parsers recurse: Python's ``json`` and PyYAML's composer raise ``RecursionError`` a few hundred
levels down, and pyoxigraph's JSON-LD parser (native code) ends the whole process with a
segmentation fault a few thousand levels down. Real register data nests a handful of levels, so
a file that nests deeper than ``MAX_DATA_NESTING`` is refused with an error naming the line,
before any parser runs. The scans themselves do not recurse.
"""

from __future__ import annotations

import re

import yaml

from riskgraph.errors import InputError, Location

MAX_DATA_NESTING = 200
"""Deepest nesting of lists and objects a JSON, JSON-LD or YAML file may have."""

_EXPECTED = f"lists and objects nested at most {MAX_DATA_NESTING} deep"
# A string (its brackets do not count; an unterminated one runs to the end) or a bracket.
_JSON_TEXT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_JSON_BYTES = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENS = bytes.maketrans(b"[{]}", b"\x01\x01\x00\x00")


def check_json_nesting(text: str | bytes, file: str, limit: int = MAX_DATA_NESTING) -> None:
    """Raise ``InputError`` when JSON ``text`` nests deeper than ``limit``."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    # Escaped backslashes and quotes go first; then every quote opens or closes a string, and
    # the even pieces between quotes are outside strings. All of it runs at C speed.
    pieces = data.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')
    brackets = b"".join(pieces[::2]).translate(None, _NOT_BRACKETS)
    depth = 0
    for opens in brackets.translate(_OPENS):
        depth = depth + 1 if opens else max(depth - 1, 0)
        if depth > limit:
            raise _too_deep(file, _line_of_depth(text, limit + 1), limit)


def _line_of_depth(text: str | bytes, wanted: int) -> int | None:
    """The line where brackets first reach ``wanted`` levels (the slow scan, for the error)."""
    pattern = _JSON_BYTES if isinstance(text, bytes) else _JSON_TEXT
    depth = 0
    for match in pattern.finditer(text):  # type: ignore[arg-type]
        token = match.group()
        if token in ("[", "{", b"[", b"{"):
            depth += 1
            if depth >= wanted:
                newline = b"\n" if isinstance(text, bytes) else "\n"
                return text.count(newline, 0, match.start()) + 1  # type: ignore[arg-type]
        elif token in ("]", "}", b"]", b"}"):
            depth = max(depth - 1, 0)
    return None


def check_yaml_nesting(text: str, file: str, limit: int = MAX_DATA_NESTING) -> None:
    """Raise ``InputError`` when YAML ``text`` nests deeper than ``limit`` (block or flow
    style). PyYAML's event parser keeps its own stack, so it is safe at any depth; a syntax
    error is left for the real parse to report."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise _too_deep(file, line, limit)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def _too_deep(file: str, line: int | None, limit: int) -> InputError:
    return InputError(
        f"lists and objects nest more than {limit} levels deep",
        location=Location(file, line=line),
        expected=_EXPECTED,
    )


def load_yaml(text: str, file: str, first_line: int = 1) -> object:
    """YAML ``text`` read safely: its nesting checked first, and a syntax error raised as an
    ``InputError`` naming ``file`` and the line (``first_line`` is the line ``text`` starts on
    in the file, for YAML embedded in a larger file)."""
    check_yaml_nesting(text, file)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", location=Location(file, line=line)) from None
