"""The stored query format: a ``.rq`` file that starts with a comment header, then the SPARQL.

Example::

    # title: Risks above appetite with no approved treatment
    # description: Risks whose inherent level ranks above the register's appetite and that
    #   have no treatment approved by a named person.
    # param: appetite_rank (integer, default 3) Level rank of the risk appetite (1 to 7)
    # param: system (iri, optional) Only risks affecting this AI system
    # tags: gaps, risks
    PREFIX rg: <https://w3id.org/riskgraph#>
    SELECT ...

Rules:

- The header is the run of ``#`` lines at the top of the file (blank lines before it are
  ignored). It ends at the first line that does not start with ``#``; later comments are
  ordinary SPARQL comments.
- Each header line is ``# field: value``. Fields: ``title`` (one line, required),
  ``description`` (required), ``param`` (any number), ``tags`` (once, comma-separated, lower
  case). A line indented by two or more spaces after ``#`` continues the description or the
  parameter above it. A bare ``#`` line is allowed and ends a continuation.
- ``# param: NAME (TYPE[, default VALUE][, optional]) DESCRIPTION``. NAME is also the SPARQL
  variable ``?NAME`` that the value is bound to. TYPE is one of string, integer, decimal,
  boolean, date, iri (see ``params.py`` for what each accepts). A date default may be
  ``today``, resolved when the query runs. Write a default in double quotes when it holds
  ``,`` or ``)`` or leading or trailing spaces (it cannot hold ``"``). Without a default or
  ``optional`` the parameter is required. An optional parameter left out stays unbound: the
  query must work with the variable unbound, e.g. ``FILTER(!BOUND(?system) || EXISTS {...})``.
- Parameters are bound as values (a VALUES row at the start of the WHERE group), so use them
  in the top-level group: in FILTER, BIND or EXISTS there, not inside nested groups, OPTIONAL
  or subqueries (those are evaluated before the parameter joins in).

Ad-hoc query text may carry the same header, with the title and description optional; it has
a header only when its first line is a header field (otherwise its comments are just comments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from riskgraph.errors import InputError, Location
from riskgraph.queries.model import (
    PARAMETER_NAME_PATTERN,
    ParamType,
    QueryParameter,
    QuerySource,
    StoredQuery,
)
from riskgraph.queries.params import check_default

FIELDS = ("title", "description", "param", "tags")
AD_HOC_NAME = "ad-hoc"
AD_HOC_ORIGIN = "ad-hoc query"

_FIELD_LINE = re.compile(r"^#[ \t]?([A-Za-z_-]+)[ \t]*:(.*)$")
_CONTINUATION = re.compile(r"^#[ \t]{2,}(\S.*)$")
_PARAM = re.compile(r'^(?P<name>[^\s(]+)\s*\((?P<spec>(?:"[^"]*"|[^)"])*)\)\s*(?P<description>.*)$')
_SPEC_ITEM = re.compile(r'(?:"[^"]*"|[^,"])+')
_PARAM_NAME = re.compile(PARAMETER_NAME_PATTERN)
_TAG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TYPES = ", ".join(t.value for t in ParamType)
_PARAM_FORM = "NAME (TYPE[, default VALUE][, optional]) DESCRIPTION"


@dataclass
class _Param:
    line: int
    name: str
    type: ParamType
    default: str | None
    optional: bool
    description: list[str] = field(default_factory=list)


@dataclass
class _Header:
    title: str | None = None
    description: list[str] | None = None
    params: list[_Param] = field(default_factory=list)
    tags: tuple[str, ...] | None = None
    description_line: int = 1


def parse_stored_query(
    text: str, *, name: str, source: QuerySource, path: str | None = None
) -> StoredQuery:
    """A query file: the header must give a title and a description."""
    return _parse(text, name=name, source=source, origin=path or name, path=path, strict=True)


def parse_ad_hoc(text: str, path: str | None = None) -> StoredQuery:
    """Query text typed by the user, or read from ``path``; a header is optional."""
    return _parse(
        text,
        name=AD_HOC_NAME,
        source=QuerySource.AD_HOC,
        origin=path or AD_HOC_ORIGIN,
        path=path,
        strict=False,
    )


def _parse(
    text: str, *, name: str, source: QuerySource, origin: str, path: str | None, strict: bool
) -> StoredQuery:
    lines = text.splitlines()
    if not strict and not _starts_with_header(lines):
        return StoredQuery(name=name, title="Ad-hoc query", sparql=text, source=source, path=path)
    header, body_starts = _read_header(lines, origin)
    if not any(line.strip() for line in lines[body_starts:]):
        raise _error("there is no SPARQL after the header", origin, body_starts + 1)
    if strict:
        if header.title is None:
            raise _error("the header has no '# title:' line", origin, 1, expected="# title: ...")
        if header.description is None:
            raise _error(
                "the header has no '# description:' line",
                origin,
                1,
                expected="# description: ...",
            )
        if not header.description:
            raise _error(
                "the description is empty",
                origin,
                header.description_line,
                expected="# description: some words",
            )
    return StoredQuery(
        name=name,
        title=header.title or "Ad-hoc query",
        description=" ".join(header.description or []),
        parameters=tuple(_finish_param(p, origin) for p in header.params),
        tags=header.tags or (),
        sparql=text,
        source=source,
        path=path,
    )


def _starts_with_header(lines: list[str]) -> bool:
    """True when the first non-blank line is a header field such as ``# title:``."""
    first = next((line.strip() for line in lines if line.strip()), "")
    found = _FIELD_LINE.match(first)
    return found is not None and found.group(1).lower() in FIELDS


