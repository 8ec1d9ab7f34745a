"""How one RDF term is written in each family of formats."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from riskgraph.store.base import Term
from riskgraph.vocab import XSD

AnyTerm = Term | ox.Triple
"""A term as it can appear in results, RDF 1.2 triple terms included."""

XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_DECIMAL = XSD + "decimal"
_XSD_FLOATS = frozenset({XSD + "double", XSD + "float"})
_XSD_INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_INTEGER_LEXICAL = re.compile(r"[+-]?[0-9]+")
_DECIMAL_LEXICAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DOUBLE_LEXICAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")

# N-Triples string escapes; the other control characters become \uXXXX. Escaping the tab
# keeps terms usable inside tab-separated text.
_STRING_ESCAPES: dict[int, str] = {code: f"\\u{code:04X}" for code in (*range(0x20), 0x7F)}
_STRING_ESCAPES.update(
    {
        ord("\t"): "\\t",
        ord("\b"): "\\b",
        ord("\n"): "\\n",
        ord("\r"): "\\r",
        ord("\f"): "\\f",
        ord('"'): '\\"',
        ord("\\"): "\\\\",
    }
)
_NEEDS_ESCAPE = re.compile('[\x00-\x1f"\\\\\x7f]').search


def ntriples(term: AnyTerm) -> str:
    """The term in N-Triples syntax (also valid Turtle and SPARQL), with tabs escaped."""
    if isinstance(term, ox.Triple):
        parts = (term.subject, term.predicate, term.object)
        return "<<( " + " ".join(ntriples(part) for part in parts) + " )>>"
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    value = term.value
    quoted = '"' + (value.translate(_STRING_ESCAPES) if _NEEDS_ESCAPE(value) else value) + '"'
    if term.language:
        direction = f"--{term.direction}" if term.direction is not None else ""
        return f"{quoted}@{term.language}{direction}"
    if term.datatype.value == XSD_STRING:
        return quoted
    return f"{quoted}^^<{term.datatype.value}>"


def plain(term: Term | None) -> str:
    """The term as a bare string (SPARQL CSV): IRI, lexical form or ``_:label``; unbound is ''."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def compact(term: AnyTerm | None, prefixes: Mapping[str, str]) -> str:
    """The term for people to read: prefixed names where a prefix fits, else like ``plain``."""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value, prefixes)
    if isinstance(term, ox.Triple):
        parts = (term.subject, term.predicate, term.object)
        return "<<( " + " ".join(compact(part, prefixes) for part in parts) + " )>>"
    return plain(term)


_LOCAL_NAME = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")


def compact_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    """``prefix:local`` using the longest matching namespace, or the IRI itself."""
    best: tuple[str, str] | None = None
    for prefix, namespace in prefixes.items():
        if not iri.startswith(namespace):
            continue
        local = iri[len(namespace) :]
        if local and not _LOCAL_NAME.fullmatch(local):
            continue
        if best is None or len(local) < len(best[1]):
            best = (prefix, local)
    return iri if best is None else f"{best[0]}:{best[1]}"


SimpleValue = str | int | float | bool | None


def simple_value(term: Term | None) -> SimpleValue:
    """The term as a plain value: booleans and numbers native, everything else as a string.

    Numbers become native only when nothing is lost: well-formed lexical forms, finite doubles,
    and decimals that a float holds exactly. Otherwise the lexical form is kept.
    """
    if term is None:
        return None
    if not isinstance(term, ox.Literal):
        return plain(term)
    lexical, datatype = term.value, term.datatype.value
    if datatype == XSD_BOOLEAN and lexical in ("true", "false", "1", "0"):
        return lexical in ("true", "1")
    if datatype in _XSD_INTEGERS and _INTEGER_LEXICAL.fullmatch(lexical):
        return int(lexical)
    if datatype in _XSD_FLOATS and _DOUBLE_LEXICAL.fullmatch(lexical):
        number = float(lexical)
        return number if math.isfinite(number) else lexical
    if datatype == XSD_DECIMAL and _DECIMAL_LEXICAL.fullmatch(lexical):
        return _exact_float(lexical)
    return lexical


def _exact_float(lexical: str) -> float | str:
    try:
        exact = Decimal(lexical)
    except InvalidOperation:
        return lexical
    number = float(exact)
    return number if Decimal(repr(number)) == exact else lexical
