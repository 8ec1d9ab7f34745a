"""Parameter values: parsed per declared type, resolved, defaulted, or refused clearly."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pyoxigraph as ox
import pytest

from riskgraph.errors import InputError
from riskgraph.queries import bind_parameters, parse_ad_hoc, resolve_iri
from riskgraph.vocab import ISO42001, RG, XSD

BASE = "https://example.org/reg/"
TODAY = date(2025, 6, 1)

QUERY = parse_ad_hoc(
    """# param: text (string)
# param: whole (integer, default 30)
# param: number (decimal, optional)
# param: flag (boolean, optional)
# param: day (date, default today)
# param: thing (iri, optional)
SELECT * WHERE { ?s ?p ?o }
""",
    path="queries/typed.rq",
)


def bound(**values: object) -> dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]:
    return bind_parameters(QUERY, {"text": "x", **values}, base_iri=BASE, today=TODAY)  # type: ignore[arg-type]


def literal(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def test_defaults_apply_and_optional_parameters_stay_unbound() -> None:
    assert bound() == {
        "text": ox.Literal("x"),
        "whole": literal("30", "integer"),
        "day": literal("2025-06-01", "date"),
    }


@pytest.mark.parametrize(
    ("name", "value", "term"),
    [
        ("text", ' " } ; DROP ALL ; #', ox.Literal(' " } ; DROP ALL ; #')),
        ("whole", "-12", literal("-12", "integer")),
        ("whole", " 7 ", literal("7", "integer")),
        ("whole", 7, literal("7", "integer")),
        ("number", "2.50", literal("2.50", "decimal")),
        ("number", ".5", literal("0.5", "decimal")),
        ("number", Decimal("1E+2"), literal("100", "decimal")),
        ("number", 3, literal("3", "decimal")),
        ("flag", "Yes", ox.Literal(True)),
        ("flag", "0", ox.Literal(False)),
        ("flag", False, ox.Literal(False)),
        ("day", "2024-02-29", literal("2024-02-29", "date")),
        ("day", "TODAY", literal("2025-06-01", "date")),
        ("day", date(2020, 1, 2), literal("2020-01-02", "date")),
        ("day", datetime(2020, 1, 2, 13, 5), literal("2020-01-02", "date")),
        ("thing", "R-017", ox.NamedNode(BASE + "R-017")),
        ("thing", "A.6.2.4", ox.NamedNode(ISO42001 + "A.6.2.4")),
        ("thing", "6.1.3", ox.NamedNode(ISO42001 + "6.1.3")),
        ("thing", "rg:Approved", ox.NamedNode(RG + "Approved")),
        ("thing", "https://other.example/x#y", ox.NamedNode("https://other.example/x#y")),
        ("thing", "<urn:uuid:1234>", ox.NamedNode("urn:uuid:1234")),
        ("thing", ox.NamedNode("http://e/x"), ox.NamedNode("http://e/x")),
    ],
)
def test_values_become_terms_of_their_type(name: str, value: object, term: ox.Literal) -> None:
    assert bound(**{name: value})[name] == term


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("whole", "ten", "a whole number"),
        ("whole", "1.5", "a whole number"),
        ("whole", True, "a whole number"),
        ("number", "1e3", "a number such as 2.5"),
        ("number", float("nan"), "a number such as 2.5"),
        ("flag", "maybe", "true or false"),
        ("day", "2024-02-30", "YYYY-MM-DD"),
        ("day", "01/02/2024", "YYYY-MM-DD"),
        ("day", "20240101", "YYYY-MM-DD"),
        ("text", 5, "any text"),
        ("thing", "R 17", "an entity ID"),
        ("thing", "http://x> } ; DROP ALL ; #", "an entity ID"),
        ("thing", "<http://x> <y>", "an entity ID"),
        ("thing", "", "an entity ID"),
        ("thing", "nope:thing with space", "an entity ID"),
    ],
)
def test_bad_values_name_the_parameter_value_and_type(
    name: str, value: object, expected: str
) -> None:
    with pytest.raises(InputError) as caught:
        bound(**{name: value})
    message = str(caught.value)
    assert caught.value.location.file == "queries/typed.rq"
    assert f"parameter {name!r}" in message
    assert expected in message
    assert repr(value if isinstance(value, str) else str(value)) in message


def test_unknown_parameters_list_the_declared_ones() -> None:
    with pytest.raises(InputError) as caught:
        bound(sytem="SYS-1")
    assert "no parameter 'sytem'" in str(caught.value)
    assert "text, whole, number, flag, day, thing" in str(caught.value)


def test_a_query_without_parameters_says_so() -> None:
    plain = parse_ad_hoc("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(InputError, match="it takes no parameters"):
        bind_parameters(plain, {"x": "1"}, base_iri=BASE, today=TODAY)


def test_missing_required_parameters_are_named() -> None:
    with pytest.raises(InputError) as caught:
        bind_parameters(QUERY, {}, base_iri=BASE, today=TODAY)
    assert "needs a value for 'text'" in str(caught.value)
    assert "string: any text" in str(caught.value)


def test_entity_ids_resolve_against_the_register_base() -> None:
    assert resolve_iri("SYS-1", "https://a.example/r/") == "https://a.example/r/SYS-1"
    assert resolve_iri("C.2.1", "https://a.example/r/") == ISO42001 + "C.2.1"
