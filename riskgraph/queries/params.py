"""Turn parameter values (text from the command line, or Python values) into RDF terms.

Every value is parsed for its declared type and becomes a pyoxigraph term; the store binds terms
as values, so no parameter value is ever pasted into query text.

IRI values are resolved in this order:
  ``<https://...>``            the IRI inside the angle brackets;
  ``A.6.2.4``, ``6.1.3``       an ISO/IEC 42001 reference: the catalogue IRI;
  ``rg:Approved``              a prefixed name with one of riskgraph's standard prefixes;
  ``https://...``, ``urn:...`` a full IRI (it has a scheme);
  ``R-017``                    an entity ID: the register's base IRI + the ID.

Given a store, an IRI value must name something in it (an entity, a catalogue item, a concept
or a property): ``system=SYS-NOPE`` is an error, not an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from riskgraph import clock
from riskgraph.errors import InputError, Location
from riskgraph.model.fields import ID_PATTERN, catalogue_iri, is_catalogue_ref
from riskgraph.queries.model import ParamType, QueryParameter, StoredQuery
from riskgraph.store.base import AskResult, Store, Term
from riskgraph.vocab import PREFIXES, XSD

ParamValue = str | int | Decimal | float | bool | date | ox.NamedNode
"""What callers may pass: text to parse, or a Python value of the declared type."""

TODAY = "today"

_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_PREFIXED = re.compile(r"^([A-Za-z][\w\-]*):(.*)$")
_ENTITY_ID = re.compile(ID_PATTERN)
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


class _BadValue(ValueError):
    """A value that does not fit its type; the message says why, when there is more to say."""


def bind_parameters(
    query: StoredQuery,
    values: Mapping[str, ParamValue] | None,
    *,
    base_iri: str,
    today: date,
    store: Store | None = None,
) -> dict[str, Term]:
    """Terms for the query's parameters: given values, then defaults; unbound if optional.

    With ``store``, every IRI given as text must name something in the store (a term passed as
    such, e.g. from an export's manifest, is taken as it is)."""
    values = dict(values or {})
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        takes = (
            "its parameters are: " + ", ".join(declared) if declared else "it takes no parameters"
        )
        raise InputError(
            f"{query.name} has no parameter {', '.join(repr(u) for u in unknown)}; {takes}",
            location=Location(file=query.origin),
        )
    missing = [p.name for p in query.parameters if p.required and values.get(p.name) is None]
    if missing:
        raise InputError(
            f"{query.name} needs a value for {', '.join(repr(m) for m in missing)}",
            location=Location(file=query.origin),
            expected=_describe(declared[missing[0]]),
        )
    bindings: dict[str, Term] = {}
    for param in query.parameters:
        given = values.get(param.name)
        raw = given if given is not None else param.default
        if raw is None:
            continue
        bindings[param.name] = to_term(
            param, raw, base_iri=base_iri, today=today, origin=query.origin
        )
        if store is not None and isinstance(given, str) and param.type is ParamType.IRI:
            _check_named(store, param, given, bindings[param.name], query.origin)
    return bindings


_NAMES_SOMETHING = "ASK { GRAPH ?g { { ?v ?p ?o } UNION { ?s ?v ?o } UNION { ?s ?p ?v } } }"


def _check_named(
    store: Store, param: QueryParameter, given: ParamValue, term: Term, origin: str
) -> None:
    """An ``InputError`` when the IRI ``term`` occurs nowhere in ``store``."""
    answer = store.query(_NAMES_SOMETHING, {"v": term}, union_default_graph=False)
    if isinstance(answer, AskResult) and not answer.value:
        raise InputError(
            f"parameter {param.name!r} names nothing in the register",
            location=Location(file=origin),
            value=given if isinstance(given, str) else str(given),
            expected="the ID of an entity in the register, an ISO/IEC 42001 reference, or an "
            "IRI that the register uses",
        )


def to_term(
    param: QueryParameter, value: ParamValue, *, base_iri: str, today: date, origin: str
) -> ox.NamedNode | ox.Literal:
    """The term for one value, or an ``InputError`` naming the parameter, value and type."""
    try:
        return _CONVERTERS[param.type](value, base_iri, today)
    except _BadValue as exc:
        reason = f": {exc}" if str(exc) else ""
        raise InputError(
            f"parameter {param.name!r} must be {_article(param.type)} {param.type}{reason}",
            location=Location(file=origin),
            value=value if isinstance(value, str) else str(value),
            expected=param.type.expected,
        ) from None


def check_default(param: QueryParameter) -> None:
    """Raise ``ValueError`` when the default written in the header does not fit the type."""
    if param.default is not None:
        _CONVERTERS[param.type](param.default, "https://riskgraph.example/check/", clock.today())


def _describe(param: QueryParameter) -> str:
    text = f"{param.type}: {param.type.expected}"
    return f"{text} ({param.description})" if param.description else text


def _article(kind: ParamType) -> str:
    return "an" if kind in (ParamType.INTEGER, ParamType.IRI) else "a"


def _string(value: ParamValue, _base: str, _today: date) -> ox.Literal:
    if not isinstance(value, str):
        raise _BadValue("give text")
    return ox.Literal(value)


def _integer(value: ParamValue, _base: str, _today: date) -> ox.Literal:
    if isinstance(value, bool):
        raise _BadValue()
    if isinstance(value, int):
        return ox.Literal(value)
    if isinstance(value, str) and _INTEGER.match(value.strip()):
        return ox.Literal(int(value.strip()))
    raise _BadValue()


def _decimal(value: ParamValue, _base: str, _today: date) -> ox.Literal:
    if isinstance(value, bool):
        raise _BadValue()
    if isinstance(value, str):
        if not _DECIMAL.match(value.strip()):
            raise _BadValue()
        number = Decimal(value.strip())
    elif isinstance(value, int | Decimal | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise _BadValue() from None
        if not number.is_finite():
            raise _BadValue("it must be finite")
    else:
        raise _BadValue()
    return ox.Literal(format(number, "f"), datatype=ox.NamedNode(XSD + "decimal"))


def _boolean(value: ParamValue, _base: str, _today: date) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal(value)
    if isinstance(value, str) and value.strip().lower() in _BOOLEANS:
        return ox.Literal(_BOOLEANS[value.strip().lower()])
    raise _BadValue()


def _date(value: ParamValue, _base: str, today: date) -> ox.Literal:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and value.strip().lower() == TODAY:
        day = today
    elif isinstance(value, str) and _DATE.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError as exc:
            raise _BadValue(str(exc)) from None
    else:
        raise _BadValue()
    return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))


