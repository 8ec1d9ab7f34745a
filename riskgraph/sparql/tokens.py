"""A SPARQL tokenizer that is good enough to find keywords safely.

It follows the lexical rules of SPARQL 1.1 (section 19.8) for the tokens that can hide a keyword
from a naive search: comments, string literals in all four quote forms, IRIs, prefixed names,
variables, blank node labels, language tags and numbers. Everything else comes out as single
punctuation characters, and a run of word characters outside those tokens comes out as a WORD,
which is where keywords live.

``<`` is ambiguous in SPARQL: it opens an IRI, or it is the less-than operator inside an
expression. The real parser knows from the grammar; this tokenizer uses the one rule that decides
it: inside parentheses, a ``<`` that follows an operand (a variable, literal, IRI, prefixed name,
``)`` ...) is less-than, anything else opens an IRI. When it guesses "less-than" for what is in
fact an IRI (an IRI after a term in a collection ``( 1 <x> )``), the IRI's text is read as code:
that can only make the keyword check stricter, never blind it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    WORD = "word"
    PNAME = "prefixed name"
    VAR = "variable"
    IRI = "IRI"
    STRING = "string"
    NUMBER = "number"
    LANGTAG = "language tag"
    BNODE = "blank node"
    PUNCT = "punctuation"


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    offset: int
    line: int
    column: int


_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F\u2040]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"[^\W\d_](?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?"
_PN_LOCAL = rf"(?:[\w:]|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"

_SKIPPED = re.compile(r"\s+|#[^\n\r]*")
_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (Kind.STRING, re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL)),
    (Kind.STRING, re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL)),
    (Kind.STRING, re.compile(r'"(?:[^"\\\n\r]|\\.)*"')),
    (Kind.STRING, re.compile(r"'(?:[^'\\\n\r]|\\.)*'")),
    (Kind.VAR, re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+")),
    (Kind.BNODE, re.compile(rf"_:[\w](?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?")),
    (Kind.LANGTAG, re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")),
    (
        Kind.NUMBER,
        re.compile(r"\d+\.\d*[eE][+-]?\d+|\.?\d+[eE][+-]?\d+|\d*\.\d+|\d+"),
    ),
    (Kind.PNAME, re.compile(rf"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?")),
    (Kind.WORD, re.compile(r"\w+")),
)
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")

_OPERAND_KINDS = {
    Kind.VAR,
    Kind.IRI,
    Kind.STRING,
    Kind.NUMBER,
    Kind.LANGTAG,
    Kind.BNODE,
    Kind.PNAME,
}
_OPERAND_WORDS = {"TRUE", "FALSE"}
_CLOSING = {")": "(", "]": "[", "}": "{"}


def _ends_operand(token: Token | None) -> bool:
    if token is None:
        return False
    if token.kind in _OPERAND_KINDS:
        return True
    if token.kind is Kind.WORD:
        return token.text.upper() in _OPERAND_WORDS
    return token.text in (")", "]")


class _Lines:
    """Offset -> (line, column), both counted from 1."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1


def tokenize(text: str) -> Iterator[Token]:
    """The significant tokens of ``text``: comments and whitespace are dropped."""
    lines = _Lines(text)
    brackets: list[str] = []
    previous: Token | None = None
    pos = 0
    while pos < len(text):
        if skipped := _SKIPPED.match(text, pos):
            pos = skipped.end()
            continue
        kind, end = _next_token(text, pos, brackets, previous)
        line, column = lines.at(pos)
        token = Token(kind, text[pos:end], pos, line, column)
        if kind is Kind.PUNCT:
            _track_brackets(token.text, brackets)
        yield token
        previous = token
        pos = end


def _next_token(
    text: str, pos: int, brackets: list[str], previous: Token | None
) -> tuple[Kind, int]:
    if text[pos] == "<":
        less_than = bool(brackets) and brackets[-1] == "(" and _ends_operand(previous)
        if not less_than and (iri := _IRI.match(text, pos)):
            return Kind.IRI, iri.end()
        return Kind.PUNCT, pos + 1
    for kind, pattern in _RULES:
        if match := pattern.match(text, pos):
            return kind, match.end()
    return Kind.PUNCT, pos + 1


def _track_brackets(char: str, brackets: list[str]) -> None:
    if char in "({[":
        brackets.append(char)
    elif char in _CLOSING and brackets:
        brackets.pop()


def token_depth(tokens: Iterable[Token], limit: int) -> tuple[int, Token | None]:
    """How deep ``{``, ``(`` and ``[`` nest among ``tokens`` (so brackets inside strings, IRIs
    and comments do not count). Stops at the first bracket that goes deeper than ``limit`` and
    returns it with its depth; otherwise returns the deepest nesting and None."""
    depth = deepest = 0
    for token in tokens:
        if token.kind is not Kind.PUNCT:
            continue
        if token.text in "{([":
            depth += 1
            if depth > limit:
                return depth, token
            deepest = max(deepest, depth)
        elif token.text in "})]":
            depth = max(depth - 1, 0)
    return deepest, None
