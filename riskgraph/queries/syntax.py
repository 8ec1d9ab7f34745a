"""Query text typed by people: the standard prefixes added, and syntax errors told in words at
the user's own line and column.

Both faces that take typed SPARQL (``riskgraph query run -e`` and the TUI's query console) call
``ad_hoc_query``, so both add the same prefixes and report the same errors.

The standard prefixes (``rg:``, ``dcterms:``, ``skos:`` ... from ``riskgraph.vocab.PREFIXES``)
go at the start of the first line that is not blank or a comment, on that line, so that a
``# param:`` header stays on top and line numbers stay those the user typed; a prefix the user
declares again wins (SPARQL lets a later declaration replace an earlier one).

The store's parser reports errors as ``error at 1:627: expected one of Prefix not found, ['%'],
...``: the column counts the hidden prefix block, and the list names grammar rules. ``explain``
turns this into ``line 1, column 8: expected a variable, an expression in brackets or * after
SELECT, found '%'``. It uses the store's position as a hint and riskgraph's own tokenizer to name
what is wrong: a character SPARQL has no use for, a prefix nobody declared, a string that is not
closed, or else the token where the parser gave up.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pyoxigraph as ox

from riskgraph.errors import InputError, Location
from riskgraph.queries.header import parse_ad_hoc
from riskgraph.queries.model import StoredQuery
from riskgraph.sparql.guard import check_read_only
from riskgraph.sparql.tokens import Kind, Token, tokenize
from riskgraph.vocab import PREFIXES

AD_HOC_ORIGIN = "ad-hoc query"


def prefix_block() -> str:
    """The standard prefixes as one line of declarations (ending in a space)."""
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in PREFIXES.items())


def with_standard_prefixes(text: str) -> str:
    """``text`` with the standard prefixes declared at the start of its first line of SPARQL
    (after any header or comment lines); text with no SPARQL line is returned as it is."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines[index] = prefix_block() + line
            return "".join(lines)
    return text


def ad_hoc_query(text: str, *, origin: str = AD_HOC_ORIGIN) -> StoredQuery:
    """Typed text as a query to run: standard prefixes added, its ``# param:`` header (if any)
    read, and its syntax checked. Raises ``InputError`` for a query that does not parse, naming
    the user's own line and column and saying in words what was expected."""
    sparql = with_standard_prefixes(text)
    query = parse_ad_hoc(sparql)
    check_syntax(query.sparql, origin=origin)
    return query


def check_syntax(sparql: str, *, origin: str = AD_HOC_ORIGIN) -> None:
    """Raise ``InputError`` (in words, at the user's position) unless ``sparql`` parses.

    The read-only guard runs first, so that nothing that could reach out (``SERVICE``) or write
    is ever handed to a store; the text is then prepared by an empty in-memory store, which
    parses it (a SELECT, CONSTRUCT or DESCRIBE is not evaluated until its rows are read, and
    here they never are; an ASK has nothing to look at).
    """
    check_read_only(sparql, origin)
    try:
        ox.Store().query(sparql)
    except SyntaxError as error:
        problem = explain(str(error), sparql)
        raise InputError(
            f"the SPARQL is not valid: {problem.message}",
            location=Location(file=origin, line=problem.line),
        ) from None


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    column: int
    """Both counted from 1, in the text the user typed (the prefix block taken out)."""
    message: str
    """'line 1, column 8: expected ... , found '%''."""


_POSITION = re.compile(r"error at (\d+):(\d+)")
_SPARQL_PUNCTUATION = set("{}()[];,.*+-/!=<>&|^?$@:\"'")
"""Characters that can start or be a SPARQL token; anything else on its own is a stray."""
_AFTER_KEYWORD = {
    "SELECT": "a variable, an expression in brackets or *",
    "WHERE": "'{'",
    "ORDER": "BY",
    "GROUP": "BY",
    "LIMIT": "a whole number",
    "OFFSET": "a whole number",
    "PREFIX": "a prefix name such as ex:",
    "FILTER": "a condition in brackets",
    "BIND": "'(' with an expression AS a variable",
    "OPTIONAL": "'{'",
    "MINUS": "'{'",
    "VALUES": "a variable or '(' with variables",
}
_EXPECTED_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (('"?"', '"$"'), "a variable"),
    (('"<"',), "an IRI"),
    (("Prefix not found", "[':']", '":"'), "a prefixed name"),
    (('"\'"', '"\\""'), "a string"),
    (("['0'..='9']", '"+"'), "a number"),
    (('"{"',), "'{'"),
    (('"("',), "'('"),
    (('")"',), "')'"),
    (('"."',), "'.'"),
)
_KEYWORD = re.compile(r"^[A-Za-z]+$")
_NOT_SUGGESTED = {"LATERAL", "SERVICE"}
"""Keywords the parser lists that are no help here (SERVICE is refused anyway)."""
_MANY_FUNCTIONS = 6
_MOST_WORDS = 6


