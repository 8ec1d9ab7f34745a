"""Refuse anything but a read-only query, before it reaches the store.

A query may only be SELECT, ASK, CONSTRUCT or DESCRIBE. Update operations (INSERT, DELETE, LOAD,
CLEAR, CREATE, DROP, COPY, MOVE, ADD) and SERVICE (which makes the store call another endpoint,
so could send register data anywhere, or make a shared server call hosts on its own network) are
refused wherever they appear. Three checks, each enough on its own for the cases it covers:

1. **Nesting.** Brackets may nest at most ``MAX_NESTING`` deep (``tokens.token_depth``), so
   that neither the parser below nor the store's own parser can run out of stack: pyoxigraph
   ends the whole process with a segmentation fault on a query nested a few thousand levels.
2. **Tokens.** Keywords are read from the token stream of ``tokens.tokenize``, so the same words
   inside a string literal, an IRI, a variable name or a comment are not keywords; case and
   comments between tokens make no difference. The store's parser matches keywords without a
   word boundary (``SERVICE:x`` is ``SERVICE :x`` to it, ``SERVICEex:y`` is ``SERVICE ex:y``), so
   a word or a prefixed name that *starts with* SERVICE and opens a group is refused too, and the
   query must start, after its prologue (BASE and PREFIX declarations), with the query form.
   The check runs on the text as written and, when it holds ``\\u``/``\\U`` escapes, once more
   with them expanded (SPARQL allows them anywhere).
3. **Structure.** When the letters "service" occur anywhere in the text (in any case, after
   escapes are expanded), the query is parsed with rdflib's SPARQL grammar and its parse tree is
   searched for a SERVICE pattern at any depth (OPTIONAL, UNION, MINUS, FILTER EXISTS,
   subqueries). A query that rdflib cannot parse is refused then: what cannot be checked does
   not run. When the letters do not occur, no parser can read a SERVICE keyword, so the (slower)
   parse is skipped; queries without the word pay nothing.

Updates cannot be hidden the same way: every read path hands the text to a *query* parser (the
store's ``query``, the endpoint's query operation), which rejects update syntax outright.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from typing import Any

from riskgraph.errors import InputError, Location
from riskgraph.sparql.tokens import Kind, Token, token_depth, tokenize

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
)
PROLOGUE_KEYWORDS = frozenset({"BASE", "PREFIX"})
MAX_NESTING = 100
"""Deepest nesting of ``{``, ``(`` and ``[`` a query may have."""
_EXPECTED = "a read-only query: SELECT, ASK, CONSTRUCT or DESCRIBE, without SERVICE"
_SERVICE = "SERVICE"
_SERVICE_PROBLEM = "SERVICE (a call to another SPARQL endpoint) is not allowed"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_parse_lock = threading.Lock()


class UnsafeQueryError(InputError):
    """The text is not a read-only query; nothing was run."""


def check_read_only(sparql: str, origin: str) -> str:
    """Raise ``UnsafeQueryError`` unless ``sparql`` is a read-only query; return its form."""
    form = ""
    for text in _readings(sparql):
        tokens = list(tokenize(text))
        if not form:  # the text as written: nesting first, before any parser could see it
            _check_depth(tokens, origin)
            form = _form_token(tokens, origin).text.upper()
        _check_tokens(tokens, origin)
    # str.upper() maps every case variant of the ASCII letters (and a few more, like the long
    # s) to ASCII capitals: it can only find the word more often than the store's parser does.
    if any(_SERVICE in text.upper() for text in _readings(sparql)):
        _check_structure(sparql, origin)
    return form


def _check_depth(tokens: Iterable[Token], origin: str) -> None:
    depth, token = token_depth(tokens, MAX_NESTING)
    if token is not None:
        raise UnsafeQueryError(
            f"the query nests brackets {depth} deep or more, deeper than the limit of "
            f"{MAX_NESTING}",
            location=Location(file=origin, line=token.line),
            expected=f"a read-only query with {{ }}, ( ) and [ ] nested at most {MAX_NESTING} deep",
        )


def form_token(sparql: str, origin: str) -> Token:
    """The SELECT/ASK/CONSTRUCT/DESCRIBE keyword that starts the query after its prologue."""
    return _form_token(list(tokenize(sparql)), origin)


def _readings(sparql: str) -> list[str]:
    """The text, and the text with ``\\u`` escapes expanded when it has any."""
    expanded = _ESCAPE.sub(_expand, sparql)
    return [sparql] if expanded == sparql else [sparql, expanded]


def _expand(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def _check_tokens(tokens: list[Token], origin: str) -> None:
    for index, token in enumerate(tokens):
        if token.kind is Kind.WORD:
            word = token.text.upper()
            if word in UPDATE_KEYWORDS:
                raise _unsafe(
                    f"{word} is an update operation; queries here only read", token, origin
                )
            if word.startswith(_SERVICE):
                raise _unsafe(_SERVICE_PROBLEM, token, origin)
        elif token.kind is Kind.PNAME and token.text.upper().startswith(_SERVICE):
            # ``SERVICE:x {`` / ``SERVICEex:y {``: the store reads SERVICE then a name. A name
            # followed by a group is never a triple pattern; after GRAPH it names a graph.
            after = tokens[index + 1].text if index + 1 < len(tokens) else ""
            before = tokens[index - 1].text.upper() if index else ""
            if after == "{" and before != "GRAPH":
                raise _unsafe(_SERVICE_PROBLEM, token, origin)


def _form_token(tokens: list[Token], origin: str) -> Token:
    """Skip the prologue (``BASE <iri>``, ``PREFIX name: <iri>``); the next token is the form."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.text.upper() if token.kind is Kind.WORD else ""
        if word == "BASE" and _kinds(tokens, index + 1, (Kind.IRI,)):
            index += 2
        elif word == "PREFIX" and _kinds(tokens, index + 1, (Kind.PNAME, Kind.IRI)):
            index += 3
        elif word in QUERY_FORMS:
            return token
        elif word in UPDATE_KEYWORDS:
            raise _unsafe(f"{word} is an update operation; queries here only read", token, origin)
        else:
            raise _unsafe(f"the query starts with {token.text!r}", token, origin)
    raise UnsafeQueryError(
        "there is no query: no SELECT, ASK, CONSTRUCT or DESCRIBE",
        location=Location(file=origin),
        expected=_EXPECTED,
    )


def _kinds(tokens: list[Token], start: int, kinds: tuple[Kind, ...]) -> bool:
    window = tokens[start : start + len(kinds)]
    if len(window) != len(kinds):
        return False
    return all(t.kind is k for t, k in zip(window, kinds, strict=True))


def _check_structure(sparql: str, origin: str) -> None:
    """Parse with rdflib and refuse a SERVICE pattern anywhere in the parse tree."""
    problem, line = _structure_problem(sparql)
    if problem:
        raise UnsafeQueryError(
            problem, location=Location(file=origin, line=line), expected=_EXPECTED
        )


@functools.lru_cache(maxsize=256)
def _structure_problem(sparql: str) -> tuple[str, int | None]:
    """('', None) when the parse tree has no SERVICE; else the problem and its line."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        with _parse_lock:  # the grammar objects are shared; parse one query at a time
            tree = parseQuery(sparql)
    except ParseBaseException as exc:
        return (
            "the query mentions SERVICE and could not be parsed to check that it does not "
            f"call another endpoint: {exc.msg} (line {exc.lineno}, column {exc.col})",
            exc.lineno,
        )
    except (RecursionError, ValueError, TypeError, LookupError) as exc:
        return (
            "the query mentions SERVICE and could not be parsed to check that it does not "
            f"call another endpoint ({type(exc).__name__}: {exc})",
            None,
        )
    if _has_service(tree):
        return _SERVICE_PROBLEM, None
    return "", None


def _has_service(tree: Any) -> bool:
    """True when a ServiceGraphPattern is anywhere in rdflib's parse tree (walked without
    recursion)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(list(node))
    return False


def _unsafe(problem: str, token: Token, origin: str) -> UnsafeQueryError:
    return UnsafeQueryError(
        problem,
        location=Location(file=origin, line=token.line),
        value=token.text,
        expected=_EXPECTED,
    )


def has_dataset_clause(sparql: str, origin: str) -> bool:
    """True when the query names its dataset with FROM (which a subquery cannot have)."""
    tokens = list(tokenize(sparql))
    start = _form_token(tokens, origin).offset
    depth = 0
    for token in tokens:
        if token.offset < start:
            continue
        if token.kind is Kind.PUNCT and token.text in "{}":
            depth += 1 if token.text == "{" else -1
        elif token.kind is Kind.WORD and token.text.upper() == "FROM" and depth == 0:
            return True
    return False
