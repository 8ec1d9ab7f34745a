"""Refuse anything but a read-only query, before it reaches the store.

A query may only be SELECT, ASK, CONSTRUCT or DESCRIBE. Update operations (INSERT, DELETE, LOAD,
CLEAR, CREATE, DROP, COPY, MOVE, ADD) and SERVICE (which makes the store call another endpoint,
so could send register data anywhere) are refused wherever they appear. The check reads keywords
from the token stream of ``tokens.tokenize``, so the same words inside a string literal, an IRI,
a prefixed name, a variable name or a comment are not keywords and are allowed; case and comments
between tokens make no difference.
"""

from __future__ import annotations

from riskgraph.errors import InputError, Location
from riskgraph.sparql.tokens import Kind, Token, tokenize

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
)
PROLOGUE_KEYWORDS = frozenset({"BASE", "PREFIX"})
_EXPECTED = "a read-only query: SELECT, ASK, CONSTRUCT or DESCRIBE, without SERVICE"


class UnsafeQueryError(InputError):
    """The text is not a read-only query; nothing was run."""


def check_read_only(sparql: str, origin: str) -> str:
    """Raise ``UnsafeQueryError`` unless ``sparql`` is a read-only query; return its form."""
    tokens = list(tokenize(sparql))
    form = _form_token(tokens, origin)
    for token in tokens:
        if token.kind is not Kind.WORD:
            continue
        word = token.text.upper()
        if word in UPDATE_KEYWORDS:
            raise _unsafe(f"{word} is an update operation; queries here only read", token, origin)
        if word == "SERVICE":
            raise _unsafe(
                "SERVICE (a call to another SPARQL endpoint) is not allowed", token, origin
            )
    return form.text.upper()


def form_token(sparql: str, origin: str) -> Token:
    """The SELECT/ASK/CONSTRUCT/DESCRIBE keyword that starts the query after its prologue."""
    return _form_token(list(tokenize(sparql)), origin)


def _form_token(tokens: list[Token], origin: str) -> Token:
    for token in tokens:
        if token.kind is not Kind.WORD:
            continue
        word = token.text.upper()
        if word in PROLOGUE_KEYWORDS:
            continue
        if word in QUERY_FORMS:
            return token
        if word in UPDATE_KEYWORDS:
            raise _unsafe(f"{word} is an update operation; queries here only read", token, origin)
        raise _unsafe(f"the query starts with {token.text!r}", token, origin)
    raise UnsafeQueryError(
        "there is no query: no SELECT, ASK, CONSTRUCT or DESCRIBE",
        location=Location(file=origin),
        expected=_EXPECTED,
    )


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