def _iri(value: ParamValue, base_iri: str, _today: date) -> ox.NamedNode:
    if isinstance(value, ox.NamedNode):
        return value
    if not isinstance(value, str):
        raise _BadValue()
    try:
        return ox.NamedNode(resolve_iri(value.strip(), base_iri))
    except ValueError as exc:
        raise _BadValue(str(exc)) from None


def resolve_iri(text: str, base_iri: str) -> str:
    """The IRI an IRI-typed value stands for (see the module docstring for the rules)."""
    if not text:
        raise ValueError("it is empty")
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if is_catalogue_ref(text):
        return catalogue_iri(text)
    if (prefixed := _PREFIXED.match(text)) and prefixed.group(1) in PREFIXES:
        return PREFIXES[prefixed.group(1)] + prefixed.group(2)
    if _SCHEME.match(text):
        return text
    if _ENTITY_ID.match(text):
        return base_iri + text
    raise ValueError(
        "it is neither an entity ID (a letter, then letters, digits, '.', '-' or '_'), "
        "an ISO/IEC 42001 reference, a known prefixed name nor a full IRI"
    )


_CONVERTERS: dict[ParamType, Callable[[ParamValue, str, date], ox.NamedNode | ox.Literal]] = {
    ParamType.STRING: _string,
    ParamType.INTEGER: _integer,
    ParamType.DECIMAL: _decimal,
    ParamType.BOOLEAN: _boolean,
    ParamType.DATE: _date,
    ParamType.IRI: _iri,
}