def explain(raw: str, sparql: str) -> SyntaxProblem:
    """The parser's message ``raw`` about ``sparql`` (as sent, prefix block included) as a
    problem at the user's own line and column, in words."""
    block = prefix_block()
    start = sparql.find(block)
    typed = sparql.replace(block, "", 1) if start >= 0 else sparql
    hint = _hint_offset(raw, sparql, typed, start, len(block))
    tokens = list(tokenize(typed))
    declared = _declared_prefixes(tokens) | set(PREFIXES)
    for index, token in enumerate(tokens):
        if token.kind is Kind.PNAME and token.text.split(":", 1)[0] not in declared:
            name = token.text.split(":", 1)[0]
            standard = ", ".join(p + ":" for p in PREFIXES)
            return _problem(
                token,
                f"the prefix '{name}:' is not declared: add PREFIX {name}: <...>, or use a "
                f"standard one ({standard})",
            )
        if token.kind is Kind.PUNCT and token.text in "\"'":
            return _problem(token, "this string is not closed: a quote is missing")
        if token.kind is Kind.PUNCT and token.text not in _SPARQL_PUNCTUATION:
            previous = tokens[index - 1] if index else None
            wanted = _AFTER_KEYWORD.get(previous.text.upper()) if previous else None
            if wanted and previous is not None:
                return _problem(
                    token, f"expected {wanted} after {previous.text}, found '{token.text}'"
                )
            return _problem(token, f"found '{token.text}', which SPARQL does not use here")
        if (
            token.text in (")", "}")
            and index
            and tokens[index - 1].kind is Kind.PUNCT
            and tokens[index - 1].text in _OPERATORS
        ):
            operator = tokens[index - 1].text
            return _problem(
                token, f"expected an expression after '{operator}', found '{token.text}'"
            )
        if token.kind is Kind.WORD and token.text.upper() not in SPARQL_WORDS:
            previous = tokens[index - 1] if index else None
            wanted = _AFTER_KEYWORD.get(previous.text.upper()) if previous else None
            if wanted and previous is not None:
                return _problem(
                    token, f"expected {wanted} after {previous.text}, found '{_short(token.text)}'"
                )
            return _problem(token, f"'{_short(token.text)}' is not a SPARQL keyword or function")
    incomplete = _incomplete_triple(tokens, hint)
    if incomplete is not None:
        token, wanted = incomplete
        return _problem(token, f"expected {wanted}, found '{_short(token.text)}'")

    at_end = hint >= len(typed.rstrip())
    last = tokens[-1] if tokens else None
    culprit: Token | None
    if last is None or (at_end and (_unbalanced(tokens) or last.text.upper() in _AFTER_KEYWORD)):
        culprit = None
    else:
        culprit = _token_at(tokens, hint)
    previous = _before(tokens, culprit)
    wanted = _AFTER_KEYWORD.get(previous.text.upper()) if previous else None
    expected = wanted or _expected_words(raw)
    after = f" after {previous.text}" if previous and previous.kind is Kind.WORD else ""
    if culprit is None:
        line, column = _end_position(typed)
        return SyntaxProblem(
            line,
            column,
            f"line {line}, column {column}: expected {expected}{after}, found the end of the query",
        )
    return _problem(culprit, f"expected {expected}{after}, found '{_short(culprit.text)}'")


SPARQL_WORDS = frozenset(
    (
        "BASE",
        "PREFIX",
        "SELECT",
        "CONSTRUCT",
        "DESCRIBE",
        "ASK",
        "DISTINCT",
        "REDUCED",
        "AS",
        "FROM",
        "NAMED",
        "WHERE",
        "ORDER",
        "BY",
        "ASC",
        "DESC",
        "LIMIT",
        "OFFSET",
        "GROUP",
        "HAVING",
        "VALUES",
        "UNDEF",
        "OPTIONAL",
        "GRAPH",
        "SERVICE",
        "SILENT",
        "BIND",
        "MINUS",
        "UNION",
        "FILTER",
        "NOT",
        "IN",
        "EXISTS",
        "LATERAL",
        "A",
        "TRUE",
        "FALSE",
        "STR",
        "LANG",
        "LANGMATCHES",
        "LANGDIR",
        "DATATYPE",
        "BOUND",
        "IRI",
        "URI",
        "BNODE",
        "RAND",
        "ABS",
        "CEIL",
        "FLOOR",
        "ROUND",
        "CONCAT",
        "STRLEN",
        "UCASE",
        "LCASE",
        "ENCODE_FOR_URI",
        "CONTAINS",
        "STRSTARTS",
        "STRENDS",
        "STRBEFORE",
        "STRAFTER",
        "YEAR",
        "MONTH",
        "DAY",
        "HOURS",
        "MINUTES",
        "SECONDS",
        "TIMEZONE",
        "TZ",
        "NOW",
        "UUID",
        "STRUUID",
        "MD5",
        "SHA1",
        "SHA256",
        "SHA384",
        "SHA512",
        "COALESCE",
        "IF",
        "STRLANG",
        "STRLANGDIR",
        "STRDT",
        "SAMETERM",
        "ISIRI",
        "ISURI",
        "ISBLANK",
        "ISLITERAL",
        "ISNUMERIC",
        "ISTRIPLE",
        "TRIPLE",
        "SUBJECT",
        "PREDICATE",
        "OBJECT",
        "HASLANG",
        "HASLANGDIR",
        "REGEX",
        "SUBSTR",
        "REPLACE",
        "COUNT",
        "SUM",
        "MIN",
        "MAX",
        "AVG",
        "SAMPLE",
        "GROUP_CONCAT",
        "SEPARATOR",
    )
)
"""Every keyword and built-in function of SPARQL 1.1 (and the SPARQL 1.2 ones the store reads),
upper case: any other bare word is a typing mistake."""

