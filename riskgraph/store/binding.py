"""Bind query parameters as RDF terms, never as pasted text.

pyoxigraph's ``substitutions`` (SPARQL SEP-0007) only accept variables that a SELECT projects,
so a parameter used only inside the pattern (``?system`` in a COUNT query, say) cannot be bound
that way. Instead the bindings become one row of inline data, ``VALUES (?a ?b) { (<x> "y") }``,
placed first in the query's top-level WHERE group, where it joins with the rest of the pattern.
The terms are written by pyoxigraph's own N-Triples serialiser (IRIs validated, literals escaped),
so a parameter value can never change the shape of the query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

# Tokens to skip while looking for the WHERE group: comments, strings (all four quote forms), IRIs.
_SKIP = re.compile(
    r"""
      \#[^\n]*
    | '''(?:[^'\\]|\\.|'(?!''))*'''
    | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    | '(?:[^'\\\n]|\\.)*'
    | "(?:[^"\\\n]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>
    """,
    re.VERBOSE,
)
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are query syntax (not comments, strings or IRIs)."""
    spans, pos = [], 0
    for match in _SKIP.finditer(text):
        spans.append((pos, match.start()))
        pos = match.end()
    spans.append((pos, len(text)))
    return spans


def where_brace(sparql: str) -> int:
    """Index of the ``{`` that opens the top-level WHERE group."""
    spans = _code_spans(sparql)
    for a, b in spans:
        if m := _FORM.search(sparql, a, b):
            form, start = m.group(1).upper(), m.end()
            break
    else:
        raise ValueError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")
    if form == "CONSTRUCT" and _construct_where_shortcut(sparql, start, spans):
        raise ValueError("parameters need the long form CONSTRUCT { ... } WHERE { ... }")
    braces_to_skip = 1 if form == "CONSTRUCT" else 0
    depth = 0
    for a, b in spans:
        for i in range(max(a, start), b):
            ch = sparql[i]
            if ch == "{":
                if depth == 0 and braces_to_skip == 0:
                    return i
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0 and braces_to_skip:
                    braces_to_skip -= 1
    raise ValueError("the query has no WHERE group")


def _construct_where_shortcut(sparql: str, start: int, spans: list[tuple[int, int]]) -> bool:
    """True for the short form ``CONSTRUCT WHERE { ... }``."""
    for a, b in spans:
        if b <= start:
            continue
        chunk = sparql[max(a, start) : b].lstrip()
        if chunk:
            return chunk[:5].upper() == "WHERE"
    return False


def values_block(bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f" VALUES ({names}) {{ ({terms}) }} "


_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bind(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """The query with ``bindings`` as inline data at the start of its WHERE group."""
    if not bindings:
        return sparql
    for name, term in bindings.items():
        if not _VARIABLE_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid SPARQL variable name")
        if not isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
            raise TypeError(f"binding for ?{name} must be an RDF term, not {type(term).__name__}")
    at = where_brace(sparql) + 1
    return sparql[:at] + values_block(bindings) + sparql[at:]