def _read_header(lines: list[str], origin: str) -> tuple[_Header, int]:
    """The parsed header and the index of the first line after it."""
    header = _Header()
    continues: list[str] | None = None  # the text a continuation line appends to
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    for index in range(start, len(lines)):
        line = lines[index].rstrip()
        number = index + 1
        if not line.startswith("#"):
            return header, index
        if not line[1:].strip():
            continues = None
        elif more := _CONTINUATION.match(line):
            if continues is None:
                raise _error(
                    "an indented line continues only a description or a parameter",
                    origin,
                    number,
                    value=line,
                )
            continues.append(more.group(1).strip())
        elif found := _FIELD_LINE.match(line):
            continues = _read_field(header, found.group(1), found.group(2).strip(), origin, number)
        else:
            raise _error(
                "not a header line",
                origin,
                number,
                value=line,
                expected=(
                    "'# field: value' with field one of " + ", ".join(FIELDS) + ", an indented "
                    "continuation line, or a blank line to end the header"
                ),
            )
    return header, len(lines)


def _read_field(
    header: _Header, key: str, value: str, origin: str, number: int
) -> list[str] | None:
    """Store one field; return the list a continuation line would extend."""
    key = key.lower()
    if key not in FIELDS:
        raise _error(
            f"unknown header field {key!r}",
            origin,
            number,
            expected="one of " + ", ".join(FIELDS),
        )
    if key == "param":
        param = _read_param(value, origin, number)
        if any(p.name == param.name for p in header.params):
            raise _error(f"parameter {param.name!r} is declared twice", origin, number)
        header.params.append(param)
        return param.description
    if key in ("title", "description", "tags") and getattr(header, key) is not None:
        raise _error(f"the header has more than one '{key}' line", origin, number)
    if key == "title":
        if not value:
            raise _error("the title is empty", origin, number, expected="# title: some words")
        header.title = value
        return None
    if key == "tags":
        header.tags = _read_tags(value, origin, number)
        return None
    header.description = [value] if value else []
    header.description_line = number
    return header.description


def _read_tags(value: str, origin: str, number: int) -> tuple[str, ...]:
    tags = tuple(t.strip() for t in value.split(",") if t.strip())
    for tag in tags:
        if not _TAG.match(tag):
            raise _error(
                "a tag is not valid",
                origin,
                number,
                value=tag,
                expected="lower-case letters, digits and '-', tags separated by commas",
            )
    return tags


def _read_param(value: str, origin: str, number: int) -> _Param:
    found = _PARAM.match(value)
    if not found:
        raise _error("a parameter line is not valid", origin, number, value, expected=_PARAM_FORM)
    name = found.group("name")
    if not _PARAM_NAME.match(name):
        raise _error(
            "a parameter name is not valid",
            origin,
            number,
            value=name,
            expected="a letter or '_' then letters, digits or '_' (it is the SPARQL variable)",
        )
    kind, *options = [item.strip() for item in _SPEC_ITEM.findall(found.group("spec"))] or [""]
    try:
        param_type = ParamType(kind.lower())
    except ValueError:
        raise _error(
            f"parameter {name!r} has an unknown type", origin, number, kind, expected=_TYPES
        ) from None
    default: str | None = None
    optional = False
    for option in options:
        if option.lower() == "optional" and not optional:
            optional = True
        elif option.lower().startswith("default ") and default is None:
            default = _unquote(option[len("default ") :].strip())
        else:
            raise _error(
                f"parameter {name!r} has an option that is not valid or is repeated",
                origin,
                number,
                value=option,
                expected="'default VALUE' or 'optional', each at most once",
            )
    if optional and default is not None:
        raise _error(
            f"parameter {name!r} has both a default and 'optional'",
            origin,
            number,
            expected="either a default (used when no value is given) or 'optional' (left unbound)",
        )
    description = found.group("description").strip()
    return _Param(number, name, param_type, default, optional, [description] if description else [])


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def _finish_param(param: _Param, origin: str) -> QueryParameter:
    result = QueryParameter(
        name=param.name,
        type=param.type,
        description=" ".join(param.description),
        default=param.default,
        optional=param.optional,
    )
    try:
        check_default(result)
    except ValueError as exc:
        reason = f": {exc}" if str(exc) else ""
        raise _error(
            f"the default of parameter {param.name!r} is not a valid {param.type}{reason}",
            origin,
            param.line,
            value=param.default,
            expected=param.type.expected,
        ) from None
    return result


def _error(
    problem: str,
    origin: str,
    line: int,
    value: object = None,
    *,
    expected: str | None = None,
) -> InputError:
    return InputError(
        problem, location=Location(file=origin, line=line), value=value, expected=expected
    )