_OPERATORS = {"=", "<", ">", "!", "&", "|", "+", "-", "*", "/", "(", ","}
_TRIPLE_STARTS = {"{", ".", ";", ","}
_TERM_WORDS = {"A", "TRUE", "FALSE"}
_TERM_KINDS = {Kind.VAR, Kind.IRI, Kind.PNAME, Kind.STRING, Kind.NUMBER, Kind.BNODE}


def _incomplete_triple(tokens: list[Token], hint: int) -> tuple[Token, str] | None:
    """A triple pattern cut short before ``}``, ``.`` or ``;`` (up to where the parser got):
    the token that ends it, and what it lacks."""
    terms: int | None = None
    after = "{"
    depth = 0  # brackets and parentheses inside a triple: one term, or an expression
    skip_block = False
    for token in tokens:
        if token.offset > hint:
            break
        text = token.text
        if depth:
            depth += text in "([" and token.kind is Kind.PUNCT
            depth -= text in ")]" and token.kind is Kind.PUNCT
            continue
        if token.kind is Kind.PUNCT and text in "([":
            depth = 1
            terms = None if terms is None else terms + 1
            continue
        if token.kind is Kind.WORD and text.upper() not in _TERM_WORDS:
            terms = None  # a keyword: FILTER, BIND, OPTIONAL, VALUES, a subquery...
            skip_block = text.upper() == "VALUES"
            continue
        if token.kind is Kind.PUNCT and text in _TRIPLE_STARTS | {"}"}:
            if (
                text in "}.;"
                and terms is not None
                and ((after in "{." and terms in (1, 2)) or (after == ";" and terms == 1))
            ):
                lacks = "a predicate" if after in "{." and terms == 1 else "an object"
                return token, f"{lacks} to complete the triple pattern"
            if text == "{" and skip_block:
                terms, skip_block = None, False
                continue
            terms, after = (0, text) if text != "}" else (None, text)
            continue
        if terms is not None and (token.kind in _TERM_KINDS or token.kind is Kind.WORD):
            terms += 1
    return None


def _unbalanced(tokens: list[Token]) -> bool:
    opened = sum(1 for t in tokens if t.kind is Kind.PUNCT and t.text in "{([")
    closed = sum(1 for t in tokens if t.kind is Kind.PUNCT and t.text in "})]")
    return opened > closed


def _problem(token: Token, words: str) -> SyntaxProblem:
    return SyntaxProblem(
        token.line, token.column, f"line {token.line}, column {token.column}: {words}"
    )


def _hint_offset(raw: str, sparql: str, typed: str, block_start: int, block_length: int) -> int:
    """Where the parser gave up, as an offset in the typed text."""
    match = _POSITION.search(raw)
    if not match:
        return len(typed)
    line, column = int(match.group(1)), int(match.group(2))
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", sparql)]
    offset = starts[min(line, len(starts)) - 1] + column - 1
    if block_start >= 0 and offset >= block_start:
        offset = max(block_start, offset - block_length)
    return min(offset, len(typed))


def _token_at(tokens: list[Token], offset: int) -> Token | None:
    """The token starting at ``offset``, else the last one before it (None: no tokens)."""
    chosen: Token | None = None
    for token in tokens:
        if token.offset > offset:
            break
        chosen = token
    return chosen


def _before(tokens: list[Token], token: Token | None) -> Token | None:
    if token is None:
        return tokens[-1] if tokens else None
    index = tokens.index(token)
    return tokens[index - 1] if index > 0 else None


def _declared_prefixes(tokens: list[Token]) -> set[str]:
    declared: set[str] = set()
    for first, second in itertools.pairwise(tokens):
        if first.kind is Kind.WORD and first.text.upper() == "PREFIX" and second.kind is Kind.PNAME:
            declared.add(second.text.split(":", 1)[0])
    return declared


def _expected_words(raw: str) -> str:
    listed = raw.split("expected", 1)[1] if "expected" in raw else ""
    listed = listed.removeprefix(" one of").strip()
    words = [word for needles, word in _EXPECTED_WORDS if any(n in listed for n in needles)]
    keywords = [
        item.strip().strip('"')
        for item in listed.split(", ")
        if _KEYWORD.match(item.strip().strip('"'))
    ]
    upper = [k for k in keywords if k.isupper() and k not in _NOT_SUGGESTED]
    if len(upper) >= _MANY_FUNCTIONS:
        words.append("an expression")
    else:
        words.extend(upper)
    if not words:
        return "something else"
    if len(words) > _MOST_WORDS:
        words = [*words[: _MOST_WORDS - 1], "something else"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _end_position(typed: str) -> tuple[int, int]:
    lines = typed.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
