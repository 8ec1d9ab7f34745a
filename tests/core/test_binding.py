"""Parameters are bound as RDF terms; no value can change the shape of a query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from riskgraph.store.base import SelectResult
from riskgraph.store.binding import bind, where_brace
from riskgraph.store.embedded import EmbeddedStore

G = ox.NamedNode("http://example.org/g")


@pytest.fixture
def store() -> EmbeddedStore:
    s = EmbeddedStore()
    s.raw.extend(
        [
            ox.Quad(
                ox.NamedNode("http://example.org/a"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal("x"),
                G,
            ),
            ox.Quad(
                ox.NamedNode("http://example.org/b"),
                ox.NamedNode("http://example.org/p"),
                ox.Literal("y"),
                G,
            ),
        ]
    )
    return s


def _values(store: EmbeddedStore, sparql: str, bindings: dict) -> list[str]:
    result = store.query(sparql, bindings)
    assert isinstance(result, SelectResult)
    return sorted(str(row[result.variables[0]]) for row in result.rows)


def test_binding_a_variable_that_is_not_projected(store: EmbeddedStore) -> None:
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert _values(store, sparql, {"o": ox.Literal("x")}) == [
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        'x" } ; DROP ALL ; #',
        "x' } UNION { ?s ?p ?o } #",
        "\n} } INSERT DATA { <http://e/a> <http://e/b> <http://e/c> } #",
        '"""',
    ],
)
def test_hostile_literal_values_stay_values(store: EmbeddedStore, hostile: str) -> None:
    sparql = "SELECT ?s WHERE { ?s ?p ?o }"
    assert _values(store, sparql, {"o": ox.Literal(hostile)}) == []
    assert len(list(store.quads())) == 2


def test_hostile_iri_cannot_be_built() -> None:
    with pytest.raises(ValueError):
        ox.NamedNode("http://e/a> } DROP ALL {")


def test_where_brace_skips_braces_in_comments_strings_and_iris() -> None:
    sparql = 'PREFIX x: <http://e/{weird}> # { not this\nSELECT ?s ("{" AS ?b) WHERE { ?s ?p ?o }'
    at = where_brace(sparql)
    assert sparql[at:].startswith("{ ?s ?p ?o }")


def test_construct_binds_inside_where_not_template() -> None:
    text = bind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"p": ox.NamedNode("http://e/p")})
    assert text.startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?p)")


def test_bad_variable_name_is_refused() -> None:
    with pytest.raises(ValueError, match="not a valid SPARQL variable"):
        bind("SELECT * WHERE { ?s ?p ?o }", {"p) } DROP ALL": ox.Literal("x")})


def test_short_construct_with_parameters_is_refused() -> None:
    with pytest.raises(ValueError, match="long form"):
        bind("CONSTRUCT WHERE { ?s ?p ?o }", {"p": ox.NamedNode("http://e/p")})
